/**
 * Both apps for a keyboard and a screen reader, in Chromium against the demo of `npm
 * start` (the relay and its dashboard, Grigny's workspace with its demo data): axe-core
 * (its WCAG 2.0, 2.1 and 2.2 A and AA rules, and the landmark basics) finds no violation
 * on any main page at 1024×768 nor at 360×740; every control is reached with Tab, in
 * turn, and shows where the focus is. Skipped where Chromium is absent (chromium.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../appliance/src/demo/seed.js';
import { demoInBrowser, found, pages } from './chromium.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SIZES = [
  [1024, 768],
  [360, 740],
] as const;
const SPACE = 'givors-gavinane';

/**
 * axe's rules for WCAG 2.0, 2.1 and 2.2, A and AA (contrast, labels, names of buttons
 * and links, images' text, ARIA, the page's title and language, the size of what is
 * touched...), and its landmark basics (one main, all content in a landmark, a
 * first-level heading).
 */
const RUN_AXE = `(async () => {
  const rules = axe.getRules(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).map((r) => r.ruleId)
    .concat(['landmark-one-main', 'landmark-no-duplicate-main', 'landmark-unique', 'region', 'page-has-heading-one']);
  const result = await axe.run(document, { runOnly: { type: 'rule', values: rules }, resultTypes: ['violations'] });
  return result.violations.map((v) => v.id + ': ' + v.help + '\\n    ' + v.nodes.map((n) => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\\s+/g, ' ')).join('\\n    '));
})()`;

/**
 * Tabs through the page from its top and tells which controls were never reached, and
 * which were reached with no outline nor shadow to show it (the style computed as the key
 * left it: what :focus-visible gives, or :focus-within for a date whose day, month or
 * year has the focus). An outline must stand out 3:1 from what lies behind it (WCAG
 * 1.4.11, contrast of what is not text). A control is known by what it
 * is and says (the pages refresh their lists, so elements come and go); a radio group is
 * one stop.
 */
const KEY = `((e) => e.type === 'radio' ? 'radio ' + e.name : [e.tagName, e.name || '', e.getAttribute('href') || '', (e.textContent || '').trim().slice(0, 40)].join(' '))`;
const TAB_STOPS = `[...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
  .filter((e) => !e.disabled && e.tabIndex >= 0 && e.type !== 'hidden' && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
  .map(${KEY})`;
const FOCUSED = `(() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = (c) => rgb(c).slice(0, 3).map((v) => (v /= 255) <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4)).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  let behind = e.parentElement;
  while (behind && rgb(getComputedStyle(behind).backgroundColor)[3] === 0) behind = behind.parentElement;
  const [light, dark] = [lum(s.outlineColor), lum(behind ? getComputedStyle(behind).backgroundColor : 'rgb(255, 255, 255)')].sort((a, b) => b - a);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shown = (outline && (light + 0.05) / (dark + 0.05) >= 3) || s.boxShadow !== 'none';
  return { stop: e === document.body ? null : ${KEY}(e), shown, what: e.outerHTML.slice(0, 160) };
})()`;

