/**
 * The fields of a form that are kept as a draft at every keystroke (a message, a reply):
 * a lost session, a reload or a closed tab gives them back.
 */
import { createSignal, type Accessor } from 'solid-js';
import { draft } from './drafts.js';

export interface DraftForm<T extends Record<string, string>> {
  readonly values: Accessor<T>;
  /** True when the form opened with text left from before. */
  readonly restored: boolean;
  set(field: keyof T, value: string): void;
  clear(): void;
}

export function draftForm<T extends Record<string, string>>(key: string, empty: T): DraftForm<T> {
  const store = draft<T>(key);
  const kept = store.read();
  const restored = kept !== undefined && Object.keys(empty).some((k) => (kept[k] ?? '') !== '');
  const [values, setValues] = createSignal<T>({ ...empty, ...(kept ?? {}) });
  return {
    values,
    restored,
    set(field, value) {
      const next = { ...values(), [field]: value };
      setValues(() => next);
      store.write(next);
    },
    clear() {
      store.clear();
      setValues(() => ({ ...empty }));
    },
  };
}
