/**
 * The production builds, as the box (workspace) and the relay (dashboard) serve them:
 * they parse as ES2017 (the old browsers of the sites), fit their budgets (gzipped) and
 * fetch nothing from the Internet. `npm test` builds them first (root script).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parse } from 'acorn';
import { describe, expect, it } from 'vitest';

/** KB gzipped. The dashboard carries uPlot for its charts. */
export const BUDGETS = {
  workspace: { js: 80, css: 20 },
  dashboard: { js: 120, css: 20 },
} as const;

function gzipped(paths: string[]): number {
  return paths.reduce((sum, p) => sum + gzipSync(readFileSync(p), { level: 9 }).length, 0);
}

for (const [app, budget] of Object.entries(BUDGETS)) {
  const OUT = fileURLToPath(new URL(`../dist/${app}`, import.meta.url));
  // Every file of the build, wherever it lies (assets/, or copied from public/).
  const files = (ext: string): string[] =>
    readdirSync(OUT, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith(ext))
      .map((f) => join(OUT, f));

  describe(`${app} production build`, () => {
    it('exists (npm run build -w ui)', () => {
      expect(existsSync(join(OUT, 'index.html'))).toBe(true);
      expect(files('.js').length).toBeGreaterThan(0);
    });

    it('parses as ES2017, module code: every script of the build, and every one the page loads is among them', () => {
      const scripts = [...readFileSync(join(OUT, 'index.html'), 'utf8').matchAll(/<script[^>]*\bsrc="\/([^"]+)"/g)].map((m) => join(OUT, m[1]!));
      expect(scripts.length).toBeGreaterThan(0);
      expect(files('.js')).toEqual(expect.arrayContaining(scripts));
      expect(readFileSync(join(OUT, 'index.html'), 'utf8')).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      for (const file of [...files('.js'), ...files('.mjs')]) {
        expect(() => parse(readFileSync(file, 'utf8'), { ecmaVersion: 2017, sourceType: 'module' }), file).not.toThrow();
      }
    });

    it(`keeps its JavaScript under ${budget.js} KB gzipped`, () => {
      const size = gzipped(files('.js'));
      console.log(`${app} JS: ${(size / 1024).toFixed(1)} KB gzipped`);
      expect(size).toBeLessThanOrEqual(budget.js * 1024);
    });

    it(`keeps its CSS under ${budget.css} KB gzipped`, () => {
      const size = gzipped(files('.css'));
      console.log(`${app} CSS: ${(size / 1024).toFixed(1)} KB gzipped`);
      expect(size).toBeLessThanOrEqual(budget.css * 1024);
    });

    it('has a precompressed copy of every script and style', () => {
      for (const file of [...files('.js'), ...files('.css'), join(OUT, 'index.html')]) expect(existsSync(file + '.gz'), file).toBe(true);
    });

    it('loads nothing from another host', () => {
      const html = readFileSync(join(OUT, 'index.html'), 'utf8');
      const css = files('.css').map((f) => readFileSync(f, 'utf8')).join('\n');
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
      expect(css).not.toMatch(/url\(\s*['"]?(https?:)?\/\//);
      expect(css).not.toMatch(/@import|@font-face/);
    });
  });
}
