/**
 * What the browser tests share: Debian's Chromium (skipped, saying so, where
 * /usr/bin/chromium is absent), a page at a given size that records the hosts it asks
 * and the errors it throws, the login, the check every page must pass (a label on every
 * field, nothing scrolling sideways), and the whole demo to run them against.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { startFullDemo, type FullDemo } from '../../relay/src/demo.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** For a person to look at (git-ignored). */
export const SCREENSHOTS = join(import.meta.dirname, '../e2e/screenshots');
export const found = existsSync(CHROMIUM);
if (!found && process.env.SOLIDAIRE_REQUIRE_TOOLS) throw new Error(`no Chromium at ${CHROMIUM}: install it (see .ci/run)`);
if (!found) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
}

export interface Pages {
  /** Every host a page asked. */
  readonly hosts: Set<string>;
  /** Every error a page threw. */
  readonly pageErrors: string[];
  open(width: number, height: number): Promise<Page>;
  logIn(page: Page, user: string): Promise<void>;
  checkPage(page: Page, what: string): Promise<void>;
  /**
   * Logged in as `user` on a 360-pixel phone and on a 1024×768 screen, every page of
   * `paths` checked once loaded, and saved as `<shot(path)>-<w>x<h>.png` in SCREENSHOTS.
   */
  tour(base: string, user: string, paths: readonly string[], shot: (path: string) => string): Promise<void>;
}

export function pages(browser: () => Browser, password: string): Pages {
  const hosts = new Set<string>();
  const pageErrors: string[] = [];

  async function open(width: number, height: number): Promise<Page> {
    const context = await browser().newContext({ viewport: { width, height }, acceptDownloads: true });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    page.on('request', (r) => hosts.add(new URL(r.url()).host));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    return page;
  }

  async function logIn(page: Page, user: string): Promise<void> {
    await page.fill('input[name=username]', user);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    // The login shows over the page asked for, which comes back once logged in.
    await page.waitForSelector('input[name=password]', { state: 'detached' });
  }

  async function checkPage(page: Page, what: string): Promise<void> {
    // Run in the page (as text: this file is type-checked without the DOM's types).
    const unlabelled = await page.evaluate<string[]>(`[...document.querySelectorAll('input, select, textarea')]
      .filter((e) => e.type !== 'hidden' && !e.labels.length && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
      .map((e) => e.outerHTML)`);
    expect(unlabelled, what).toEqual([]);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow, `${what}: scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
  }

  async function tour(base: string, user: string, paths: readonly string[], shot: (path: string) => string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const [w, h] of [
      [360, 740],
      [1024, 768],
    ] as const) {
      const page = await open(w, h);
      await page.goto(base + '/');
      await logIn(page, user);
      for (const path of paths) {
        await page.goto(base + path);
        await page.waitForSelector('main h1');
        await page.waitForSelector('main >> text=Chargement…', { state: 'detached' });
        await checkPage(page, `${path} at ${w}px`);
        await page.screenshot({ path: join(SCREENSHOTS, `${shot(path)}-${w}x${h}.png`), fullPage: true });
      }
      await page.context().close();
    }
  }

  return { hosts, pageErrors, open, logIn, checkPage, tour };
}

/**
 * For one file's tests: the whole demo of `npm start` (the relay and its two boxes, on
 * ports the system chooses, in a temporary folder) and a browser, started before them and
 * stopped after. Call it inside the file's describe.
 */
export function demoInBrowser(prefix: string, opts: { releaseKeyPem?: string } = {}): { readonly dir: string; readonly full: FullDemo; readonly browser: Browser } {
  const state = {} as { dir: string; full: FullDemo; browser: Browser };
  beforeAll(async () => {
    state.dir = mkdtempSync(join(tmpdir(), prefix));
    // The relay takes releases signed with this key (its boxes do not have it: they refuse them).
    const releaseKeyFile = opts.releaseKeyPem ? join(state.dir, 'release-key.pub') : undefined;
    if (releaseKeyFile) writeFileSync(releaseKeyFile, opts.releaseKeyPem!);
    state.full = await startFullDemo({ dataDir: state.dir, ports: 0, host: '127.0.0.1', log: () => {}, ...(releaseKeyFile ? { releaseKeyFile } : {}) });
    state.browser = await launch();
  }, 90_000);
  afterAll(async () => {
    await state.browser?.close();
    await state.full?.stop().catch(() => {});
    if (state.dir) rmSync(state.dir, { recursive: true, force: true });
  });
  return state;
}
