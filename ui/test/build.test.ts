/**
 * The production build, as the box serves it: it parses as ES2017 (the old browsers of
 * the sites), fits its budgets (80 KB of JavaScript, 20 KB of CSS, gzipped) and fetches
 * nothing from the Internet. `npm test` builds it first (root script).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parse } from 'acorn';
import { describe, expect, it } from 'vitest';

const OUT = fileURLToPath(new URL('../dist/workspace', import.meta.url));
const ASSETS = join(OUT, 'assets');
export const BUDGET = { js: 80 * 1024, css: 20 * 1024 };

function files(ext: string): string[] {
  return readdirSync(ASSETS)
    .filter((f) => f.endsWith(ext))
    .map((f) => join(ASSETS, f));
}

function gzipped(paths: string[]): number {
  return paths.reduce((sum, p) => sum + gzipSync(readFileSync(p), { level: 9 }).length, 0);
}

describe('workspace production build', () => {
  it('exists (npm run build -w ui)', () => {
    expect(existsSync(join(OUT, 'index.html'))).toBe(true);
    expect(files('.js').length).toBeGreaterThan(0);
  });

  it('parses as ES2017, module code', () => {
    for (const file of files('.js')) {
      expect(() => parse(readFileSync(file, 'utf8'), { ecmaVersion: 2017, sourceType: 'module' }), file).not.toThrow();
    }
  });

  it(`keeps its JavaScript under ${BUDGET.js / 1024} KB gzipped`, () => {
    const size = gzipped(files('.js'));
    console.log(`workspace JS: ${(size / 1024).toFixed(1)} KB gzipped`);
    expect(size).toBeLessThanOrEqual(BUDGET.js);
  });

  it(`keeps its CSS under ${BUDGET.css / 1024} KB gzipped`, () => {
    const size = gzipped(files('.css'));
    console.log(`workspace CSS: ${(size / 1024).toFixed(1)} KB gzipped`);
    expect(size).toBeLessThanOrEqual(BUDGET.css);
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
