/**
 * Tags: lower-case words stored in the record as one comma-separated string (record
 * fields are scalars). A tag never holds a comma, so the stored form splits back exactly.
 */
import { ValidationError } from '../errors/index.js';
import { MAX_TAG, MAX_TAGS } from './schemas.js';

export function normaliseTag(tag: string): string {
  return tag.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('fr');
}

/** From what a user sent (a list, or "a, b, c") to a clean list; a bad tag is a 400. */
export function parseTags(input: string | readonly string[]): string[] {
  const raw = typeof input === 'string' ? input.split(',') : input.flatMap((t) => t.split(','));
  const tags = [...new Set(raw.map(normaliseTag).filter((t) => t.length > 0))];
  const long = tags.find((t) => t.length > MAX_TAG);
  if (long) throw new ValidationError(`Le mot-clé « ${long.slice(0, MAX_TAG)}… » dépasse ${MAX_TAG} caractères.`);
  if (tags.length > MAX_TAGS) throw new ValidationError(`Un article a au plus ${MAX_TAGS} mots-clés.`);
  return tags;
}

export const joinTags = (tags: readonly string[]): string => tags.join(',');

/** The stored form back to a list; tolerant, since a record may come from another box. */
export function splitTags(stored: unknown): string[] {
  if (typeof stored !== 'string' || stored === '') return [];
  return stored.split(',').filter((t) => t.length > 0);
}
