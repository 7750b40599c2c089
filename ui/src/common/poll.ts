/**
 * A resource fetched again every few seconds while its page is open: the fleet, a box's
 * sync or its updates change on their own. The timer stops with the page (onCleanup); a
 * failed refresh keeps the last answer shown beside the error.
 */
import { createResource, onCleanup, type Resource, type Setter } from 'solid-js';

export const REFRESH_MS = 5_000;

/** The resource, a way to ask again now, and one to put an answer in its place. */
export function polled<T>(load: () => Promise<T>, everyMs = REFRESH_MS): [Resource<T>, () => void, Setter<T | undefined>] {
  const [data, { refetch, mutate }] = createResource(load);
  const timer = setInterval(() => void refetch(), everyMs);
  onCleanup(() => clearInterval(timer));
  return [data, () => void refetch(), mutate];
}
