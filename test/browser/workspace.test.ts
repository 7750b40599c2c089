/**
 * The workspace in a real browser (Debian's Chromium, driven by playwright-core), served
 * by a real appliance over HTTP: what a newcomer does, on a phone and on an old PC's
 * screen. Skipped, saying so, where /usr/bin/chromium is absent (apt-get install chromium).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../../appliance/src/appliance.js';
import { performSetup } from '../../appliance/src/setup/index.js';
import { found, launch, pages } from './chromium.js';

const PASSWORD = 'correct-horse-battery';
const SPACE = 'givors-gavinane';

describe.skipIf(!found)('workspace in Chromium', () => {
  let dir: string;
  let box: Appliance;
  let base: string;
  let browser: Browser;
  const browserPages = pages(() => browser, PASSWORD);
  const { hosts, pageErrors, open, checkPage, tour } = browserPages;
  const logIn = (page: Page, user = 'awa') => browserPages.logIn(page, user);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'solidaire-browser-'));
    box = new Appliance({ dataDir: dir, port: 0, host: '127.0.0.1', logError: () => {} });
    const s = box.services;
    await performSetup(s, { siteName: 'Grigny', admin: { username: 'admin', displayName: 'Admin', password: PASSWORD } });
    s.spaces.create({ id: SPACE, name: 'Comité de jumelage Givors–Gavinané' });
    const awa = await s.accounts.create({ username: 'awa', displayName: 'Awa Traoré', password: PASSWORD, boxAdmin: false });
    s.spaces.setRole(awa.id, SPACE, 'admin');
    base = await box.start();
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await box?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lets a newcomer log in in French, pick the association and write a document', async () => {
    const page = await open(1024, 768);
    await page.goto(base + '/');
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await page.waitForSelector('text=Connexion');
    await checkPage(page, 'login');
    await logIn(page);
    await page.click('text=Comité de jumelage');
    await page.waitForSelector('#docs-title');
    await page.fill('#docs-title ~ form input', 'Compte rendu');
    await page.click('button:has-text("Nouveau document")');
    await page.waitForSelector('textarea');
    await checkPage(page, 'document editor');
    await page.fill('textarea', 'Réunion du bureau.');
    await page.click('button:has-text("Enregistrer")');
    await page.waitForSelector('text=Enregistré.');
    expect(await page.textContent('.doc-text')).toBe('Réunion du bureau.');
    await page.context().close();
  });

  it('keeps what was being typed when the session expires, and saves it after the login', async () => {
    const page = await open(1024, 768);
    await page.goto(base + '/');
    await logIn(page);
    await page.goto(`${base}/s/${SPACE}/documents`);
    await page.click('text=Compte rendu');
    await page.click('button:has-text("Modifier")');
    await page.fill('textarea', 'Écrit pendant que la session expirait.');
    await page.context().clearCookies();
    await page.click('button:has-text("Enregistrer")');
    await page.waitForSelector('text=Votre session a expiré');
    await page.reload(); // even a reload loses nothing
    await logIn(page);
    await page.waitForSelector('textarea');
    expect(await page.inputValue('textarea')).toBe('Écrit pendant que la session expirait.');
    await page.waitForSelector('text=brouillon');
    await page.click('button:has-text("Enregistrer")');
    await page.waitForSelector('text=Enregistré.');
    expect(await page.textContent('.doc-text')).toBe('Écrit pendant que la session expirait.');
    await page.context().close();
  });

  it('keeps both texts when two people edit the same document at once', async () => {
    const [one, two] = [await open(1024, 768), await open(1024, 768)];
    for (const page of [one, two]) {
      await page.goto(`${base}/s/${SPACE}/documents`);
      await logIn(page);
      await page.click('text=Compte rendu');
      await page.click('button:has-text("Modifier")');
    }
    const before = await one.inputValue('textarea');
    await one.fill('textarea', `Awa était là.\n${before}`);
    await two.fill('textarea', `${before}\nMoussa aussi.`);
    await one.click('button:has-text("Enregistrer")');
    await one.waitForSelector('text=Enregistré.');
    await two.click('button:has-text("Enregistrer")');
    await two.waitForSelector('text=les deux textes ont été gardés');
    const merged = await two.textContent('.doc-text');
    expect(merged).toContain('Awa était là.');
    expect(merged).toContain('Moussa aussi.');
    await one.context().close();
    await two.context().close();
  });

  it('uploads a file with a progress bar and downloads it', async () => {
    const page = await open(1024, 768);
    await page.goto(`${base}/s/${SPACE}/files`);
    await logIn(page);
    const file = join(dir, 'rapport.txt');
    writeFileSync(file, 'solidaire '.repeat(200_000));
    await page.setInputFiles('input[type=file]', file);
    // A slow link (1 MB/s up), so the progress bar is seen moving.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });
    await page.click('button:has-text("Déposer un fichier")');
    const bar = await page.waitForSelector('progress');
    // Polled from here: waitForFunction would eval in the page, which its CSP forbids.
    const seen = new Set<number>();
    while (seen.size < 2 && !(await page.$('text=« rapport.txt » est déposé.'))) {
      const value = await page.evaluate<number>(`document.querySelector('progress')?.value ?? -1`);
      if (value > 0 && value < 100) seen.add(value);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen.size, 'values seen between 0 and 100').toBeGreaterThanOrEqual(2);
    expect(await bar.getAttribute('max')).toBe('100');
    await page.waitForSelector('text=« rapport.txt » est déposé.');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("rapport.txt")')]);
    expect(download.suggestedFilename()).toBe('rapport.txt');
    // Moved into a new folder: it leaves the top and is found inside.
    await page.click('button:has-text("Renommer ou déplacer")');
    await page.fill('text=Dossier >> xpath=following::input[1]', 'Comptes');
    await page.click('form.card button:has-text("Enregistrer")');
    await page.waitForSelector('a[aria-label="Ouvrir le dossier Comptes"]');
    expect(await page.$('a:has-text("rapport.txt")')).toBeNull();
    await page.click('a[aria-label="Ouvrir le dossier Comptes"]');
    await page.waitForSelector('a:has-text("rapport.txt")');
    await page.context().close();
  });

  it('adds a member, then changes only their town', async () => {
    const page = await open(1024, 768);
    await page.goto(`${base}/s/${SPACE}/members`);
    await logIn(page);
    await page.waitForSelector('#members-title');
    const form = page.locator('form.card').last();
    await form.getByLabel('Prénom', { exact: true }).fill('Bakary');
    await form.getByLabel('Nom', { exact: true }).fill('Diarra');
    await form.getByLabel('Ville', { exact: true }).fill('Gavinané');
    await page.click('button:has-text("Inscrire un adhérent")');
    await page.waitForSelector('td:has-text("Gavinané")');
    await page.click('button[aria-label="Modifier : Bakary Diarra"]');
    await page.locator('td form').getByLabel('Ville', { exact: true }).fill('Kayes');
    await page.click('td form button:has-text("Enregistrer")');
    await page.waitForSelector('td:has-text("Kayes")');
    expect(await page.$('td form')).toBeNull();
    await page.context().close();
  });

  it('adds a ledger entry in euros, then corrects its amount', async () => {
    const page = await open(1024, 768);
    await page.goto(`${base}/s/${SPACE}/ledger`);
    await logIn(page);
    await page.waitForSelector('#ledger-title');
    const form = page.locator('form.card').last();
    await form.getByLabel('Libellé', { exact: true }).fill('Subvention');
    await form.getByLabel('Montant (en euros)', { exact: true }).fill('1 500,50');
    await page.click('button:has-text("Ajouter une écriture")');
    await page.waitForSelector('td:has-text("500,50")');
    await page.click('button[aria-label="Modifier : Subvention"]');
    const edit = page.locator('td form');
    expect(await edit.getByLabel('Montant (en euros)', { exact: true }).inputValue()).toBe('1500,50');
    await edit.getByLabel('Montant (en euros)', { exact: true }).fill('1600');
    await edit.locator('button:has-text("Enregistrer")').click();
    await page.waitForSelector('td:has-text("600,00")');
    expect(await page.$('td form')).toBeNull();
    await page.context().close();
  });

  it('fits a 360-pixel phone and a 1024×768 screen, with labels on every field', async () => {
    const paths = ['/', `/s/${SPACE}/documents`, `/s/${SPACE}/messages`, `/s/${SPACE}/files`, `/s/${SPACE}/members`, `/s/${SPACE}/ledger`, `/s/${SPACE}/agenda`, '/sync'];
    await tour(base, 'awa', paths, (path) => `espace-${path === '/' ? 'accueil' : path.split('/').at(-1)}`);
  });

  it('speaks English when asked, and the choice stays', async () => {
    const page = await open(1024, 768);
    await page.goto(base + '/');
    await page.selectOption('select', 'en');
    await page.waitForSelector('text=Log in');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.reload();
    await page.waitForSelector('text=Log in');
    await page.selectOption('select', 'fr');
    await page.waitForSelector('text=Connexion');
    await page.context().close();
  });

  it('welcomes a new box with its first setup, then logs its administrator in', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'solidaire-browser-new-'));
    const newBox = new Appliance({ dataDir: fresh, port: 0, host: '127.0.0.1', logError: () => {} });
    try {
      const url = await newBox.start();
      hosts.add(new URL(url).host);
      const page = await open(360, 740);
      await page.goto(url + '/');
      await page.waitForSelector('text=première mise en route');
      await checkPage(page, 'setup');
      await page.fill('text=Nom de la boîte >> xpath=following::input[1]', 'Nioro du Sahel');
      await page.fill('text=Votre nom >> xpath=following::input[1]', 'Père Jean');
      await page.fill('input[name=password]', 'une-phrase-longue');
      await page.click('button:has-text("Mettre la boîte en route")');
      await page.waitForSelector('#spaces-title');
      expect(await page.textContent('header')).toContain('Nioro du Sahel');
      expect(newBox.services.site.name).toBe('Nioro du Sahel');
      await page.context().close();
    } finally {
      await newBox.stop();
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('asked nothing of any other host, and threw no error in the page', () => {
    expect([...hosts].filter((h) => !h.startsWith('127.0.0.1:'))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
