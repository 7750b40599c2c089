import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { myers, textDiff, type Edit } from './diff.js';

const before = (e: Edit[]) => e.filter(([op]) => op !== 1).map(([, s]) => s).join('');
const after = (e: Edit[]) => e.filter(([op]) => op !== -1).map(([, s]) => s).join('');
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function lcs(a: number[], b: number[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) t[i]![j] = a[i - 1] === b[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
  return t[a.length]![b.length]!;
}

describe('text diff', () => {
  it('turns any text into any other, never cutting a surrogate pair', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '\n', ' ', 'é', '😀', '😁', '👍🏽'), maxLength: 60 });
    fc.assert(
      fc.property(text, text, (a, b) => {
        const edits = textDiff(a, b);
        expect(before(edits)).toBe(a);
        expect(after(edits)).toBe(b);
        for (const [, s] of edits) expect(s).not.toMatch(loneSurrogate);
      }),
      { numRuns: 2000, seed: 910738187, examples: [['😁😀👍🏽a', 'a😁👍🏽']] },
    );
  });

  it('stays exact in line mode (changed spans over 2,000 characters)', () => {
    const line = fc.constantFrom('# Titre\n', 'Une ligne de texte assez longue pour compter.\n', '- 😀 point\n', '\n', 'fin');
    const text = fc.array(line, { minLength: 60, maxLength: 200 }).map((l) => l.join(''));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const edits = textDiff(a, b);
        expect(before(edits)).toBe(a);
        expect(after(edits)).toBe(b);
        for (const [, s] of edits) expect(s).not.toMatch(loneSurrogate);
      }),
      { numRuns: 50, seed: 2026 },
    );
  });

  it('diffs large texts line by line, then by characters inside changed lines', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `Ligne ${i} du compte rendu.\n`).join('');
    const b = a.replace('Ligne 10 du', 'Ligne 10 (corrigée) du').replace('Ligne 2990 du', 'Ligne 2990 revue du');
    const edits = textDiff(a, b);
    expect(after(edits)).toBe(b);
    const changes = edits.filter(([op]) => op !== 0);
    expect(changes.map(([op]) => op)).toEqual([1, 1]);
    expect(changes.map(([, s]) => s.trim())).toEqual(['(corrigée)', 'revue']);
  });

  it('stays fast on two unrelated large texts, replacing rather than searching', () => {
    const a = Array.from({ length: 20_000 }, (_, i) => `a${i}\n`).join('');
    const b = Array.from({ length: 20_000 }, (_, i) => `b${i}\n`).join('');
    const t = performance.now();
    const edits = textDiff(a, b);
    expect(performance.now() - t).toBeLessThan(2_000);
    expect(after(edits)).toBe(b);
    expect(before(edits)).toBe(a);
  });

  it('finds a shortest edit script (Myers)', () => {
    const arr = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 25 });
    fc.assert(
      fc.property(arr, arr, (a, b) => {
        const ops = myers(a, b, 100)!;
        expect(ops.filter((o) => o !== 0).length).toBe(a.length + b.length - 2 * lcs(a, b));
        expect(ops.filter((o) => o !== 1).length).toBe(a.length);
        expect(ops.filter((o) => o !== -1).length).toBe(b.length);
      }),
      { seed: 78 },
    );
    expect(myers([1, 2, 3], [4, 5, 6], 3)).toBeNull();
  });
});
