/**
 * Debian's Chromium for the browser tests, driven by playwright-core: whether it is here
 * (the tests are skipped, saying so, where /usr/bin/chromium is absent; apt-get install
 * chromium; SOLIDAIRE_REQUIRE_TOOLS makes that a failure), launched headless, and a page
 * opened at a screen's size in a context of its own; and the demo they are run against.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium as playwright, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startFullDemo, type FullDemo } from '../../relay/src/demo.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const found = existsSync(CHROMIUM);
if (!found && process.env.SOLIDAIRE_REQUIRE_TOOLS) throw new Error(`no Chromium at ${CHROMIUM}: install it (see .ci/run)`);
if (!found) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

export function launch(): Promise<Browser> {
  return playwright.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
}

/** What the pages asked of which hosts, and the errors they threw. */
export interface Watch {
  readonly hosts: Set<string>;
  readonly pageErrors: string[];
}

/** A page in a new context (close it with page.context().close()); downloads accepted. */
export async function open(browser: Browser, width: number, height: number, watch?: Watch): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  if (watch) {
    page.on('request', (r) => watch.hosts.add(new URL(r.url()).host));
    page.on('pageerror', (e) => watch.pageErrors.push(String(e)));
  }
  return page;
}

/**
 * For one file's tests: the whole demo of `npm start` (the relay and its two boxes, on
 * ports the system chooses, in a temporary folder) and a browser, started before them and
 * stopped after. Call it inside the file's describe.
 */
export function demoInBrowser(prefix: string): { readonly dir: string; readonly full: FullDemo; readonly browser: Browser } {
  const state = {} as { dir: string; full: FullDemo; browser: Browser };
  beforeAll(async () => {
    state.dir = mkdtempSync(join(tmpdir(), prefix));
    state.full = await startFullDemo({ dataDir: state.dir, ports: 0, host: '127.0.0.1', log: () => {} });
    state.browser = await launch();
  }, 90_000);
  afterAll(async () => {
    await state.browser?.close();
    await state.full?.stop().catch(() => {});
    if (state.dir) rmSync(state.dir, { recursive: true, force: true });
  });
  return state;
}
