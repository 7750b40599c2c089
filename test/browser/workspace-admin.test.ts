/**
 * The workspace's writing and administration pages in a real browser, against a real
 * appliance: an article of the commons written (by keyboard alone) and corrected, then
 * found by search; a payment of dues recorded wrong and corrected on a phone; a content
 * pack made, filled and pinned to a site; the updates page, its answers in plain words,
 * in French and in English.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../../appliance/src/appliance.js';
import { performSetup } from '../../appliance/src/setup/index.js';
import { TestClient } from '../../appliance/src/testing/index.js';
import { buildRelease, generateReleaseKeys, STATE_FILE } from '../../appliance/src/update/index.js';
import { found, launch, pages, SCREENSHOTS } from './chromium.js';

const PASSWORD = 'correct-horse-battery';
const SPACE = 'givors-gavinane';
const YEAR = new Date().getFullYear();

describe.skipIf(!found)('workspace administration in Chromium', () => {
  let dir: string;
  let box: Appliance;
  let base: string;
  let browser: Browser;
  let awa: TestClient;
  const keys = generateReleaseKeys();
  const { hosts, pageErrors, open, logIn, checkPage, tour } = pages(() => browser, PASSWORD);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'solidaire-browser-admin-'));
    mkdirSync(join(dir, 'root'));
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(join(dir, 'release-key.pub'), keys.publicKeyPem);
    // What the last update did, as update/apply.ts leaves it: one that did not start.
    writeFileSync(
      join(dir, 'root', STATE_FILE),
      JSON.stringify({ result: 'rolled-back', version: '0.0.9', previous: 'factory', at: Date.UTC(2026, 10, 20, 9, 30), reason: 'La boîte ne répondait pas.' }),
    );
    box = new Appliance({ dataDir: join(dir, 'data'), updatesRoot: join(dir, 'root'), releaseKeyFile: join(dir, 'release-key.pub'), port: 0, host: '127.0.0.1', logError: () => {} });
    const s = box.services;
    await performSetup(s, { siteName: 'Grigny', admin: { username: 'admin', displayName: 'Admin', password: PASSWORD } });
    s.spaces.create({ id: SPACE, name: 'Comité de jumelage Givors–Gavinané' });
    const roles: Array<[string, string, Array<[string, 'admin' | 'member' | 'guest']>]> = [
      // Awa heads the Comité, and the box admin made her an admin of the commons too.
      ['awa', 'Awa Traoré', [[SPACE, 'admin'], ['commons', 'admin']]],
      ['moussa', 'Moussa Keïta', [[SPACE, 'member']]],
      ['invite', 'Invité', [[SPACE, 'guest']]],
    ];
    for (const [username, displayName, spaces] of roles) {
      const a = await s.accounts.create({ username, displayName, password: PASSWORD, boxAdmin: false });
      for (const [space, role] of spaces) s.spaces.setRole(a.id, space, role);
    }
    base = await box.start();
    awa = new TestClient(box);
    await awa.login('awa', PASSWORD);
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await box?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function type(page: Page, text: string): Promise<void> {
    await page.keyboard.press('Tab');
    await page.keyboard.type(text);
  }

  it('writes an article of the commons by keyboard alone, corrects it, and search finds the new words', async () => {
    const page = await open(1024, 768);
    await page.goto(`${base}/s/commons/articles`);
    await logIn(page, 'awa');
    await page.focus('button:has-text("Écrire un article")');
    await page.keyboard.press('Enter');
    await type(page, 'Pompes solaires à Youri');
    await type(page, 'Ce que le forage a appris.');
    await type(page, 'Énergie, solaire');
    await type(page, 'Les panneaux photovoltaïques alimentent la pompe du forage.');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Publier l’article');
    await page.keyboard.press('Enter');
    await page.waitForSelector('h1:has-text("Pompes solaires à Youri")');
    expect(await page.textContent('article')).toContain('#énergie');
    await checkPage(page, 'article');

    await page.click('button:has-text("Modifier l’article")');
    const body = page.getByLabel('Texte de l’article', { exact: true });
    expect(await body.inputValue()).toBe('Les panneaux photovoltaïques alimentent la pompe du forage.');
    await body.fill('Les panneaux photovoltaïques alimentent la pompe du forage.\nEntretien : nettoyer les capteurs chaque semaine.');
    await checkPage(page, 'article editor');
    await page.click('button:has-text("Enregistrer")');
    await page.waitForSelector('.doc-text:has-text("nettoyer les capteurs")');
    expect(await page.textContent('h1')).toBe('Pompes solaires à Youri');

    // A correction written while the session expires is kept across the login and a reload.
    await page.click('button:has-text("Modifier l’article")');
    await page.getByLabel('Mots-clés', { exact: true }).fill('énergie, solaire, eau');
    await page.context().clearCookies();
    await page.click('button:has-text("Enregistrer")');
    await page.waitForSelector('text=Votre session a expiré');
    await page.reload();
    await logIn(page, 'awa');
    await page.waitForSelector('text=brouillon');
    expect(await page.getByLabel('Mots-clés', { exact: true }).inputValue()).toBe('énergie, solaire, eau');
    await page.click('button:has-text("Enregistrer")');
    await page.waitForSelector('article:has-text("#eau")');

    await page.goto(`${base}/s/commons/articles`);
    await page.fill('#commons-q', 'capteurs');
    await page.keyboard.press('Enter');
    await page.waitForSelector('text=1 résultat pour « capteurs »');
    expect(await page.textContent('mark')).toBe('capteurs');
    await page.click('a:has-text("Pompes solaires à Youri")');
    await page.waitForSelector('h1:has-text("Pompes solaires à Youri")');
    await page.context().close();

    // A guest writes nothing in the commons: no button to.
    const guest = await open(1024, 768);
    await guest.goto(`${base}/s/commons/articles`);
    await logIn(guest, 'invite');
    await guest.waitForSelector('#commons-title');
    expect(await guest.$('button:has-text("Écrire un article")')).toBeNull();
    await guest.context().close();
  });

  it('corrects on a phone a payment of dues recorded for the wrong member and amount', async () => {
    const GG = `/api/v1/spaces/${SPACE}`;
    const traore = (await awa.post(`${GG}/members`, { firstName: 'Awa', lastName: 'Traoré', joinedOn: '2011-03-12' })).body.id as string;
    const keita = (await awa.post(`${GG}/members`, { firstName: 'Moussa', lastName: 'Keïta', joinedOn: '2013-09-01' })).body.id as string;
    const due = (await awa.post(`${GG}/dues`, { memberId: traore, year: YEAR, amountCents: 2000, paidOn: `${YEAR}-01-15`, method: 'espèces' })).body.id as string;

    const page = await open(360, 740);
    await page.goto(`${base}/s/${SPACE}/dues`);
    await logIn(page, 'awa');
    await page.waitForSelector('text=1 à jour, 1 pas encore');
    await checkPage(page, 'dues at 360px');
    // By keyboard: the correction opens under its row, and Tab goes from the row's buttons into it.
    await page.focus('button[aria-label^="Corriger : Traoré Awa"]');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.labels[0].textContent')).toBe('Adhérent');
    expect(await page.evaluate<boolean>("!!document.activeElement.closest('td form')")).toBe(true);
    const edit = page.locator('td form');
    expect(await edit.getByLabel('Montant (en euros)', { exact: true }).inputValue()).toBe('20,00');
    await edit.getByLabel('Adhérent', { exact: true }).selectOption(keita);
    await edit.getByLabel('Montant (en euros)', { exact: true }).fill('25');
    await checkPage(page, 'dues correction at 360px');
    await page.screenshot({ path: join(SCREENSHOTS, 'espace-cotisation-corrigee-360x740.png'), fullPage: true });
    await edit.locator('button:has-text("Enregistrer")').click();
    await page.waitForSelector('th:has-text("Keïta Moussa") >> xpath=following-sibling::td[2][contains(., "25,00")]');
    expect(await page.$('td form')).toBeNull();
    const saved = (await awa.get(`${GG}/dues/${due}`)).body;
    expect(saved).toEqual({ id: due, memberId: keita, year: YEAR, amountCents: 2500, paidOn: `${YEAR}-01-15`, method: 'espèces' });
    expect((await awa.get(`${GG}/dues-summary?year=${YEAR}`)).body.paidCount).toBe(1);

    // A wrong amount is said, and nothing is sent.
    await page.click('button[aria-label^="Corriger : Keïta Moussa"]');
    await page.locator('td form').getByLabel('Montant (en euros)', { exact: true }).fill('vingt');
    await page.locator('td form button:has-text("Enregistrer")').click();
    await page.waitForSelector('td form [role=alert]:has-text("Le montant n’est pas valable")');
    expect((await awa.get(`${GG}/dues/${due}`)).body.amountCents).toBe(2500);

    // A payment of a member removed since is still corrected (its member stays as it was).
    const other = (await awa.post(`${GG}/dues`, { memberId: traore, year: YEAR, amountCents: 1000, paidOn: `${YEAR}-02-01`, method: 'chèque' })).body.id as string;
    expect((await awa.delete(`${GG}/members/${traore}`)).status).toBe(200);
    await page.reload();
    await page.click('button[aria-label^="Corriger : adhérent retiré"]');
    await page.locator('td form').getByLabel('Montant (en euros)', { exact: true }).fill('15');
    await page.locator('td form button:has-text("Enregistrer")').click();
    await page.waitForSelector('td:has-text("15,00")');
    expect((await awa.get(`${GG}/dues/${other}`)).body).toMatchObject({ memberId: traore, amountCents: 1500 });
    await page.context().close();
  });

  it('makes a content pack, adds a file to it and pins it to a site', async () => {
    const page = await open(1024, 768);
    await page.goto(`${base}/s/commons/library`);
    await logIn(page, 'awa');
    await page.waitForSelector('text=Aucun paquet de contenu');
    await page.getByLabel('Titre du paquet', { exact: true }).fill('Formation comptabilité');
    await page.getByLabel('Description', { exact: true }).fill('Tenir les comptes d’une association.');
    await page.click('button:has-text("Créer un paquet")');
    await page.waitForSelector('text=Aucun site ne garde encore ce paquet');
    const file = join(dir, 'cours-1.txt');
    writeFileSync(file, 'Recettes et dépenses. '.repeat(1000));
    await page.setInputFiles('input[type=file]', file);
    await page.click('button:has-text("Ajouter un fichier au paquet")');
    await page.waitForSelector('text=« cours-1.txt » est déposé.');
    await page.waitForSelector('li a:has-text("cours-1.txt")');
    await page.getByLabel('Site', { exact: true }).selectOption({ label: 'Grigny' });
    await page.click('button:has-text("Faire garder par ce site")');
    await page.waitForSelector('text=Gardé par : Grigny');
    await checkPage(page, 'library');
    const packs = (await awa.get('/api/v1/spaces/commons/packs')).body.packs;
    expect(packs).toMatchObject([{ title: 'Formation comptabilité', itemCount: 1, pinnedHere: true, pinnedTo: [box.services.site.id] }]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("cours-1.txt")')]);
    expect(download.suggestedFilename()).toBe('cours-1.txt');
    await page.context().close();

    // A member of an association opens the pack but makes none.
    const member = await open(1024, 768);
    await member.goto(`${base}/s/commons/library`);
    await logIn(member, 'moussa');
    await member.click('button:has-text("Ouvrir")');
    await member.waitForSelector('li a:has-text("cours-1.txt")');
    expect(await member.$('text=Créer un paquet')).toBeNull();
    expect(await member.$('text=Faire garder par ce site')).toBeNull();
    await member.context().close();

    // The box admin makes and pins packs too, as the API lets it (spaces.ts: an admin of the commons).
    const boxAdmin = await open(1024, 768);
    await boxAdmin.goto(`${base}/s/commons/library`);
    await logIn(boxAdmin, 'admin');
    await boxAdmin.waitForSelector('button:has-text("Créer un paquet")');
    await boxAdmin.click('button:has-text("Ouvrir")');
    await boxAdmin.waitForSelector('button:has-text("Faire garder par ce site")');
    await boxAdmin.context().close();
  });

  it('shows the version and the last update, takes a release and says what happens, in French and in English', async () => {
    const page = await open(1024, 768);
    await page.goto(`${base}/admin/updates`);
    await logIn(page, 'admin');
    await page.waitForSelector('text=Version en service : 0.1.0');
    await page.waitForSelector('text=la version 0.0.9 n’a pas démarré');
    expect(await page.textContent('main')).toContain('La boîte est revenue à sa version d’origine, avec ses données d’avant la mise à jour. Raison : La boîte ne répondait pas.');
    await checkPage(page, 'updates');

    const junk = join(dir, 'pas-une-version.release');
    writeFileSync(junk, 'ceci n’est pas une version');
    await page.setInputFiles('input[type=file]', junk);
    await page.click('button:has-text("Envoyer une nouvelle version")');
    await page.waitForSelector('[role=alert]:has-text("Ce fichier n’est pas une version de Solidaire.")');

    const root = join(dir, 'release-src');
    mkdirSync(join(root, 'bin'), { recursive: true });
    writeFileSync(join(root, 'bin/solidaire.js'), '#!/usr/bin/env node\n');
    const release = join(dir, 'solidaire-0.2.0.release');
    await buildRelease({ root, out: release, version: '0.2.0', privateKeyPem: keys.privateKeyPem, include: ['bin'], now: 0 });
    await page.setInputFiles('input[type=file]', release);
    await page.click('button:has-text("Envoyer une nouvelle version")');
    await page.waitForSelector('[role=status]:has-text("La version 0.2.0 est reçue et vérifiée.")');
    await page.waitForSelector('text=Reçue, en attente d’installation : 0.2.0');
    // Where it stands, in the live region the page refreshes: brought on a USB stick, checked, waiting.
    const live = '[role=status][data-live=updates]';
    await page.waitForSelector(`${live} [data-delivery=queued]:has-text("La version 0.2.0, apportée sur une clé USB, est arrivée entière et vérifiée le")`);
    expect(readdirSync(join(dir, 'root', 'updates'))).toEqual(['0.2.0.release']);
    expect(readFileSync(join(dir, 'root', 'updates', '0.2.0.release')).equals(readFileSync(release))).toBe(true);

    // In English: the page, and the box's refusal, in English (not the box's French).
    await page.selectOption('header select', 'en');
    await page.waitForSelector('text=Version in service: 0.1.0');
    expect(await page.textContent('main')).toContain('version 0.0.9 did not start. The box went back to its original version, with its data from before the update.');
    expect(await page.textContent('main')).not.toContain('Raison');
    const inService = join(dir, 'solidaire-0.1.0.release');
    await buildRelease({ root, out: inService, version: '0.1.0', privateKeyPem: keys.privateKeyPem, include: ['bin'], now: 0 });
    await page.setInputFiles('input[type=file]', inService);
    await page.click('button:has-text("Send a new version")');
    await page.waitForSelector('[role=alert]:has-text("This version is already the one in service")');
    await page.setInputFiles('input[type=file]', junk);
    await page.click('button:has-text("Send a new version")');
    await page.waitForSelector('[role=alert]:has-text("This file is not a valid Solidaire release")');
    expect(await page.textContent('main')).not.toMatch(/n’est pas une version/);
    await page.selectOption('header select', 'fr');

    // The relay offers a release: the page, asked again every few seconds, says it is on its way.
    await box.releases.offer({ version: '0.3.0', sha256: 'ab'.repeat(32), size: 40_000_000 });
    await page.waitForSelector(`${live} [data-delivery=fetching]:has-text("La version 0.3.0, proposée par le relais, est en train d’arriver")`);
    expect(await page.textContent(live)).toContain('sinon par Internet, dans les limites du forfait');
    // Root's `update apply` refused a file: said, with its reason, without a reload.
    writeFileSync(
      join(dir, 'root', STATE_FILE),
      JSON.stringify({ result: 'refused', version: 'solidaire-0.4.0.release', previous: '0.1.0', at: Date.now(), reason: 'La signature ne correspond pas.' }),
    );
    await page.waitForSelector(`${live}:has-text("le fichier solidaire-0.4.0.release a été refusé à l’installation. La boîte est restée à 0.1.0. Raison : La signature ne correspond pas.")`);
    await page.selectOption('header select', 'en');
    await page.waitForSelector(`${live}:has-text("the file solidaire-0.4.0.release was refused at installation. The box stayed at 0.1.0.")`);
    await page.waitForSelector(`${live}:has-text("Version 0.3.0, offered by the relay, is on its way")`);
    await page.selectOption('header select', 'fr');
    await page.context().close();
  });

  it('fits a 360-pixel phone and a 1024×768 screen on every new page', async () => {
    await tour(base, 'admin', ['/s/commons/articles', '/s/commons/library', '/admin/updates'], (path) => `admin-${path.split('/').at(-1)}`);
  });

  it('asked nothing of any other host, and threw no error in the page', () => {
    expect([...hosts].filter((h) => !h.startsWith('127.0.0.1:'))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
