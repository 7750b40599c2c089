/** A correction sent to the box: PATCH with only the fields that changed, nothing if none did. */
import { changedFields } from '../forms/index.js';
import { api } from './session.js';

export async function patchChanged<T extends object>(path: string, before: Partial<T>, after: T): Promise<void> {
  const changed = changedFields(before, after);
  if (Object.keys(changed).length > 0) await api.send('PATCH', path, changed);
}
