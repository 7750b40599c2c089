/**
 * First boot from the card (provision/): a good file sets the box up, writes the access
 * point and the time zone to the data partition, keeps the relay's enrollment for when the
 * link comes, and leaves no secret on the card; a bad one changes nothing and says why, in
 * French, on the card; running it again (power cut, next boot) is harmless.
 */
import { existsSync, mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Appliance } from '../appliance.js';
import { FakeClock, seededRandom } from '../clock/index.js';
import { verifyPassword } from '../auth/passwords.js';
import { scratch } from '../testing/index.js';
import { RELAY_CONFIG, type EnrollmentFile } from '../relay-link/index.js';
import { parse } from 'smol-toml';
import { APPLIED_FILE, PENDING_ENROLLMENT, provision, PROVISION_FILE, ProvisionError, REPORT_FILE } from './index.js';

const s = scratch();
afterEach(() => s.clean());

const NOW = Date.UTC(2026, 11, 3, 8);
const PASSWORD = 'mot-de-passe-de-nioro';
const WIFI_KEY = 'cle-wifi-de-l-ecole';

function card(toml: string, extra: Record<string, string> = {}) {
  const boot = s.dir('solidaire-boot-');
  writeFileSync(join(boot, PROVISION_FILE), toml);
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(boot, name), text);
  const zoneinfo = s.dir('solidaire-zoneinfo-');
  for (const z of ['Africa/Bamako', 'Europe/Paris']) {
    mkdirSync(join(zoneinfo, z.split('/')[0]!), { recursive: true });
    writeFileSync(join(zoneinfo, z), 'TZif');
  }
  const dataDir = s.dir('solidaire-data-');
  const box = new Appliance({ dataDir, clock: new FakeClock(NOW), random: seededRandom(3) });
  s.defer(() => box.stop());
  return { boot, zoneinfo, dataDir, box, opts: { bootDir: boot, dataDir, zoneinfoDir: zoneinfo } };
}

const enrollmentFile = (expiresAt = NOW + 30 * 86_400_000): EnrollmentFile => ({
  solidaire: 'enrollment',
  version: 1,
  site: 'site-nioro',
  name: 'Nioro du Sahel',
  token: 'jeton-a-usage-unique-0123456789',
  expiresAt,
  relay: { http: 'http://relais.invalid:8090', mqtt: 'mqtt://relais.invalid:1883', hub: [] },
});

const GOOD = `
[site]
name = "Nioro du Sahel"
timezone = "Africa/Bamako"

[admin]
username = "admin"
display_name = "Awa Traoré"
password = "${PASSWORD}"

[wifi]
ssid = "Solidaire Nioro \\"école\\""
key = "${WIFI_KEY}"
country = "ML"

[relay]
enrollment = "inscription.json"
`;

const offline: typeof fetch = async () => {
  throw new TypeError('fetch failed');
};

