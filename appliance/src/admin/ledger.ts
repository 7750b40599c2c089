/**
 * The ledger (recettes et dépenses): entries in date order, each with the running
 * balance since the first entry, totals for the period asked, and a CSV export.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../http/index.js';
import { errorResponses, idSchema, SpaceParams } from '../http/schemas.js';
import { need } from './access.js';
import { addCollectionRoutes, itemOf, type CollectionSpec, type Item } from './crud.js';
import { csvDocument, csvResponse, type Cell } from './csv.js';
import { compareDates, dateSchema, frenchDate } from './dates.js';
import { cents, required, text } from './fields.js';
import { storeOf, type Rec } from './records.js';

export const NewEntry = z
  .object({
    date: dateSchema,
    label: required('le libellé', 200).openapi({ example: 'Subvention de la ville de Givors' }),
    amountCents: cents(1),
    direction: z.enum(['receipt', 'expense'], { message: 'sens invalide (receipt = recette, expense = dépense)' }),
    category: text('la catégorie', 100).optional().openapi({ example: 'Subventions' }),
    // The file holding the receipt (files room); not checked here, as a file may reach
    // this box after the entry that names it.
    receiptFileId: idSchema.nullable().optional(),
  })
  .openapi('NewLedgerEntry');

export const Entry = NewEntry.required().extend({ id: z.string() }).openapi('LedgerEntry');
const EntryLine = Entry.extend({ balanceCents: z.number().int().openapi({ description: 'Solde après cette écriture' }) }).openapi('LedgerLine');

const Period = z.object({ from: dateSchema.optional(), to: dateSchema.optional() });
type Period = z.infer<typeof Period>;

const Totals = z
  .object({
    openingCents: z.number().int().openapi({ description: 'Solde avant « from »' }),
    receiptsCents: z.number().int(),
    expensesCents: z.number().int(),
    closingCents: z.number().int().openapi({ description: 'Solde à la fin de la période' }),
  })
  .openapi('LedgerTotals');

export type Line = Item & { balanceCents: number };

/** Entries of the period, in date order, with running balances; and the period's totals. */
export function statement(records: readonly Rec[], period: Period): { items: Line[]; totals: z.infer<typeof Totals> } {
  // Records come oldest first, and the sort is stable: same-day entries keep the order
  // they were written in.
  const all = records.map(itemOf).sort((a, b) => compareDates(String(a.date), String(b.date)));
  const items: Line[] = [];
  let balance = 0;
  let opening = 0;
  let receipts = 0;
  let expenses = 0;
  for (const e of all) {
    const amount = Number(e.amountCents ?? 0);
    const signed = e.direction === 'expense' ? -amount : amount;
    balance += signed;
    const date = String(e.date);
    if (period.from !== undefined && date < period.from) {
      opening = balance;
      continue;
    }
    if (period.to !== undefined && date > period.to) break;
    if (signed < 0) expenses += amount;
    else receipts += amount;
    items.push({ ...e, balanceCents: balance });
  }
  return { items, totals: { openingCents: opening, receiptsCents: receipts, expensesCents: expenses, closingCents: opening + receipts - expenses } };
}

export const ledger: CollectionSpec = {
  coll: 'ledger',
  tag: 'admin',
  summaries: {
    list: 'Livre des recettes et dépenses (période ?from=&to=), avec soldes',
    create: 'Écrire une recette ou une dépense',
    get: 'Une écriture',
    patch: 'Corriger une écriture',
    delete: 'Supprimer une écriture',
  },
  notFound: (id) => `L’écriture « ${id} » est introuvable dans cet espace.`,
  fields: NewEntry,
  defaults: { category: '', receiptFileId: null },
  item: Entry,
  read: need('admin'),
  write: need('admin'),
  list: {
    query: Period,
    response: z.object({ items: z.array(EntryLine), totals: Totals }).openapi('Ledger'),
    build: (records, q) => statement(records, q as Period),
  },
};

export const LEDGER_HEADER = ['Date', 'Libellé', 'Catégorie', 'Recette', 'Dépense', 'Solde'] as const;

export function ledgerRow(l: Line): Cell[] {
  const amount = { cents: Number(l.amountCents ?? 0) };
  const receipt = l.direction !== 'expense';
  return [frenchDate(String(l.date)), String(l.label ?? ''), String(l.category ?? ''), receipt ? amount : null, receipt ? null : amount, { cents: l.balanceCents }];
}

export function addLedgerRoutes(r: OpenAPIHono<ApiEnv>): void {
  r.openapi(
    createRoute({
      method: 'get',
      path: '/spaces/{space}/ledger.csv',
      tags: ['admin'],
      summary: 'Livre des comptes pour un tableur (CSV, période ?from=&to=)',
      request: { params: SpaceParams, query: Period },
      responses: { 200: { description: 'CSV, UTF-8 avec BOM, séparateur « ; », virgule décimale', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
    }),
    (c) => {
      const { space } = c.req.valid('param');
      need('admin')(c, space);
      const { items } = statement(storeOf(c.get('services')).list(space, 'ledger'), c.req.valid('query'));
      return csvResponse(csvDocument(LEDGER_HEADER, items.map(ledgerRow)), `comptes-${space}.csv`);
    },
  );
  addCollectionRoutes(r, ledger);
}
