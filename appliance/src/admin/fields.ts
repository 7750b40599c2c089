/** Field schemas shared by the admin collections: bounded text and money. */
import { z } from '@hono/zod-openapi';

/** Text a person must fill in. */
export const required = (what: string, max: number) =>
  z.string().trim().min(1, `${what} est vide`).max(max, `${what} dépasse ${max} caractères`);

/** Text that may stay empty. */
export const text = (what: string, max: number) => z.string().trim().max(max, `${what} dépasse ${max} caractères`);

/** Sums of many amounts stay exact integers far below 2^53. */
export const MAX_CENTS = 100_000_000_000;

/** Money is an integer number of cents (centimes), never a float. */
export const cents = (min: 0 | 1) =>
  z
    .number()
    .int('le montant est un nombre entier de centimes')
    .min(min, min === 0 ? 'le montant ne peut pas être négatif' : 'le montant doit être supérieur à zéro')
    .max(MAX_CENTS, 'le montant est trop grand')
    .openapi({ example: 2000, description: 'En centimes (2000 = 20,00)' });

export const yearSchema = z.number().int().min(1900, 'année invalide').max(2200, 'année invalide').openapi({ example: 2026 });

/** A year in a query string (?year=2026). */
export const yearQuery = z.coerce.number().int().min(1900, 'année invalide').max(2200, 'année invalide').openapi({ example: 2026 });
