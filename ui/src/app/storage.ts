/**
 * localStorage that never throws: a browser in private mode, or one with storage off,
 * still runs the app (drafts are then kept only while the page is open).
 */
const memory = new Map<string, string>();

function store(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export const storage = {
  get(key: string): string | null {
    try {
      return store()?.getItem(key) ?? memory.get(key) ?? null;
    } catch {
      return memory.get(key) ?? null;
    }
  },
  set(key: string, value: string): void {
    memory.set(key, value);
    try {
      store()?.setItem(key, value);
    } catch {
      // Full or forbidden: the memory copy stays.
    }
  },
  remove(key: string): void {
    memory.delete(key);
    try {
      store()?.removeItem(key);
    } catch {
      // Nothing to do.
    }
  },
};
