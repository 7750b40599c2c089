/**
 * The provisioning file a volunteer writes on the SD card's boot partition before the
 * first boot (TOML, like Raspberry Pi's own custom.toml; any text editor on any PC):
 *
 *   [site]
 *   name = "Nioro du Sahel"
 *   timezone = "Africa/Bamako"
 *
 *   [admin]
 *   username = "admin"
 *   display_name = "Awa Traoré"
 *   password = "…"            # or password_hash = "scrypt$…" (made by another box)
 *
 *   [wifi]
 *   ssid = "Solidaire-Nioro"
 *   key = "…"                 # WPA2, 8 to 63 characters
 *   country = "ML"
 *
 *   [relay]
 *   enrollment = "inscription.json"   # the relay's enrollment file, beside this one
 *
 * Every section but [site] is optional. A mistake is told in plain words, with where it is.
 */
import { z } from 'zod';
import '../errors/french-zod.js';
import { parse, TomlError } from 'smol-toml';
import { displayNameSchema, passwordSchema, usernameSchema } from '../setup/index.js';

export const PROVISION_FILE = 'solidaire.toml';

export class ProvisionError extends Error {
  override readonly name = 'ProvisionError';
}

const SCRYPT_HASH = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]{16,}\$[A-Za-z0-9_-]{32,}$/;
// No control characters: each value ends up on one line of a configuration file.
const oneLine = (s: string) => !/[\u0000-\u001f\u007f]/.test(s);

const site = z
  .object({
    name: z.string().trim().min(1, 'le nom est vide').max(100, 'le nom dépasse 100 caractères'),
    timezone: z
      .string()
      .regex(/^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$|^UTC$/, 'un fuseau comme « Africa/Bamako » ou « Europe/Paris »')
      .optional(),
  })
  .strict();

const admin = z
  .object({
    username: usernameSchema,
    display_name: displayNameSchema.default('Administrateur'),
    password: passwordSchema.optional(),
    password_hash: z.string().regex(SCRYPT_HASH, 'une empreinte « scrypt$… » faite par une boîte Solidaire').optional(),
  })
  .strict()
  .refine((a) => (a.password === undefined) !== (a.password_hash === undefined), {
    message: 'donnez soit password, soit password_hash (un seul des deux)',
  });

const wifi = z
  .object({
    ssid: z
      .string()
      .min(1, 'le nom du réseau est vide')
      .refine((s) => Buffer.byteLength(s) <= 32, 'le nom du réseau dépasse 32 octets')
      .refine(oneLine, 'le nom du réseau contient un caractère de contrôle'),
    key: z
      .string()
      .regex(/^[\u0020-\u007e]{8,63}$/, 'la clé WPA2 doit faire de 8 à 63 caractères, sans accent'),
    country: z.string().regex(/^[A-Z]{2}$/, 'le code pays en deux lettres majuscules (ML, BF, FR…)'),
  })
  .strict();

const relay = z
  .object({
    enrollment: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'le nom du fichier d’inscription, posé à côté de celui-ci (sans dossier)'),
  })
  .strict();

export const provisionSchema = z.object({ site, admin: admin.optional(), wifi: wifi.optional(), relay: relay.optional() }).strict();
export type Provision = z.infer<typeof provisionSchema>;

/** Parse and check a provisioning file's text; a ProvisionError says what is wrong, and where. */
export function parseProvision(text: string): Provision {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    if (e instanceof TomlError) throw new ProvisionError(`${PROVISION_FILE}, ligne ${e.line} : ce n’est pas du TOML valable (${e.message.split('\n')[0]}).`);
    throw e;
  }
  const parsed = provisionSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [section, ...key] = issue.path.map(String);
    const where = section === undefined ? 'le fichier' : `[${section}]${key.length ? ` ${key.join('.')}` : ''}`;
    const message = issue.code === 'unrecognized_keys' ? `clé inconnue : ${issue.keys.join(', ')}` : issue.message;
    throw new ProvisionError(`${PROVISION_FILE}, ${where} : ${message}.`);
  }
  return parsed.data;
}

/** The file as it is left on the boot partition once applied: everything but the secrets. */
export function withoutSecrets(p: Provision, appliedAt: string): string {
  const lines = [`# Appliqué par la boîte le ${appliedAt}. Les secrets (mot de passe, clé Wi-Fi,`, '# inscription) ont été retirés de la carte.', ''];
  const str = (s: string) => JSON.stringify(s);
  lines.push('[site]', `name = ${str(p.site.name)}`);
  if (p.site.timezone) lines.push(`timezone = ${str(p.site.timezone)}`);
  if (p.admin) lines.push('', '[admin]', `username = ${str(p.admin.username)}`, `display_name = ${str(p.admin.display_name)}`);
  if (p.wifi) lines.push('', '[wifi]', `ssid = ${str(p.wifi.ssid)}`, `country = ${str(p.wifi.country)}`);
  return lines.join('\n') + '\n';
}
