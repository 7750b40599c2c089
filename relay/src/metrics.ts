/**
 * Prometheus text exposition (format 0.0.4) of the fleet, so a Grafana user can plug in.
 * Site labels are the relay's site ids and names; the text escapes what the format says.
 */
import type { Site } from './registry.js';
import type { Presence } from './fleet.js';

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

export function renderMetrics(sites: readonly Site[], presence: (siteKey: string) => Presence, now: number): string {
  const lines: string[] = [];
  const enrolled = sites.filter((s) => s.siteKey !== null && s.revokedAt === null);
  lines.push('# HELP solidaire_sites Sites known to the relay, by state.', '# TYPE solidaire_sites gauge');
  lines.push(`solidaire_sites{state="enrolled"} ${enrolled.length}`);
  lines.push(`solidaire_sites{state="waiting"} ${sites.filter((s) => s.siteKey === null && s.revokedAt === null).length}`);
  lines.push(`solidaire_sites{state="revoked"} ${sites.filter((s) => s.revokedAt !== null).length}`);
  lines.push('# HELP solidaire_site_online Whether the site is connected to the broker now.', '# TYPE solidaire_site_online gauge');
  const seen: string[] = ['# HELP solidaire_site_last_seen_seconds Seconds since the site was last connected.', '# TYPE solidaire_site_last_seen_seconds gauge'];
  for (const s of enrolled) {
    const p = presence(s.siteKey!);
    const labels = `site="${esc(s.id)}",name="${esc(s.name)}"`;
    lines.push(`solidaire_site_online{${labels}} ${p.online ? 1 : 0}`);
    if (p.lastSeen !== null) seen.push(`solidaire_site_last_seen_seconds{${labels}} ${Math.max(0, Math.round((now - p.lastSeen) / 1000))}`);
  }
  return [...lines, ...seen, ''].join('\n');
}
