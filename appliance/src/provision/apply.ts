/**
 * First boot: the provisioning file on the boot partition applied to the box, then its
 * secrets taken off the card (`solidaire provision`, run by systemd at every boot before
 * the appliance; nothing to do once the file is gone).
 *
 * Everything is checked before anything is applied (the file, the time zone, the relay's
 * enrollment file): a mistake changes nothing and is written beside the file on the card,
 * in French, for whoever put the card in a PC. Then, each step safe to run again if the
 * power goes in the middle (the next boot starts over):
 *  1. the site and its administrator (one transaction; skipped if the box is set up);
 *  2. the system's settings, written to the data partition, where the read-only system's
 *     /etc links point: the access point's hostapd.conf (mode 600), the time zone;
 *  3. enrollment with the relay; with no link (the usual case on first boot) the file is
 *     kept in the data directory and tried again at every boot until it works or expires;
 *  4. the card: the file rewritten without its secrets and renamed (so it is not applied
 *     again), the enrollment file removed, a report written.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from '../durable/index.js';
import { performSetup } from '../setup/index.js';
import { enroll, EnrollmentError, readEnrollmentFile, readRelayConfig, type EnrollmentFile } from '../relay-link/index.js';
import type { Services } from '../http/index.js';
import { parseProvision, PROVISION_FILE, ProvisionError, withoutSecrets, type Provision } from './file.js';

/** Names on the boot partition. */
export const APPLIED_FILE = 'solidaire-applique.toml';
export const REPORT_FILE = 'solidaire-rapport.txt';
/** In the data directory: an enrollment waiting for the link. */
export const PENDING_ENROLLMENT = 'enrollment-pending.json';

export interface ProvisionOptions {
  /** The boot partition (/boot/firmware on Raspberry Pi OS). */
  readonly bootDir: string;
  readonly dataDir: string;
  /** Where the system's settings go (the data partition; /etc links there). Default <data>/system. */
  readonly systemDir?: string;
  /** The time zone database (to check a zone exists and link to it). */
  readonly zoneinfoDir?: string;
  /** The wireless interface the access point runs on. */
  readonly wifiInterface?: string;
  readonly fetch?: typeof fetch;
}

export interface ProvisionReport {
  /** Whether a provisioning file was found and applied this time. */
  readonly applied: boolean;
  /** What was done, one line each, in French. */
  readonly lines: readonly string[];
  /** The enrollment: done now, already done, waiting for the link, or none. */
  readonly enrollment: 'done' | 'already' | 'pending' | 'none';
}

type Deps = Pick<Services, 'db' | 'site' | 'accounts' | 'spaces' | 'clock' | 'network'>;

