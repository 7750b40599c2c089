/**
 * The fleet dashboard in a real browser (Debian's Chromium, driven by playwright-core),
 * served by a real relay with the two demo boxes of `npm start` enrolled and reporting:
 * what a volunteer in Grigny does. Skipped where Chromium is absent (chromium.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { Download, Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { generateSiteKey } from '../../appliance/src/identity/index.js';
import { enrollmentFileSchema, enrollProof, readRelayConfig, type EnrollmentFile } from '../../appliance/src/relay-link/index.js';
import { buildRelease, generateReleaseKeys } from '../../appliance/src/update/index.js';
import type { FullDemo } from '../../relay/src/demo.js';
import { demoInBrowser, found, pages, SCREENSHOTS as SHOTS } from './chromium.js';

const SIZES = [
  { name: 'pc', width: 1024, height: 768 },
  { name: 'phone', width: 360, height: 740 },
] as const;

describe.skipIf(!found)('fleet dashboard in Chromium', () => {
  const keys = generateReleaseKeys();
  const demo = demoInBrowser('solidaire-dashboard-', { releaseKeyPem: keys.publicKeyPem });
  let dir: string;
  let full: FullDemo;
  let base: string;
  let token: string;
  // A volunteer's browser: the token is asked, not a password.
  const { open, hosts, pageErrors } = pages(() => demo.browser, '');

  beforeAll(() => {
    mkdirSync(SHOTS, { recursive: true });
    ({ dir, full } = demo);
    base = full.relay.addresses().http;
    token = full.relay.adminToken;
  });

  async function logIn(page: Page): Promise<void> {
    await page.goto(base + '/');
    await page.fill('input[name=token]', token);
    await page.click('button[type=submit]');
    await page.waitForSelector('input[name=token]', { state: 'detached' });
  }

  async function noSidewaysScroll(page: Page, what: string): Promise<void> {
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow, `${what}: scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
  }

  /** A downloaded enrollment file, read and checked against the box's own schema. */
  async function enrollmentFile(download: Download): Promise<EnrollmentFile> {
    return enrollmentFileSchema.parse(JSON.parse(readFileSync((await download.path())!, 'utf8')));
  }

  /** What `solidaire enroll` sends: the file's token, signed with a new box's key. */
  async function enrollWith(file: EnrollmentFile): Promise<number> {
    const key = generateSiteKey();
    const signature = Buffer.from(key.sign(enrollProof(file.site, file.token))).toString('base64');
    const res = await fetch(new URL('/api/v1/enroll', file.relay.http), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site: file.site, token: file.token, siteId: key.siteId, signature }),
    });
    return res.status;
  }

  const statusOf = (page: Page, site: string) => page.getAttribute(`tr[data-site="${site}"] [data-status]`, 'data-status');

  it('asks for the admin token in French, and says plainly when it is wrong', async () => {
    const page = await open(1024, 768);
    await page.goto(base + '/');
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await page.waitForSelector('text=Connexion au relais');
    await page.screenshot({ path: join(SHOTS, 'dashboard-login-pc.png') });
    await page.fill('input[name=token]', 'pas-le-bon-jeton');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Ce jeton n’est pas le bon');
    await page.fill('input[name=token]', token);
    await page.click('button[type=submit]');
    await page.waitForSelector('h1:has-text("Les sites")');
    // Kept for the browser session: a reload stays logged in.
    await page.reload();
    await page.waitForSelector('h1:has-text("Les sites")');
    await page.context().close();
  });

  it('shows both sites online, with their state in words, on a PC and on a phone', async () => {
    for (const size of SIZES) {
      const page = await open(size.width, size.height);
      await logIn(page);
      await page.waitForSelector('tr[data-site="Grigny"] [data-status="online"]');
      await page.waitForSelector('tr[data-site="Youri"] [data-status="online"]');
      expect(await page.textContent('tr[data-site="Youri"]')).toContain('En ligne');
      await noSidewaysScroll(page, `sites ${size.name}`);
      await page.screenshot({ path: join(SHOTS, `dashboard-sites-${size.name}.png`), fullPage: true });

      await page.click('a:has-text("Alertes")');
      await page.waitForSelector('h1:has-text("Alertes")');
      await noSidewaysScroll(page, `alerts ${size.name}`);
      await page.screenshot({ path: join(SHOTS, `dashboard-alerts-${size.name}.png`), fullPage: true });

      await page.click('a:has-text("Inscrire un site")');
      await page.waitForSelector('h1:has-text("Inscrire un nouveau site")');
      await noSidewaysScroll(page, `enroll ${size.name}`);
      await page.screenshot({ path: join(SHOTS, `dashboard-enroll-${size.name}.png`), fullPage: true });
      await page.context().close();
    }
  }, 60_000);

  it('sends a command to a site and shows its result; the site page has its charts', async () => {
    for (const size of SIZES) {
      const page = await open(size.width, size.height);
      await logIn(page);
      await page.click('a:has-text("Youri")');
      await page.waitForSelector('h1:has-text("Youri")');
      await page.waitForSelector('form.command');
      const before = await page.evaluate<number>("document.querySelectorAll('ul.commands li').length");
      // A screen reader is told the newest command's state as it changes (a polite live region).
      const live = '[role=status][data-live=command]';
      const said = await page.textContent(live);
      // Something in Youri's log to collect (a quiet box has none).
      full.demo.appliances[1]!.recentLogs.push(`${new Date().toISOString()} une ligne du journal de Youri`);
      await page.selectOption('select[name=action]', 'collect-logs');
      await page.click('form.command button[type=submit]');
      // Newest first: the one just sent, waiting until the box takes it, then done.
      await page.waitForSelector(`ul.commands li:nth-child(${before + 1})`);
      const sent = 'ul.commands li:first-child';
      await page.waitForSelector(`${sent}[data-state="done"]`, { timeout: 30_000 });
      expect(await page.textContent(sent)).toContain('Fait');
      await page.waitForSelector(`${live}:has-text("Récupérer les journaux : Fait")`);
      if (before === 0) expect(said).toBe('');
      // The log in lines, in a block that scrolls by itself (and by keyboard): no JSON.
      await page.click(`${sent} summary`);
      const log = page.locator(`${sent} pre.result.logs[role=region][tabindex="0"]`);
      expect(await log.getAttribute('aria-label')).toBe('Journal de la boîte');
      expect(await page.textContent(`${sent} details`)).toMatch(/\d+ lignes, la plus récente en dernier/);
      expect(await log.textContent()).not.toMatch(/^\[|"/);
      // Every chart asked for is drawn (uPlot's canvas) or says it has no readings yet.
      await page.click('button:has-text("7 jours")');
      await noSidewaysScroll(page, `site ${size.name}`);
      await page.screenshot({ path: join(SHOTS, `dashboard-site-${size.name}.png`), fullPage: true });
      await page.context().close();
    }
  }, 90_000);

  it('shows a sync and a change of settings in words, not JSON', async () => {
    const page = await open(1024, 768);
    await logIn(page);
    await page.click('a:has-text("Youri")');
    await page.waitForSelector('form.command');
    await page.selectOption('select[name=action]', 'sync-now');
    await page.click('form.command button[type=submit]');
    await page.waitForSelector('[data-live=command]:has-text("Synchroniser maintenant : Fait")', { timeout: 30_000 });
    await page.click('ul.commands li:first-child summary');
    // Youri syncs with Grigny (and the relay's hub): a line each, changes sent and received.
    expect(await page.textContent('ul.commands li:first-child .result-lines')).toMatch(/ : \d+ changements envoyés, \d+ reçus/);
    await page.selectOption('select[name=action]', 'set-config');
    // The example the form starts with is what the box takes.
    await page.click('form.command button[type=submit]');
    await page.waitForSelector('[data-live=command]:has-text("Changer les réglages : Fait")', { timeout: 30_000 });
    await page.click('ul.commands li:first-child summary');
    const config = await page.textContent('ul.commands li:first-child dl.result-config');
    expect(config).toContain('Liaison3g');
    expect(config).toContain('Payante (forfait)oui');
    expect(config).toMatch(/Forfait par mois\d+ Mo/);
    expect(await page.$('ul.commands li:first-child pre')).toBeNull();
    await page.context().close();
  }, 60_000);

  it('lists a published release, and each site says in words that it refused it (its box has not the key)', async () => {
    const page = await open(1024, 768);
    await logIn(page);
    await page.click('a:has-text("Youri")');
    const live = '[role=status][data-live=update]';
    await page.waitForSelector(live);
    expect(await page.textContent(live)).not.toContain('0.9.0');

    const root = join(dir, 'release-src');
    mkdirSync(join(root, 'bin'), { recursive: true });
    writeFileSync(join(root, 'bin/solidaire.js'), '#!/usr/bin/env node\n');
    const release = join(dir, 'solidaire-0.9.0.release');
    await buildRelease({ root, out: release, version: '0.9.0', privateKeyPem: keys.privateKeyPem, include: ['bin'], now: 0 });
    const published = await fetch(`${base}/api/v1/releases`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: readFileSync(release) });
    expect(published.status).toBe(201);

    // The box hears the offer, refuses it for want of the key, and tells the relay: the region changes.
    await page.waitForSelector(`${live}:has-text("La version 0.9.0, proposée par le relais, a été refusée le")`, { timeout: 30_000 });
    expect(await page.textContent(live)).toContain('Raison : cette boîte n’a pas la clé des versions de Solidaire');
    await page.screenshot({ path: join(SHOTS, 'dashboard-site-update-pc.png'), fullPage: true });

    await page.click('a:has-text("Versions")');
    await page.waitForSelector('tr[data-release="0.9.0"]');
    const row = await page.textContent('tr[data-release="0.9.0"]');
    expect(row).toContain('proposée aux boîtes');
    expect(row).toContain('aucun site');
    expect(row).toMatch(/\d/);
    await noSidewaysScroll(page, 'releases pc');

    await page.click('a:has-text("Sites")');
    await page.waitForSelector('tr[data-site="Youri"] [data-update="refused"]');
    expect(await page.textContent('tr[data-site="Youri"]')).toContain('Mise à jour refusée');
    await page.context().close();
  }, 60_000);

  let firstFile: EnrollmentFile;

  it('enrolls a new site and offers its enrollment file', async () => {
    const page = await open(1024, 768);
    await logIn(page);
    await page.click('a:has-text("Inscrire un site")');
    await page.fill('input[name=name]', 'Gavinané');
    await page.click('button[type=submit]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Télécharger le fichier")')]);
    expect(download.suggestedFilename()).toBe('inscription-gavinane.json');
    firstFile = await enrollmentFile(download);
    expect(firstFile.name).toBe('Gavinané');
    await page.click('a:has-text("Sites")');
    await page.waitForSelector('tr[data-site="Gavinané"] [data-status="pending"]');
    await page.context().close();
  });

  it('gives a site not enrolled yet a new enrollment file, in English on a phone; only the new one enrolls a box', async () => {
    const page = await open(360, 740);
    await logIn(page);
    await page.selectOption('header select', 'en');
    await page.click('a:has-text("Gavinané")');
    await page.waitForSelector('h1:has-text("Gavinané")');
    await page.waitForSelector('text=This site is not enrolled yet');
    // Not enrolled: no command to send it.
    expect(await page.$('form.command')).toBeNull();
    await page.click('button:has-text("Make a new enrollment file")');
    await page.waitForSelector('text=New enrollment file for “Gavinané” made');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Download the enrollment file")')]);
    expect(download.suggestedFilename()).toBe('inscription-gavinane.json');
    const renewed = await enrollmentFile(download);
    expect(renewed).toMatchObject({ site: firstFile.site, name: 'Gavinané', relay: { http: base } });
    expect(renewed.token).not.toBe(firstFile.token);
    await noSidewaysScroll(page, 'renewed enrollment phone');
    await page.screenshot({ path: join(SHOTS, 'dashboard-renew-phone.png'), fullPage: true });
    // The first file no longer works; the new one enrolls a box, once.
    expect(await enrollWith(firstFile)).toBe(403);
    expect(await enrollWith(renewed)).toBe(200);
    await page.waitForSelector('text=Manage the site');
    await page.waitForSelector('[data-status="silent"]');
    expect(await page.$('text=Make a new enrollment file')).toBeNull();
    await page.context().close();
  }, 60_000);

  it('turns a box silent when it stops; speaks English when asked', async () => {
    const page = await open(1024, 768);
    await logIn(page);
    await page.waitForSelector('tr[data-site="Grigny"] [data-status="online"]');
    // The fleet's state is told to a screen reader when it changes, not at every refresh.
    const live = '[role=status][data-live=fleet]';
    expect(await page.textContent(live)).toMatch(/En ligne : [^.]*Grigny/);
    // The box's link says goodbye as it stops (its last will would say it after the keep-alive).
    await full.demo.appliances[0]!.stop();
    await page.waitForSelector('tr[data-site="Grigny"] [data-status="silent"]', { timeout: 30_000 });
    expect(await statusOf(page, 'Youri')).toBe('online');
    expect(await page.textContent('tr[data-site="Grigny"]')).toContain('Silencieux');
    expect(await page.textContent(live)).toMatch(/Silencieux : [^.]*Grigny/);
    expect(await page.textContent(live)).not.toMatch(/En ligne : [^.]*Grigny/);
    await page.screenshot({ path: join(SHOTS, 'dashboard-silent-pc.png'), fullPage: true });
    // English from the menu, kept for the next page.
    await page.selectOption('header select', 'en');
    await page.waitForSelector('tr[data-site="Youri"] >> text=Online');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.reload();
    await page.waitForSelector('h1:has-text("Sites")');
    await page.context().close();
  }, 60_000);

  it('shows a site with an active alert as such, and lists the alert', async () => {
    // Youri says it is too hot, as its health report would: the relay's own rules raise the alert.
    const youri = full.relay.registry.list().find((s) => s.name === 'Youri')!;
    full.relay.alerts.update(youri.siteKey!, { temperatureC: 91 });
    for (const size of SIZES) {
      const page = await open(size.width, size.height);
      await logIn(page);
      await page.waitForSelector('tr[data-site="Youri"] [data-status="alert"]');
      expect(await page.textContent('tr[data-site="Youri"]')).toContain('Alerte');
      await page.click('a:has-text("Alertes")');
      await page.waitForSelector('.alerts li.active >> text=Température du processeur : 91 °C.');
      expect(await page.textContent('.alerts li.active')).toContain('Youri');
      await noSidewaysScroll(page, `alerts ${size.name}`);
      await page.screenshot({ path: join(SHOTS, `dashboard-alert-${size.name}.png`), fullPage: true });
      await page.context().close();
    }
  }, 60_000);

  it('revokes a site once told what that does: broker and hub refuse its box at once', async () => {
    const youri = full.relay.registry.list().find((s) => s.name === 'Youri')!;
    const key = youri.siteKey!;
    await vi.waitFor(() => expect(full.relay.broker.connected(key)).toBe(true), { timeout: 15_000 });
    const page = await open(1024, 768);
    await logIn(page);
    await page.click('a:has-text("Youri")');
    await page.waitForSelector('h1:has-text("Youri")');
    // Asked first, in words; the safe choice has the focus, and cancelling changes nothing.
    // An enrolled site gets no new file: a new box is a new site.
    expect(await page.textContent('main')).toContain('Révoquez ce site, puis inscrivez la nouvelle boîte comme un nouveau site.');
    await page.click('button:has-text("Révoquer le site")');
    const ask = page.locator('[role=alertdialog]');
    expect(await ask.textContent()).toContain('Sa boîte est coupée tout de suite du courtier et du hub du relais');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Annuler');
    await page.screenshot({ path: join(SHOTS, 'dashboard-revoke-pc.png'), fullPage: true });
    await page.keyboard.press('Enter');
    await ask.waitFor({ state: 'detached' });
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Révoquer le site…');
    expect(full.relay.registry.get(youri.id).revokedAt).toBeNull();
    await page.click('button:has-text("Révoquer le site")');
    await page.click('button:has-text("Oui, révoquer Youri")');
    await page.waitForSelector('text=Site révoqué le');
    await expect.poll(() => page.evaluate<string>('document.activeElement.textContent')).toMatch(/^Site révoqué le /);
    await page.waitForSelector('.site-state [data-status="revoked"]');
    expect(await page.$('form.command')).toBeNull();
    // Cut off from the broker at once, and its own credentials no longer let it in.
    expect(full.relay.broker.connected(key)).toBe(false);
    const config = readRelayConfig(join(dir, 'youri'))!;
    await expect(
      mqtt.connectAsync(config.mqtt.url, { protocolVersion: 4, clientId: key, username: key, password: config.mqtt.password, reconnectPeriod: 0, connectTimeout: 5000 }),
    ).rejects.toThrow();
    // The hub refuses it: its grant is withdrawn. The API takes no command for it.
    expect(full.relay.hub.network.entitlements.grantOf(key)).toBeUndefined();
    const command = await fetch(`${base}/api/v1/sites/${youri.id}/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'sync-now' }),
    });
    expect(command.status).toBe(400);
    await page.click('a:has-text("Sites")');
    await page.waitForSelector('tr[data-site="Youri"] [data-status="revoked"]');
    expect(await page.textContent('tr[data-site="Youri"]')).toContain('Révoqué');
    await page.context().close();
  }, 60_000);

  it('loaded nothing from another host and raised no error in the page', () => {
    expect([...hosts]).toEqual([new URL(base).host]);
    expect(pageErrors).toEqual([]);
  });
});
