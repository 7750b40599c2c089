/**
 * For tests that make temporary folders and start services: `const s = scratch();
 * afterEach(() => s.clean());` then `s.dir()` for a new folder and `s.defer(fn)` for
 * what must be stopped. Clean-up runs in reverse order, folders last made first removed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Scratch {
  /** A new empty folder, removed by clean(). */
  dir(prefix?: string): string;
  /** Run `fn` at clean(), before what was deferred earlier. */
  defer(fn: () => Promise<unknown> | unknown): void;
  clean(): Promise<void>;
}

export function scratch(): Scratch {
  const todo: Array<() => Promise<unknown> | unknown> = [];
  return {
    dir(prefix = 'solidaire-') {
      const d = mkdtempSync(join(tmpdir(), prefix));
      todo.push(() => rmSync(d, { recursive: true, force: true }));
      return d;
    },
    defer(fn) {
      todo.push(fn);
    },
    async clean() {
      for (const f of todo.splice(0).reverse()) await f();
    },
  };
}

/** A TCP port free on 127.0.0.1 right now (for a child process that must be told its port). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
