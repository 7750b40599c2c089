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
