/**
 * A resource fetched again every few seconds while its page is open: the fleet changes
 * on its own. The timer stops with the page (onCleanup); a failed refresh keeps the last
 * answer shown beside the error.
 */
import { createResource, onCleanup, type Resource } from 'solid-js';

export const REFRESH_MS = 5_000;

export function polled<T>(load: () => Promise<T>, everyMs = REFRESH_MS): [Resource<T>, () => void] {
  const [data, { refetch }] = createResource(load);
  const timer = setInterval(() => void refetch(), everyMs);
  onCleanup(() => clearInterval(timer));
  return [data, () => void refetch()];
}
