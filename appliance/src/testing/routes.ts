/** Every API route of an app, for tests that must walk all of them (access, fuzzing). */
import type { Appliance } from '../appliance.js';

export interface ApiRoute {
  readonly method: string;
  /** Hono path with :params, e.g. /api/v1/spaces/:space/documents/:id */
  readonly path: string;
  readonly params: readonly string[];
}

export function apiRoutes(appliance: Appliance): ApiRoute[] {
  const seen = new Set<string>();
  const out: ApiRoute[] = [];
  for (const r of appliance.app.routes) {
    if (r.method === 'ALL' || !r.path.startsWith('/api/v1/') || r.path.includes('*')) continue;
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method: r.method, path: r.path, params: [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!) });
  }
  return out;
}

/** Fill a route's :params from a map of candidate values (missing ones get `fallback`). */
export function fillPath(route: ApiRoute, values: Record<string, string>, fallback = 'inconnu'): string {
  return route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(values[name] ?? fallback));
}