describe('provision', () => {
  it('applies a good file, and leaves no secret on the card', async () => {
    const c = card(GOOD, { 'inscription.json': JSON.stringify(enrollmentFile()) });
    const report = await provision(c.box.services, { ...c.opts, fetch: offline });
    expect(report.applied).toBe(true);

    const { site, accounts } = c.box.services;
    expect(site.isSetUp).toBe(true);
    expect(site.name).toBe('Nioro du Sahel');
    const admin = accounts.findForLogin('admin')!;
    expect(admin.account).toMatchObject({ displayName: 'Awa Traoré', boxAdmin: true });
    expect(await verifyPassword(PASSWORD, admin.passwordHash)).toBe(true);

    const hostapd = join(c.dataDir, 'system', 'hostapd.conf');
    expect(statSync(hostapd).mode & 0o777).toBe(0o600);
    const conf = readFileSync(hostapd, 'utf8');
    expect(conf).toContain('ssid2=P"Solidaire Nioro \\"école\\""');
    expect(conf).toContain(`wpa_passphrase=${WIFI_KEY}`);
    expect(conf).toContain('country_code=ML');
    expect(readlinkSync(join(c.dataDir, 'system', 'localtime'))).toBe(join(c.zoneinfo, 'Africa/Bamako'));
    expect(readFileSync(join(c.dataDir, 'system', 'timezone'), 'utf8')).toBe('Africa/Bamako\n');

    // No link on first boot: the enrollment waits in the data directory.
    expect(report.enrollment).toBe('pending');
    expect(statSync(join(c.dataDir, PENDING_ENROLLMENT)).mode & 0o777).toBe(0o600);

    // The card: no provisioning file, no enrollment file, no secret anywhere; a report.
    expect(existsSync(join(c.boot, PROVISION_FILE))).toBe(false);
    expect(existsSync(join(c.boot, 'inscription.json'))).toBe(false);
    const applied = readFileSync(join(c.boot, APPLIED_FILE), 'utf8');
    expect(parse(applied)).toEqual({
      site: { name: 'Nioro du Sahel', timezone: 'Africa/Bamako' },
      admin: { username: 'admin', display_name: 'Awa Traoré' },
      wifi: { ssid: 'Solidaire Nioro "école"', country: 'ML' },
    });
    const everything = applied + readFileSync(join(c.boot, REPORT_FILE), 'utf8');
    for (const secret of [PASSWORD, WIFI_KEY, 'jeton-a-usage-unique']) expect(everything).not.toContain(secret);
    expect(readFileSync(join(c.boot, REPORT_FILE), 'utf8')).toMatch(/appliqué[\s\S]*Boîte « Nioro du Sahel » configurée[\s\S]*en attente/);
  });

  it('enrolls at a later boot, once the relay answers', async () => {
    const c = card(GOOD, { 'inscription.json': JSON.stringify(enrollmentFile()) });
    expect((await provision(c.box.services, { ...c.opts, fetch: offline })).enrollment).toBe('pending');
    expect((await provision(c.box.services, { ...c.opts, fetch: offline })).enrollment).toBe('pending');
    const asked: unknown[] = [];
    const relay: typeof fetch = async (_url, init) => {
      asked.push(JSON.parse(String(init!.body)));
      return new Response(JSON.stringify({ site: 'site-nioro', name: 'Nioro du Sahel', mqtt: { url: 'mqtt://relais.invalid:1883', username: 'x', password: 'y' }, hub: [], federation: null }), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const later = await provision(c.box.services, { ...c.opts, fetch: relay });
    expect(later).toMatchObject({ applied: false, enrollment: 'done' });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ site: 'site-nioro', siteId: c.box.services.site.id });
    expect(existsSync(join(c.dataDir, RELAY_CONFIG))).toBe(true);
    expect(existsSync(join(c.dataDir, PENDING_ENROLLMENT))).toBe(false);
    expect((await provision(c.box.services, { ...c.opts, fetch: relay })).enrollment).toBe('already');
    expect(asked).toHaveLength(1);
  });

  it('takes a password hash instead of a password', async () => {
    const hash = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$' + 'B'.repeat(43);
    const c = card(`[site]\nname = "Koupéla"\n[admin]\nusername = "moussa"\npassword_hash = "${hash}"\n`);
    await provision(c.box.services, c.opts);
    expect(c.box.services.accounts.findForLogin('moussa')!.passwordHash).toBe(hash);
    expect(readFileSync(join(c.boot, APPLIED_FILE), 'utf8')).not.toContain(hash);
  });

  it('refuses a bad file whole: nothing applied, the reason on the card', async () => {
    const cases: Array<[string, RegExp, Record<string, string>?]> = [
      ['[site\nname = "x"', /ligne 1 : ce n’est pas du TOML valable/],
      ['[site]\nname = ""\n[admin]\nusername = "admin"\npassword = "' + PASSWORD + '"', /\[site\] name : le nom est vide/],
      ['[site]\nname = "Nioro"', /il faut une section \[admin\]/],
      ['[site]\nname = "Nioro"\n[admin]\nusername = "admin"', /soit password, soit password_hash/],
      ['[site]\nname = "Nioro"\n[admin]\nusername = "admin"\npassword = "court"', /\[admin\] password : au moins 8 caractères/],
      ['[site]\nname = "Nioro"\ntimezone = "Africa/Atlantide"\n[admin]\nusername = "admin"\npassword = "' + PASSWORD + '"', /le fuseau « Africa\/Atlantide » n’existe pas/],
      ['[site]\nname = "Nioro"\n[admin]\nusername = "admin"\npassword = "' + PASSWORD + '"\n[wifi]\nssid = "École"\nkey = "court"\ncountry = "ML"', /\[wifi\] key : la clé WPA2 doit faire de 8 à 63 caractères/],
      ['[site]\nname = "Nioro"\n[admin]\nusername = "admin"\npassword = "' + PASSWORD + '"\n[wifi]\nssid = "a\\nb"\nkey = "' + WIFI_KEY + '"\ncountry = "ML"', /caractère de contrôle/],
      ['[site]\nname = "Nioro"\n[admin]\nusername = "admin"\npassword = "' + PASSWORD + '"\n[relay]\nenrollment = "absent.json"', /« absent\.json » n’est pas sur la carte/],
      ['[site]\nname = "Nioro"\n[admin]\nusername = "admin"\npassword = "' + PASSWORD + '"\n[relay]\nenrollment = "../etc/passwd"', /\[relay\] enrollment : le nom du fichier/],
      ['[site]\nname = "Nioro"\n[admin]\nusername = "admin"\npassword = "' + PASSWORD + '"\n[relay]\nenrollment = "i.json"', /n'est pas un fichier d'inscription/, { 'i.json': '{"pas":"ça"}' }],
      ['[site]\nname = "Nioro"\ncouleur = "rouge"', /\[site\] : clé inconnue : couleur/],
    ];
    for (const [toml, message, extra] of cases) {
      const c = card(toml, extra);
      await expect(provision(c.box.services, c.opts), toml).rejects.toThrow(ProvisionError);
      await expect(provision(c.box.services, c.opts)).rejects.toThrow(message);
      expect(c.box.services.site.isSetUp, toml).toBe(false);
      expect(existsSync(join(c.dataDir, 'system')), toml).toBe(false);
      expect(existsSync(join(c.boot, PROVISION_FILE)), toml).toBe(true);
      expect(readFileSync(join(c.boot, REPORT_FILE), 'utf8'), toml).toMatch(/rien n’a été appliqué/);
    }
  });

  it('runs again harmlessly, and keeps an existing setup', async () => {
    const c = card(GOOD, { 'inscription.json': JSON.stringify(enrollmentFile()) });
    await provision(c.box.services, { ...c.opts, fetch: offline });
    // A new card file on a box already set up: the name and administrator stay.
    writeFileSync(join(c.boot, PROVISION_FILE), `[site]\nname = "Autre nom"\ntimezone = "Europe/Paris"\n[admin]\nusername = "intrus"\npassword = "${PASSWORD}"\n`);
    const again = await provision(c.box.services, { ...c.opts, fetch: offline });
    expect(again.applied).toBe(true);
    expect(again.lines[0]).toMatch(/déjà configurée/);
    expect(c.box.services.site.name).toBe('Nioro du Sahel');
    expect(c.box.services.accounts.findForLogin('intrus')).toBeUndefined();
    expect(readlinkSync(join(c.dataDir, 'system', 'localtime'))).toBe(join(c.zoneinfo, 'Europe/Paris'));
    // Nothing on the card: nothing to apply.
    expect((await provision(c.box.services, { ...c.opts, fetch: offline })).applied).toBe(false);
  });

  it('gives up an enrollment whose file expired while the box waited', async () => {
    const c = card(GOOD, { 'inscription.json': JSON.stringify(enrollmentFile(NOW + 1000)) });
    expect((await provision(c.box.services, { ...c.opts, fetch: offline })).enrollment).toBe('pending');
    (c.box.services.clock as FakeClock).advance(2000);
    const later = await provision(c.box.services, { ...c.opts, fetch: offline });
    expect(later.enrollment).toBe('none');
    expect(later.lines.join('\n')).toMatch(/abandonnée : Ce fichier d'inscription a expiré/);
    expect(existsSync(join(c.dataDir, PENDING_ENROLLMENT))).toBe(false);
  });
});