export async function provision(deps: Deps, opts: ProvisionOptions): Promise<ProvisionReport> {
  const file = join(opts.bootDir, PROVISION_FILE);
  const systemDir = opts.systemDir ?? join(opts.dataDir, 'system');
  const zoneinfo = opts.zoneinfoDir ?? '/usr/share/zoneinfo';
  const lines: string[] = [];

  if (!existsSync(file)) {
    // Nothing new on the card; an enrollment may still be waiting for the link.
    const enrollment = await retryPending(deps, opts, lines);
    return { applied: false, lines, enrollment };
  }

  // 0. Check everything first.
  let p: Provision;
  let enrollmentFile: EnrollmentFile | undefined;
  try {
    p = parseProvision(readFileSync(file, 'utf8'));
    if (p.site.timezone && !existsSync(join(zoneinfo, p.site.timezone))) {
      throw new ProvisionError(`${PROVISION_FILE}, [site] timezone : le fuseau « ${p.site.timezone} » n’existe pas (ex. Africa/Bamako, Africa/Ouagadougou, Europe/Paris).`);
    }
    if (p.relay) {
      const path = join(opts.bootDir, p.relay.enrollment);
      if (!existsSync(path)) throw new ProvisionError(`${PROVISION_FILE}, [relay] enrollment : le fichier « ${p.relay.enrollment} » n’est pas sur la carte, à côté de ${PROVISION_FILE}.`);
      try {
        enrollmentFile = readEnrollmentFile(path);
      } catch (e) {
        throw new ProvisionError(e instanceof Error ? e.message : String(e));
      }
    }
    if (!deps.site.isSetUp && !p.admin) throw new ProvisionError(`${PROVISION_FILE} : la boîte n’est pas encore configurée, il faut une section [admin] (username et password).`);
  } catch (e) {
    if (e instanceof ProvisionError) {
      writeFileDurably(join(opts.bootDir, REPORT_FILE), `${stamp(deps)} — rien n’a été appliqué.\n\n${e.message}\n\nCorrigez ${PROVISION_FILE} sur la carte, puis redémarrez la boîte.\n`);
    }
    throw e;
  }

  // 1. The site and its administrator.
  if (deps.site.isSetUp) {
    lines.push(`La boîte était déjà configurée (« ${deps.site.name} ») : nom et administrateur inchangés.`);
  } else {
    const a = p.admin!;
    const admin = { username: a.username, displayName: a.display_name };
    await performSetup(deps, a.password_hash !== undefined ? { siteName: p.site.name, admin: { ...admin, passwordHash: a.password_hash } } : { siteName: p.site.name, admin: { ...admin, password: a.password! } });
    lines.push(`Boîte « ${p.site.name} » configurée ; administrateur : ${a.username}.`);
  }

  // 2. The system's settings.
  mkdirSync(systemDir, { recursive: true });
  if (p.wifi) {
    writeFileDurably(join(systemDir, 'hostapd.conf'), hostapdConf(p.wifi, opts.wifiInterface ?? 'wlan0'), { mode: 0o600 });
    lines.push(`Point d’accès Wi-Fi « ${p.wifi.ssid} » (${p.wifi.country}).`);
  }
  if (p.site.timezone) {
    const link = join(systemDir, 'localtime');
    rmSync(`${link}.new`, { force: true });
    symlinkSync(join(zoneinfo, p.site.timezone), `${link}.new`);
    renameSync(`${link}.new`, link);
    writeFileDurably(join(systemDir, 'timezone'), `${p.site.timezone}\n`);
    lines.push(`Fuseau horaire : ${p.site.timezone}.`);
  }

  // 3. The relay: kept in the data directory first, so the card can be cleaned whatever happens.
  let enrollment: ProvisionReport['enrollment'] = 'none';
  if (enrollmentFile) {
    writeFileDurably(join(opts.dataDir, PENDING_ENROLLMENT), JSON.stringify(enrollmentFile), { mode: 0o600 });
    enrollment = await retryPending(deps, opts, lines);
  }

  // 4. The card.
  writeFileDurably(join(opts.bootDir, APPLIED_FILE), withoutSecrets(p, new Date(deps.clock.now()).toISOString()));
  rmSync(file, { force: true });
  if (p.relay) rmSync(join(opts.bootDir, p.relay.enrollment), { force: true });
  writeFileDurably(join(opts.bootDir, REPORT_FILE), `${stamp(deps)} — appliqué.\n\n${lines.join('\n')}\n`);
  return { applied: true, lines, enrollment };
}

/** Enroll with the enrollment file waiting in the data directory, if any. */
async function retryPending(deps: Deps, opts: ProvisionOptions, lines: string[]): Promise<ProvisionReport['enrollment']> {
  const pending = join(opts.dataDir, PENDING_ENROLLMENT);
  if (!existsSync(pending)) return readRelayConfig(opts.dataDir) ? 'already' : 'none';
  if (readRelayConfig(opts.dataDir)) {
    rmSync(pending, { force: true });
    lines.push('Déjà inscrite auprès d’un relais.');
    return 'already';
  }
  const file = readEnrollmentFile(pending);
  try {
    const config = await enroll({ file, key: deps.site.key, network: deps.network, dataDir: opts.dataDir, now: deps.clock.now(), ...(opts.fetch ? { fetch: opts.fetch } : {}) });
    rmSync(pending, { force: true });
    lines.push(`Inscrite auprès du relais ${config.http} sous le nom « ${config.name} ».`);
    return 'done';
  } catch (e) {
    if (!(e instanceof EnrollmentError)) throw e;
    if (file.expiresAt < deps.clock.now()) {
      rmSync(pending, { force: true });
      lines.push(`Inscription auprès du relais abandonnée : ${e.message}`);
      return 'none';
    }
    lines.push(`Inscription auprès du relais en attente (nouvel essai à chaque démarrage) : ${e.message}`);
    return 'pending';
  }
}

/** hostapd's configuration for a WPA2 access point. Values were checked to be one line each. */
export function hostapdConf(w: NonNullable<Provision['wifi']>, iface: string): string {
  return [
    '# Écrit par solidaire provision : le point d’accès de la boîte.',
    `interface=${iface}`,
    'driver=nl80211',
    `ssid2=P"${w.ssid.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`,
    'utf8_ssid=1',
    `country_code=${w.country}`,
    'ieee80211d=1',
    'hw_mode=g',
    'channel=6',
    'ieee80211n=1',
    'wmm_enabled=1',
    'auth_algs=1',
    'wpa=2',
    'wpa_key_mgmt=WPA-PSK',
    'rsn_pairwise=CCMP',
    `wpa_passphrase=${w.key}`,
    '',
  ].join('\n');
}

const stamp = (deps: Deps) => new Date(deps.clock.now()).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

