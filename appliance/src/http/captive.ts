/**
 * The captive page. On the box's own Wi-Fi, its DNS answers every name with the box, so a
 * phone that joins and checks for the Internet (Android's /generate_204, Apple's
 * /hotspot-detect.html, Windows' /connecttest.txt…) or a newcomer who types any address
 * reaches this server under a name that is not the box's. Such a request is sent to the
 * workspace by its own name: the phone then shows "sign in to the network" and opens it.
 *
 * The box's names: IP addresses, `localhost`, any `*.local` (mDNS, how the LAN reaches
 * it), and those given (a school's DNS name for the box). Anything else is foreign; a
 * foreign request that is not a page view (POST…) is refused rather than redirected, which
 * also shuts out DNS rebinding (a web page whose name was pointed at the box).
 */
import { isIP } from 'node:net';
import { errorBody } from './errors.js';
import { prepared, secured } from './security-headers.js';

export const DEFAULT_PUBLIC_NAME = 'solidaire.local';

export interface CaptivePortal {
  /** The answer for a request with this Host header, or undefined when it is for the box. */
  check(host: string | undefined, method: string): Response | undefined;
}

/** The host's name without its port, lower-case (IPv6 literals keep their brackets off). */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

export function captivePortal(names: readonly string[] = [DEFAULT_PUBLIC_NAME]): CaptivePortal {
  const own = new Set(names.map((n) => n.toLowerCase()));
  const target = `http://${names[0] ?? DEFAULT_PUBLIC_NAME}/`;
  const redirect = secured({ location: target, 'cache-control': 'no-store', 'content-type': 'text/html; charset=utf-8' });
  const refused = secured({ 'content-type': 'application/json', 'cache-control': 'no-store' });
  const page = `<!doctype html><meta charset="utf-8"><title>Solidaire</title><p>L’espace de travail est à l’adresse <a href="${target}">${target}</a>.</p>`;
  const refusal = JSON.stringify(errorBody('misdirected_request', `Cette boîte répond sous le nom ${names[0] ?? DEFAULT_PUBLIC_NAME}.`));
  return {
    check(host, method) {
      // HTTP/1.0 without Host: nothing to judge by.
      if (!host) return undefined;
      const name = hostName(host);
      if (own.has(name) || name === 'localhost' || name.endsWith('.local') || isIP(name) !== 0) return undefined;
      if (method === 'GET' || method === 'HEAD') return prepared(method === 'HEAD' ? null : page, 302, redirect);
      return prepared(refusal, 421, refused);
    },
  };
}
