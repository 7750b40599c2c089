/**
 * The MQTT topic layout between boxes and the relay: the one place it is written down.
 * Every topic starts with solidaire/v1; a site's own topics sit under its site id (the
 * libp2p peer id of its key, which is also its MQTT user name and client id).
 *
 *   solidaire/v1/sites/{site}/state        retained; "online" on connect, "offline" as the
 *                                          last will: presence at a glance       (site →)
 *   solidaire/v1/sites/{site}/health       health batches, QoS 1, compressed     (site →)
 *   solidaire/v1/sites/{site}/events       what happened on the box (QoS 1)      (site →)
 *   solidaire/v1/sites/{site}/cmd/{id}     a command for the site, QoS 1, queued
 *                                          while it is away                      (→ site)
 *   solidaire/v1/sites/{site}/result/{id}  the command's result, QoS 1           (site →)
 *   solidaire/v1/spaces/{space}/head       retained; the hub's latest version of a space,
 *                                          so a site opens a session only when
 *                                          there is something new               (→ sites)
 *   solidaire/v1/releases/offer            retained; the release the relay offers (its
 *                                          version, SHA-256 and size): a box fetches
 *                                          it as a blob, LAN neighbours first   (→ sites)
 *
 * A site may publish only under its own sites/{site}/ (not cmd/), and subscribe only to
 * its own cmd/#, to the heads of spaces it is granted and to the release offer.
 */
export const ROOT = 'solidaire/v1';

export const topics = {
  state: (site: string) => `${ROOT}/sites/${site}/state`,
  health: (site: string) => `${ROOT}/sites/${site}/health`,
  events: (site: string) => `${ROOT}/sites/${site}/events`,
  command: (site: string, id: string) => `${ROOT}/sites/${site}/cmd/${id}`,
  commands: (site: string) => `${ROOT}/sites/${site}/cmd/#`,
  result: (site: string, id: string) => `${ROOT}/sites/${site}/result/${id}`,
  head: (space: string) => `${ROOT}/spaces/${space}/head`,
  releaseOffer: `${ROOT}/releases/offer`,
  allSites: `${ROOT}/sites/+/+`,
  allResults: `${ROOT}/sites/+/result/+`,
} as const;

export type SiteTopic =
  | { kind: 'state' | 'health' | 'events'; site: string }
  | { kind: 'cmd' | 'result'; site: string; id: string }
  | { kind: 'head'; space: string }
  | { kind: 'release' };

/** What a topic is, or null if it is not one of ours (wildcards are not topics). */
export function parseTopic(topic: string): SiteTopic | null {
  const parts = topic.split('/');
  if (parts[0] !== 'solidaire' || parts[1] !== 'v1' || parts.some((p) => p === '' || p === '+' || p === '#')) return null;
  if (parts[2] === 'spaces' && parts.length === 5 && parts[4] === 'head') return { kind: 'head', space: parts[3]! };
  if (topic === topics.releaseOffer) return { kind: 'release' };
  if (parts[2] !== 'sites' || parts.length < 5) return null;
  const site = parts[3]!;
  const kind = parts[4];
  if (parts.length === 5 && (kind === 'state' || kind === 'health' || kind === 'events')) return { kind, site };
  if (parts.length === 6 && (kind === 'cmd' || kind === 'result')) return { kind, site, id: parts[5]! };
  return null;
}

/** Whether a site may publish to a topic: its own state, health, events and results. */
export function siteMayPublish(site: string, topic: string): boolean {
  const t = parseTopic(topic);
  return t !== null && t.kind !== 'head' && t.kind !== 'release' && t.kind !== 'cmd' && t.site === site;
}

/** Whether a site may subscribe to a filter: its own commands, a granted space's head, the release offer. */
export function siteMaySubscribe(site: string, filter: string, spaces: ReadonlySet<string>): boolean {
  if (filter === topics.commands(site) || filter === topics.releaseOffer) return true;
  const parts = filter.split('/');
  if (parts.length === 6 && filter.startsWith(`${ROOT}/sites/${site}/cmd/`) && !/[+#]/.test(parts[5]!)) return true;
  const t = parseTopic(filter);
  return t !== null && t.kind === 'head' && spaces.has(t.space);
}
