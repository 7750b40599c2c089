/**
 * `solidaire enroll FILE` on a box: read the enrollment file the relay gave, prove to the
 * relay that this box holds its site key, keep the MQTT credentials and the hub's
 * addresses in <data>/relay.json (readable by the box's user only), and join the
 * federation with the grants the relay handed over.
 */
import { readFileSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { SiteKey } from '../identity/index.js';
import type { Network } from '../network/index.js';
import { decodeGrants, enrollmentFileSchema, enrollProof, enrollResponseSchema, type EnrollmentFile } from './enrollment.js';

/** What a box keeps of its relay (data/relay.json). */
export const relayConfigSchema = z.object({
  site: z.string(),
  name: z.string(),
  http: z.string(),
  mqtt: z.object({ url: z.string(), username: z.string(), password: z.string() }),
  hub: z.array(z.string()),
  enrolledAt: z.number(),
});
export type RelayConfig = z.infer<typeof relayConfigSchema>;

export const RELAY_CONFIG = 'relay.json';

/** Thrown with a message a person can act on; nothing is written when it is thrown. */
export class EnrollmentError extends Error {
  override readonly name = 'EnrollmentError';
}

export function readEnrollmentFile(path: string): EnrollmentFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new EnrollmentError(`« ${path} » n'est pas un fichier d'inscription lisible (JSON attendu).`);
  }
  const parsed = enrollmentFileSchema.safeParse(raw);
  if (!parsed.success) throw new EnrollmentError(`« ${path} » n'est pas un fichier d'inscription Solidaire valable.`);
  return parsed.data;
}

export function readRelayConfig(dataDir: string): RelayConfig | null {
  const path = join(dataDir, RELAY_CONFIG);
  if (!existsSync(path)) return null;
  return relayConfigSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

export async function enroll(opts: {
  file: EnrollmentFile;
  key: SiteKey;
  network: Network;
  dataDir: string;
  now: number;
  fetch?: typeof fetch;
}): Promise<RelayConfig> {
  const { file, key } = opts;
  if (file.expiresAt < opts.now) throw new EnrollmentError("Ce fichier d'inscription a expiré : demandez-en un nouveau au relais.");
  if (readRelayConfig(opts.dataDir)) throw new EnrollmentError('Cette boîte est déjà inscrite auprès d’un relais.');
  const signature = Buffer.from(key.sign(enrollProof(file.site, file.token))).toString('base64');
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(new URL('/api/v1/enroll', file.relay.http), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site: file.site, token: file.token, siteId: key.siteId, signature }),
    });
  } catch (e) {
    throw new EnrollmentError(`Le relais ${file.relay.http} ne répond pas (${e instanceof Error ? e.message : String(e)}) : réessayez quand la liaison est là.`);
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `réponse ${res.status}`;
    throw new EnrollmentError(`Le relais a refusé l'inscription : ${message}`);
  }
  const parsed = enrollResponseSchema.safeParse(body);
  if (!parsed.success) throw new EnrollmentError("La réponse du relais n'est pas celle attendue : vérifiez sa version.");
  const r = parsed.data;
  if (r.federation) opts.network.enroll(r.federation.id, decodeGrants(r.federation.grants));
  const config: RelayConfig = { site: r.site, name: r.name, http: file.relay.http, mqtt: r.mqtt, hub: r.hub, enrolledAt: opts.now };
  const path = join(opts.dataDir, RELAY_CONFIG);
  writeFileSync(path, JSON.stringify(config, null, 2), { mode: 0o600 });
  chmodSync(path, 0o600);
  return config;
}
