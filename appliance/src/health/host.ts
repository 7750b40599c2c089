/**
 * What the health room reads from the machine besides systeminformation: files (the
 * kernel's power_supply class) and commands (vcgencmd, a UPS HAT's reader, the shutdown
 * command). Injected, so tests can stand in for a Raspberry Pi on any machine.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

export interface CommandResult {
  /** The command ran and exited 0. */
  readonly ok: boolean;
  readonly stdout: string;
  /** Why it did not succeed (not found, exit code, timeout), in plain words. */
  readonly error?: string;
}

export interface Host {
  /** A file's text, or null when it does not exist or cannot be read. */
  readFile(path: string): Promise<string | null>;
  /** A folder's entries, or none when it does not exist. */
  readDir(path: string): Promise<string[]>;
  /** Run a command (argv, no shell). Never throws: a failure is in the result. */
  run(argv: readonly string[], opts?: { readonly timeoutMs?: number }): Promise<CommandResult>;
}

export const nodeHost: Host = {
  async readFile(path) {
    try {
      return await readFile(path, 'utf8');
    } catch {
      return null;
    }
  },
  async readDir(path) {
    try {
      return (await readdir(path)).sort();
    } catch {
      return [];
    }
  },
  run: runCommand,
};

export function runCommand(argv: readonly string[], opts: { readonly timeoutMs?: number } = {}): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.resolve({ ok: false, stdout: '', error: 'empty command' });
  return new Promise((resolve) => {
    execFile(file, args, { timeout: opts.timeoutMs ?? 5_000, maxBuffer: 64 * 1024, encoding: 'utf8' }, (err, stdout) => {
      if (!err) return resolve({ ok: true, stdout });
      const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
      const why = e.code === 'ENOENT' ? 'not found' : e.killed ? 'timed out' : typeof e.code === 'number' ? `exit code ${e.code}` : e.message;
      resolve({ ok: false, stdout: String(stdout ?? ''), error: `${argv.join(' ')}: ${why}` });
    });
  });
}
