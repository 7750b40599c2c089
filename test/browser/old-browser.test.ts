/**
 * Both apps in a browser that has only what the oldest ones with ES modules have (Chrome
 * 61, Firefox 60, Safari 11): Chromium with the newer library calls taken away before the
 * page's scripts run. The syntax is checked by ui/test/build.test.ts; this is what the
 * bundles call at run time. A newcomer logs in and goes through the workspace's rooms, a
 * volunteer through the dashboard, and no page throws.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../appliance/src/demo/seed.js';
import { demoInBrowser, found, pages } from './chromium.js';

/** Newer than those browsers: [owner, name]. ui/src/common/legacy.ts gives back the first three. */
const TAKEN_AWAY = `[
  [window, 'queueMicrotask'], [Promise.prototype, 'finally'], [Array.prototype, 'flat'],
  [Array.prototype, 'flatMap'], [Array.prototype, 'at'], [Array.prototype, 'findLast'], [String.prototype, 'at'],
  [String.prototype, 'replaceAll'], [String.prototype, 'matchAll'], [String.prototype, 'trimStart'], [String.prototype, 'trimEnd'],
  [Object, 'fromEntries'], [Object, 'hasOwn'], [Promise, 'allSettled'], [Promise, 'any'], [Symbol.prototype, 'description'],
  [window, 'structuredClone'], [window, 'ResizeObserver'], [window, 'AbortController'], [Intl, 'RelativeTimeFormat'],
  [Intl, 'ListFormat'], [Intl, 'PluralRules'],
].forEach(([owner, name]) => delete owner[name]);`;

describe.skipIf(!found)('both apps in an old browser', () => {
  const demo = demoInBrowser('solidaire-old-');
  const { open, logIn, pageErrors } = pages(() => demo.browser, DEMO_PASSWORD);

  async function oldBrowser(): Promise<Page> {
    const page = await open(360, 740);
    await page.context().addInitScript(TAKEN_AWAY);
    return page;
  }

  /** Follows a link of the page, as a person would (the router's navigation), to the heading it should show. */
  async function follow(page: Page, link: string, heading: string): Promise<void> {
    await page.click(link);
    await page.waitForSelector(`main h1:has-text("${heading}")`);
  }

  it('the workspace: log in, then documents, a document, messages, files, members, the sync', async () => {
    const page = await oldBrowser();
    await page.goto(demo.full.demo.urls[0]! + '/');
    expect(await page.evaluate<string>('typeof [].at + typeof Intl.RelativeTimeFormat')).toBe('undefinedundefined');
    await logIn(page, 'awa');
    await page.waitForSelector('#spaces-title');
    await follow(page, 'main a:has-text("Comité de jumelage")', 'Documents');
    await page.click('main li a');
    await page.waitForSelector('.doc-text');
    await follow(page, 'nav a:has-text("Messages")', 'Messages');
    await follow(page, 'nav a:has-text("Fichiers")', 'Fichiers');
    await follow(page, 'nav a:has-text("Adhérents")', 'Adhérents');
    await follow(page, 'header a:has-text("Synchronisation")', 'Synchronisation');
    await page.context().close();
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('the dashboard: log in, then the fleet, a site with its charts, the alerts', async () => {
    const page = await oldBrowser();
    await page.goto(demo.full.relay.addresses().http + '/');
    await page.fill('input[name=token]', demo.full.relay.adminToken);
    await page.click('button[type=submit]');
    await page.waitForSelector('tr[data-site="Youri"] [data-status="online"]');
    await follow(page, 'a:has-text("Youri")', 'Youri');
    await page.waitForSelector('form.command');
    await page.click('button:has-text("7 jours")');
    await follow(page, 'header a:has-text("Alertes")', 'Alertes');
    await page.context().close();
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
