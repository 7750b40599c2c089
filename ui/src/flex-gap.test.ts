/**
 * Flexbox `gap` came to Chrome only in 84; the old recycled PCs run older ones, where a flex
 * container's items then touch. Both apps space flex items with margins instead (grid `gap`
 * is fine: Chrome 66). This reads every stylesheet of ui/src and fails on a `gap`,
 * `row-gap` or `column-gap` given to a selector that some rule makes a flex container.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('.', import.meta.url).pathname;

interface Rule {
  selectors: string[];
  decls: Map<string, string>;
}

/** Plain rules, wherever they are (inside @media too); enough for our own stylesheets. */
function rulesOf(css: string): Rule[] {
  const flat = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const rules: Rule[] = [];
  for (const m of flat.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const selectors = m[1]!.split(',').map((s) => s.trim().replace(/\s+/g, ' '));
    const decls = new Map<string, string>();
    for (const d of m[2]!.split(';')) {
      const at = d.indexOf(':');
      if (at > 0) decls.set(d.slice(0, at).trim().toLowerCase(), d.slice(at + 1).trim().toLowerCase());
    }
    rules.push({ selectors, decls });
  }
  return rules;
}

/** Selectors given a gap while a rule makes them (inline-)flex containers. */
function flexGaps(css: string): string[] {
  const rules = rulesOf(css);
  const flex = new Set(rules.filter((r) => /^(inline-)?flex\b/.test(r.decls.get('display') ?? '')).flatMap((r) => r.selectors));
  const gapped = rules.filter((r) => ['gap', 'row-gap', 'column-gap', 'grid-gap'].some((p) => r.decls.has(p)));
  return gapped.flatMap((r) => r.selectors.filter((s) => flex.has(s)));
}

function stylesheets(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? stylesheets(join(dir, e.name)) : e.name.endsWith('.css') ? [join(dir, e.name)] : [],
  );
}

describe('flexbox gap', () => {
  it('is found in a rule, in another rule for the same selector, and inside @media', () => {
    expect(flexGaps('.a { display: flex; gap: 1rem }')).toEqual(['.a']);
    expect(flexGaps('.a, .b { display: inline-flex } /* gap */ @media (max-width: 40rem) { .b { row-gap: 2px } }')).toEqual(['.b']);
    expect(flexGaps('.grid { display: grid; gap: 1rem } .f { display: flex } .f > * { margin: 0.25rem }')).toEqual([]);
  });

  it('is used by no flex container in either app', () => {
    const files = stylesheets(SRC);
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) expect(flexGaps(readFileSync(file, 'utf8')), file).toEqual([]);
  });
});