describe.skipIf(!found)('accessibility of the workspace and the dashboard', () => {
  const demo = demoInBrowser('solidaire-a11y-');
  const full = () => demo.full;

  const workspace = () => full().demo.urls[0]!;
  const dashboard = () => full().relay.addresses().http;

  const { open, logIn: logInHere } = pages(() => demo.browser, DEMO_PASSWORD);

  async function logIn(page: Page, user: string): Promise<void> {
    await page.goto(workspace() + '/');
    await logInHere(page, user);
  }

  async function logInDashboard(page: Page): Promise<void> {
    await page.goto(dashboard() + '/');
    await page.fill('input[name=token]', full().relay.adminToken);
    await page.click('button[type=submit]');
    await page.waitForSelector('input[name=token]', { state: 'detached' });
  }

  /** axe's violations on the page as it is now (its source run in the page: the CSP allows no script tag). */
  async function violations(page: Page): Promise<string[]> {
    if (!(await page.evaluate<boolean>("typeof axe !== 'undefined'"))) await page.evaluate(AXE);
    return page.evaluate<string[]>(RUN_AXE);
  }

  async function noViolation(page: Page, what: string): Promise<void> {
    expect((await violations(page)).join('\n'), what).toBe('');
  }

  /** Goes to each path (a page's heading shown) and checks it, at both sizes. */
  async function checkPages(login: (page: Page) => Promise<void>, base: () => string, paths: readonly string[], ready = 'main h1'): Promise<void> {
    for (const [w, h] of SIZES) {
      const page = await open(w, h);
      await login(page);
      for (const path of paths) {
        await page.goto(base() + path);
        await page.waitForSelector(ready);
        await page.waitForLoadState('networkidle');
        await noViolation(page, `${path} at ${w}×${h}`);
      }
      await page.context().close();
    }
  }

  async function tabThrough(page: Page, what: string): Promise<void> {
    const all = await page.evaluate<string[]>(TAB_STOPS);
    const stops = new Set(all);
    expect(stops.size, what).toBeGreaterThan(0);
    const reached = new Set<string>();
    const unshown: string[] = [];
    await page.evaluate('document.activeElement.blur(); window.scrollTo(0, 0)');
    // A date and time field takes a Tab for each of its parts (day, month, year, hours, minutes).
    for (let i = 0; i < all.length * 6 && reached.size < stops.size; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate<{ stop: string | null; shown: boolean; what: string }>(FOCUSED);
      if (f.stop === null) continue;
      reached.add(f.stop);
      if (!f.shown) unshown.push(f.what);
    }
    expect([...stops].filter((s) => !reached.has(s)), `${what}: never reached with Tab`).toEqual([]);
    expect(unshown, `${what}: no focus shown`).toEqual([]);
  }

  it('finds what it should on a page made badly (the check itself works)', async () => {
    const page = await open(1024, 768);
    await page.setContent('<div><img src="data:,"><button></button><a href="/x"></a><input><p style="color:#aaa">pâle</p></div>');
    const found = (await violations(page)).map((v) => v.split(':')[0]);
    expect(found.sort()).toEqual(['button-name', 'color-contrast', 'document-title', 'html-has-lang', 'image-alt', 'label', 'landmark-one-main', 'link-name', 'page-has-heading-one', 'region', 'target-size']);
    await page.context().close();
  });

  async function tabThroughPage(page: Page, url: string): Promise<void> {
    await page.goto(url);
    await page.waitForSelector('main h1');
    await page.waitForLoadState('networkidle');
    await tabThrough(page, url);
  }

  /** The first Tab offers to skip the header to the content; a move to another page puts the focus there too. */
  async function skipsToContent(page: Page, link: string): Promise<void> {
    const focused = () => page.evaluate<string>("document.activeElement.id || document.activeElement.className");
    await page.reload();
    await page.waitForSelector('main h1');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('skip');
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('main');
    await page.click(`header a:has-text("${link}")`);
    await page.waitForSelector(`main h1:has-text("${link}")`);
    await expect.poll(focused).toBe('main');
  }

  it('the workspace: login, spaces, a space\'s rooms and its administration, at both sizes', async () => {
    for (const [w, h] of SIZES) {
      const page = await open(w, h);
      await page.goto(workspace() + '/');
      await page.waitForSelector('input[name=password]');
      await noViolation(page, `login at ${w}×${h}`);
      await page.context().close();
    }
    const rooms = ['documents', 'messages', 'files', 'members', 'dues', 'ledger', 'agenda'].map((r) => `/s/${SPACE}/${r}`);
    await checkPages((p) => logIn(p, 'awa'), workspace, ['/', ...rooms, '/s/commons/articles', '/s/commons/library']);
    // A document, a thread and an article, opened from their lists.
    const page = await open(1024, 768);
    await logIn(page, 'awa');
    for (const room of [`${SPACE}/documents`, `${SPACE}/messages`, 'commons/articles']) {
      await page.goto(`${workspace()}/s/${room}`);
      await page.click(`main li a`);
      await page.waitForSelector('main h1');
      await page.waitForLoadState('networkidle');
      await noViolation(page, `a page of ${room}`);
    }
    await page.context().close();
  }, 180_000);

  it('the workspace: the box admin\'s pages, at both sizes', async () => {
    await checkPages((p) => logIn(p, 'admin'), workspace, ['/admin/accounts', '/admin/spaces', '/admin/network', '/admin/usb', '/admin/updates', '/sync']);
  }, 120_000);

  it('the dashboard: login, fleet, a site, alerts, releases, enrolling, at both sizes', async () => {
    for (const [w, h] of SIZES) {
      const page = await open(w, h);
      await page.goto(dashboard() + '/');
      await page.waitForSelector('input[name=token]');
      await noViolation(page, `dashboard login at ${w}×${h}`);
      await page.context().close();
    }
    const youri = full().relay.registry.list().find((s) => s.name === 'Youri')!;
    await checkPages(logInDashboard, dashboard, ['/', `/sites/${youri.id}`, '/alerts', '/releases', '/enroll']);
    // A chart says in words what its canvas draws; the revocation's question is checked too.
    const page = await open(1024, 768);
    await logInDashboard(page);
    await page.goto(`${dashboard()}/sites/${youri.id}`);
    expect(await page.textContent('figure.chart p.visually-hidden')).toMatch(/^Dernière mesure : .+, il y a .+ ; sur la période, de .+ à .+\.$/);
    await page.click('button:has-text("Révoquer le site")');
    await noViolation(page, 'the revocation asked');
    await page.context().close();
  }, 120_000);

  /** A login refused, and its error said. */
  async function refused(page: Page, base: string, fields: Readonly<Record<string, string>>): Promise<void> {
    await page.goto(base + '/');
    for (const [name, value] of Object.entries(fields)) await page.fill(`input[name=${name}]`, value);
    await page.click('button[type=submit]');
    await page.waitForSelector('.note.error');
    await noViolation(page, `login refused at ${base}`);
  }

  it('the states between pages: an error said, a document and a member being changed, English', async () => {
    const page = await open(1024, 768);
    await refused(page, workspace(), { username: 'awa', password: 'pas-le-bon' });
    await logIn(page, 'awa');
    await page.goto(`${workspace()}/s/${SPACE}/documents`);
    await page.click('main li a');
    await page.click('button:has-text("Modifier")');
    await page.waitForSelector('textarea');
    await noViolation(page, 'a document being edited');
    await page.goto(`${workspace()}/s/${SPACE}/members`);
    await page.click('button[aria-label^="Modifier : "]');
    await page.waitForSelector('td form');
    await noViolation(page, 'a member being changed');
    await page.selectOption('header select', 'en');
    await page.goto(`${workspace()}/s/${SPACE}/files`);
    await page.waitForSelector('main h1:has-text("Files")');
    await noViolation(page, 'files in English');
    await page.context().close();

    const board = await open(360, 740);
    await refused(board, dashboard(), { token: 'pas-le-bon-jeton' });
    await logInDashboard(board);
    await board.selectOption('header select', 'en');
    await board.waitForSelector('main h1:has-text("Sites")');
    await noViolation(board, 'fleet in English');
    await board.context().close();
  }, 60_000);

  it('reaches every control with Tab and shows where the focus is', async () => {
    const page = await open(1024, 768);
    await page.goto(workspace() + '/');
    await page.waitForSelector('input[name=password]');
    await tabThrough(page, 'workspace login');
    await logIn(page, 'awa');
    await skipsToContent(page, 'Synchronisation');
    const rooms = ['documents', 'messages', 'files', 'members', 'dues', 'ledger', 'agenda'].map((r) => `/s/${SPACE}/${r}`);
    for (const path of ['/', ...rooms]) await tabThroughPage(page, workspace() + path);
    await page.context().close();

    const admin = await open(1024, 768);
    await logIn(admin, 'admin');
    for (const path of ['/admin/accounts', '/admin/spaces', '/admin/network', '/admin/usb', '/admin/updates']) await tabThroughPage(admin, workspace() + path);
    await admin.context().close();

    const board = await open(1024, 768);
    await logInDashboard(board);
    await skipsToContent(board, 'Alertes');
    const youri = full().relay.registry.list().find((s) => s.name === 'Youri')!;
    for (const path of ['/', `/sites/${youri.id}`, '/alerts', '/releases', '/enroll']) await tabThroughPage(board, dashboard() + path);
    await board.context().close();
  }, 120_000);
});
