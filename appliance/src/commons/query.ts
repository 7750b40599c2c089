/**
 * What a user types in the search box, turned into an FTS5 query that cannot be a syntax
 * error: the words are taken out (letters, digits and their accents, as the unicode61
 * tokenizer cuts them), each one quoted, and the last one kept as a prefix so that
 * "dévelop" already finds "développement". Operators and punctuation typed by the user
 * (AND, OR, NEAR, parentheses, *, :, ^, quotes) are never passed on as syntax.
 */

/** Words beyond this are dropped: a longer query only costs time on a small box. */
export const MAX_TERMS = 12;

const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/** The words of a query, in order, without duplicates. */
export function searchTerms(q: string): string[] {
  const words = q.normalize('NFC').match(WORD) ?? [];
  return [...new Set(words)].slice(0, MAX_TERMS);
}

/** An FTS5 string literal: double quotes doubled (FTS5 §3.1 "strings"). */
const quote = (term: string): string => `"${term.replace(/"/g, '""')}"`;

/** The FTS5 MATCH expression, or null when the query holds no word at all. */
export function toFtsQuery(q: string): string | null {
  const terms = searchTerms(q);
  if (terms.length === 0) return null;
  return terms.map((t, i) => (i === terms.length - 1 ? `${quote(t)}*` : quote(t))).join(' ');
}
