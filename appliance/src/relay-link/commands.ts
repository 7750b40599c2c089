/**
 * What a box does when the relay sends it a command, and the memory of which commands it
 * already answered (kept in <data>/commands-answered.json, so a command redelivered after
 * a restart is not run twice).
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileDurably } from '../durable/index.js';
import { z } from 'zod';
import type { Command, CommandResult } from './client.js';

export interface BoxActions {
  /** Sync with every known peer now; a short account of each session. */
  syncNow(): Promise<unknown>;
  /** The box's recent log lines (errors and notable events), newest last. */
  logs(): string[];
  /** Change a link's settings (metered, monthly budget). */
  configureLink(settings: { link: string; metered: boolean; budgetBytes: number; resetDay: number }): void;
  /** Restart the appliance (systemd brings it back); called after the answer is sent. */
  restart(): void;
}

const setConfigArgs = z.object({
  link: z.object({
    name: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/),
    metered: z.boolean(),
    budgetBytes: z.number().int().min(0).max(2 ** 45),
    resetDay: z.number().int().min(1).max(28).default(1),
  }),
});

export function commandHandler(actions: BoxActions): (cmd: Command) => Promise<CommandResult> {
  return async (cmd) => {
    switch (cmd.action) {
      case 'sync-now':
        return { ok: true, output: await actions.syncNow() };
      case 'collect-logs':
        return { ok: true, output: actions.logs().slice(-200) };
      case 'set-config': {
        const parsed = setConfigArgs.safeParse(cmd.args);
        if (!parsed.success) return { ok: false, error: `réglage refusé : ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}` };
        const { name, ...rest } = parsed.data.link;
        actions.configureLink({ link: name, ...rest });
        return { ok: true, output: { link: name, ...rest } };
      }
      case 'restart':
        // Answer first; the restart happens once the answer is on its way.
        setTimeout(() => actions.restart(), 500).unref();
        return { ok: true, output: 'redémarrage dans un instant' };
      default:
        return { ok: false, error: `commande inconnue « ${cmd.action} »` };
    }
  };
}

/** Ids of commands already answered, the last 500, in a small file. */
export class AnsweredCommands {
  private readonly ids: string[];

  constructor(private readonly path: string) {
    let ids: string[] = [];
    if (existsSync(path)) {
      try {
        const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
        if (Array.isArray(raw)) ids = raw.filter((x): x is string => typeof x === 'string');
      } catch {
        // A damaged file forgets; at worst a command runs twice, and commands are safe to repeat.
      }
    }
    this.ids = ids;
  }

  has(id: string): boolean {
    return this.ids.includes(id);
  }

  add(id: string): void {
    if (this.has(id)) return;
    this.ids.push(id);
    if (this.ids.length > 500) this.ids.splice(0, this.ids.length - 500);
    writeFileDurably(this.path, JSON.stringify(this.ids));
  }
}
