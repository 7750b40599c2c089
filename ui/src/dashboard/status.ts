/**
 * A site's state at a glance, shown as a colour and a word (never the colour alone):
 * an active alert wins, then online, else silent; a site not enrolled yet or revoked
 * says so. Pure, so it is tested in Node.
 */
import type { Alert, Site } from './types.js';

export type SiteStatus = 'alert' | 'online' | 'silent' | 'pending' | 'revoked';

export function statusOf(site: Site, activeAlerts: readonly Alert[]): SiteStatus {
  if (site.revokedAt !== null) return 'revoked';
  if (site.enrolledAt === null) return 'pending';
  if (activeAlerts.some((a) => a.site === site.id && a.clearedAt === null)) return 'alert';
  return site.online ? 'online' : 'silent';
}

/** Percent of the disk used, from the box's free and total MiB; undefined when unknown. */
export function diskUsedPct(values: Readonly<Record<string, number>>): number | undefined {
  const total = values['diskTotalMiB'];
  const free = values['diskFreeMiB'];
  if (total === undefined || free === undefined || total <= 0) return undefined;
  return Math.max(0, Math.min(100, (1 - free / total) * 100));
}

/** The order in which the fleet's summary names the states: what needs a look first. */
const SUMMARY_ORDER: readonly SiteStatus[] = ['alert', 'silent', 'online', 'pending', 'revoked'];

/**
 * Each state with the sites in it, worst first ([['silent', ['Youri']], ['online', ['Grigny']]]):
 * what a screen reader is told when it changes. No times in it, which change at every refresh.
 */
export function fleetSummary(sites: readonly Site[], activeAlerts: readonly Alert[]): Array<[SiteStatus, string[]]> {
  const by = new Map<SiteStatus, string[]>();
  for (const site of sites) {
    const status = statusOf(site, activeAlerts);
    by.set(status, [...(by.get(status) ?? []), site.name]);
  }
  return SUMMARY_ORDER.filter((s) => by.has(s)).map((s) => [s, by.get(s)!]);
}
