/**
 * Drafts kept in localStorage while the user types, so that nothing is lost when the
 * session expires (the login shows over the page, which mounts again after it), when the
 * page is reloaded or when the box restarts. A draft is cleared once it is saved.
 */
import { storage } from './storage.js';

const PREFIX = 'solidaire.draft.';

export interface Draft<T> {
  read(): T | undefined;
  write(value: T): void;
  clear(): void;
}

export function draft<T>(key: string): Draft<T> {
  const full = PREFIX + key;
  return {
    read() {
      const raw = storage.get(full);
      if (raw === null) return undefined;
      try {
        return JSON.parse(raw) as T;
      } catch {
        return undefined;
      }
    },
    write: (value) => storage.set(full, JSON.stringify(value)),
    clear: () => storage.remove(full),
  };
}
