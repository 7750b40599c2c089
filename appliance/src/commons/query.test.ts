import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openDatabase } from '../db/index.js';
import { MAX_TERMS, searchTerms, toFtsQuery } from './query.js';

// The real table of migration 001, so every query built here is run by the real FTS5.
const db = openDatabase({ path: ':memory:' });
afterAll(() => db.close());
db.prepare("INSERT INTO articles_fts (id, title, body, tags) VALUES ('a', 'Développement solaire', 'L’école de Youri', 'énergie')").run();
const run = (match: string) => db.prepare('SELECT id FROM articles_fts WHERE articles_fts MATCH ?').all(match);

describe('search query', () => {
  it('quotes every word and keeps the last one as a prefix', () => {
    expect(toFtsQuery('développement solaire')).toBe('"développement" "solaire"*');
    expect(toFtsQuery('dévelop')).toBe('"dévelop"*');
  });

  it('passes FTS5 operators and punctuation on as words or not at all', () => {
    expect(toFtsQuery('AND OR (')).toBe('"AND" "OR"*');
    expect(toFtsQuery('title:école NEAR(x y)')).toBe('"title" "école" "NEAR" "x" "y"*');
    expect(toFtsQuery('"')).toBeNull();
    expect(toFtsQuery('*')).toBeNull();
    expect(toFtsQuery('  -- ^ () {} ')).toBeNull();
  });

  it('cuts words where the tokenizer does (apostrophes, hyphens) and composes accents', () => {
    expect(searchTerms('l’énergie Givors-Gavinané')).toEqual(['l', 'énergie', 'Givors', 'Gavinané']);
    expect(searchTerms('e\u0301cole')).toEqual(['école']);
  });

  it('bounds the number of words', () => {
    const q = Array.from({ length: 40 }, (_, i) => `mot${i}`).join(' ');
    expect(searchTerms(q)).toHaveLength(MAX_TERMS);
  });

  it('builds queries that FTS5 finds accents-folded and by prefix', () => {
    expect(run(toFtsQuery('DEVELOP')!)).toEqual([{ id: 'a' }]);
    expect(run(toFtsQuery('ecole youri')!)).toEqual([{ id: 'a' }]);
    expect(run(toFtsQuery('energie')!)).toEqual([{ id: 'a' }]);
  });

  it('never builds a query FTS5 refuses, whatever the user types', () => {
    const hostile = fc.constantFrom('"', '*', '(', ')', ':', '^', '-', '+', 'AND', 'OR', 'NOT', 'NEAR', '{', '}', ' ', "'", 'é', 'x', '\u0000');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.array(hostile, { maxLength: 20 }).map((a) => a.join(''))), (q) => {
        const match = toFtsQuery(q);
        if (match !== null) expect(() => run(match)).not.toThrow();
      }),
      { numRuns: 300, seed: 2 },
    );
  });
});
