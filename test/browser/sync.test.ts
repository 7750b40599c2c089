/**
 * The workspace of two boxes in a real browser, the two boxes syncing over libp2p on this
 * machine (the demo's Grigny and Youri): a message written on Youri's workspace appears on
 * Grigny's after a sync, and two people editing one document on the two boxes, neither
 * having the other's change, both find their words on both boxes afterwards; the sync
 * page tells a screen reader what changes.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../appliance/src/demo/index.js';
import { DEMO_PASSWORD } from '../../appliance/src/demo/seed.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SPACE = 'givors-gavinane';
const found = existsSync(CHROMIUM);
if (!found && process.env.SOLIDAIRE_REQUIRE_TOOLS) throw new Error(`no Chromium at ${CHROMIUM}: install it (see .ci/run)`);
if (!found) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.skipIf(!found)('two boxes in Chromium', () => {
  let dir: string;
  let demo: Demo;
  let browser: Browser;
  let grigny: string;
  let youri: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'solidaire-browser-sync-'));
    // Rounds only when asked, not even soon after a local change: the test says when they sync.
    demo = await startDemo({ dataDir: dir, port: 0, host: '127.0.0.1', syncSeconds: 0, log: () => {} });
    [grigny, youri] = demo.urls as [string, string];
    await syncBoth();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function syncBoth(): Promise<void> {
    for (const a of demo.appliances) for (const r of await a.services.network.syncNow()) if (r instanceof Error) throw r;
  }

  async function loggedIn(base: string, user: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto(base + '/');
    await page.fill('input[name=username]', user);
    await page.fill('input[name=password]', DEMO_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('input[name=password]', { state: 'detached' });
    return page;
  }

  async function writeMessage(page: Page, subject: string, body: string): Promise<void> {
    await page.goto(`${youri}/s/${SPACE}/messages`);
    await page.fill('label:has-text("Objet") + * input, input[maxlength="200"]', subject);
    await page.fill('textarea', body);
    await page.click('button:has-text("Envoyer")');
    await page.waitForSelector(`text=${subject}`);
  }

  it('shows on Grigny a message written at Youri, after a sync', async () => {
    const atYouri = await loggedIn(youri, 'moussa');
    await writeMessage(atYouri, 'Forage du puits', 'La pompe est réparée, écrit à Youri.');

    await syncBoth();
    const atGrigny = await loggedIn(grigny, 'awa');
    await atGrigny.goto(`${grigny}/s/${SPACE}/messages`);
    await atGrigny.click('text=Forage du puits');
    await atGrigny.waitForSelector('text=La pompe est réparée, écrit à Youri.');
    await atYouri.context().close();
    await atGrigny.context().close();
  });

  it('tells a screen reader when the sync state changes, not the time since', async () => {
    const atYouri = await loggedIn(youri, 'moussa');
    await writeMessage(atYouri, 'Semences', 'Arrivées à Youri.');
    await atYouri.click('a:has-text("Synchronisation")');
    // A polite live region, asked again every few seconds: Grigny waits for the message...
    const live = '[role=status][data-live=sync]';
    await atYouri.waitForSelector(`${live}:has-text("en attente pour Grigny")`, { state: 'attached' });
    await syncBoth();
    // ... then has it: the region says so without a reload.
    await atYouri.waitForSelector(`${live}:has-text("Grigny a tout reçu")`, { state: 'attached' });
    expect(await atYouri.textContent(live)).not.toMatch(/il y a|Dernière synchronisation/);
    await atYouri.context().close();
  });

  it('keeps two edits of one document made on the two boxes, each without the other', async () => {
    const [atGrigny, atYouri] = [await loggedIn(grigny, 'awa'), await loggedIn(youri, 'moussa')];
    // Both open the same version of the Comité's first document.
    const pages = [
      [atGrigny, grigny],
      [atYouri, youri],
    ] as const;
    for (const [page, base] of pages) {
      await page.goto(`${base}/s/${SPACE}/documents`);
      await page.click('text=Compte rendu du bureau');
      await page.click('button:has-text("Modifier")');
      await page.waitForSelector('textarea');
    }
    const original = await atGrigny.inputValue('textarea');
    expect(await atYouri.inputValue('textarea')).toBe(original);
    await atGrigny.fill('textarea', `Ajouté à Grigny : le container part en mars.\n${original}`);
    await atYouri.fill('textarea', `${original}\nAjouté à Youri : les semences sont arrivées.`);
    // Saved one right after the other: neither box has the other's change yet.
    await Promise.all([atGrigny.click('button:has-text("Enregistrer")'), atYouri.click('button:has-text("Enregistrer")')]);
    await atGrigny.waitForSelector('text=Enregistré.');
    await atYouri.waitForSelector('text=Enregistré.');

    await syncBoth();
    await syncBoth();
    for (const [page] of pages) {
      await page.reload();
      await page.waitForSelector('.doc-text');
      const text = (await page.textContent('.doc-text')) ?? '';
      expect(text).toContain('Ajouté à Grigny : le container part en mars.');
      expect(text).toContain('Ajouté à Youri : les semences sont arrivées.');
      await page.context().close();
    }
  });
});
