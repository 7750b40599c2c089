/**
 * The fleet dashboard at the relay's "/": the files `npm run build` leaves in
 * ui/dist/dashboard, served by the same code as the box's workspace (singlePageApp).
 * The API (/api/…), /metrics and /healthz are never pages of it: their answers,
 * 404s included, stay theirs.
 */
import { fileURLToPath } from 'node:url';
import type { MiddlewareHandler } from 'hono';
import { singlePageApp, WORKSPACE_CSP } from '@solidaire/appliance/http';

/** ui/dist/dashboard, from relay/src (tests) or relay/dist (built). */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../ui/dist/dashboard', import.meta.url));

export function dashboard(dir: string = DEFAULT_DASHBOARD_DIR): MiddlewareHandler {
  return singlePageApp({
    dir,
    csp: WORKSPACE_CSP,
    exclude: /^\/(api\/|api$|metrics$|healthz$)/,
    missing: {
      title: 'Le tableau de bord de Solidaire n’est pas installé',
      text: 'Le relais fonctionne, mais les pages du tableau de bord n’ont pas été construites.',
      health: 'État du relais',
    },
  });
}
