/**
 * What a correction sends: only the fields whose value changed. The box keeps the last
 * writer per field, so a form sent whole would take the other fields back from someone
 * who changed them meanwhile, here or at another site.
 */
export function changedFields<T extends object>(before: Partial<T>, after: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(after) as Array<keyof T>) if (after[k] !== before[k]) out[k] = after[k];
  return out;
}
