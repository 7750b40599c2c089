/** A user's action that calls the box: busy while it runs, its error kept for the page. */
import { createSignal, type Accessor } from 'solid-js';

export interface Action<A extends unknown[]> {
  readonly busy: Accessor<boolean>;
  readonly error: Accessor<unknown>;
  run(...args: A): Promise<void>;
  fail(error: unknown): void;
}

export function createAction<A extends unknown[]>(fn: (...args: A) => Promise<void>): Action<A> {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  return {
    busy,
    error,
    fail: (e) => setError(() => e),
    async run(...args) {
      setBusy(true);
      setError(undefined);
      try {
        await fn(...args);
      } catch (e) {
        setError(() => e);
      } finally {
        setBusy(false);
      }
    },
  };
}
