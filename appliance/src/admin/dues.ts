/**
 * Dues (cotisations): one record per payment. The member must exist and not be deleted
 * on this box when the payment is written; the summary says who has paid for a year.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../http/index.js';
import { errorResponses, idSchema, json, SpaceParams } from '../http/schemas.js';
import { BadRequestError, NotFoundError } from '../errors/index.js';
import { need } from './access.js';
import { addCollectionRoutes, itemOf, itemsOf, type CollectionSpec, type Scope } from './crud.js';
import { compareDates, dateSchema } from './dates.js';
import { cents, yearQuery, yearSchema } from './fields.js';
import { byName } from './members.js';
import { storeOf, type Fields } from './records.js';

export const METHODS = ['espèces', 'chèque', 'virement', 'mobile money', 'autre'] as const;

export const NewDue = z
  .object({
    memberId: idSchema,
    year: yearSchema,
    amountCents: cents(0),
    paidOn: dateSchema,
    method: z.enum(METHODS, { message: `moyen de paiement inconnu (${METHODS.join(', ')})` }),
  })
  .openapi('NewDue');

export const Due = NewDue.extend({ id: z.string() }).openapi('Due');

const DuesQuery = z.object({
  year: yearQuery.optional(),
  memberId: idSchema.optional(),
});

/** Refuse a payment for a member this box does not have, or has deleted. */
function checkMember(scope: Scope, _next: Fields, change: Fields): void {
  if (change.memberId === undefined) return;
  const id = String(change.memberId);
  const member = storeOf(scope.services).find(scope.space, 'members', id);
  if (!member) throw new NotFoundError(`L’adhérent « ${id} » est introuvable dans cet espace.`);
  if (member.deleted) {
    throw new BadRequestError(`L’adhérent « ${id} » a été retiré : on ne peut plus lui enregistrer de cotisation.`, 'member_deleted');
  }
}

export const dues: CollectionSpec = {
  coll: 'dues',
  tag: 'admin',
  summaries: {
    list: 'Cotisations reçues (filtre par année, par adhérent)',
    create: 'Enregistrer une cotisation',
    get: 'Une cotisation',
    patch: 'Corriger une cotisation',
    delete: 'Annuler une cotisation',
  },
  notFound: (id) => `La cotisation « ${id} » est introuvable dans cet espace.`,
  fields: NewDue,
  defaults: {},
  item: Due,
  read: need('admin'),
  write: need('admin'),
  check: checkMember,
  list: {
    query: DuesQuery,
    response: itemsOf(Due),
    build: (records, q) => ({
      items: records
        .map(itemOf)
        .filter((d) => (q.year === undefined || d.year === q.year) && (q.memberId === undefined || d.memberId === q.memberId))
        .sort((a, b) => compareDates(String(a.paidOn), String(b.paidOn))),
    }),
  },
};

const SummaryLine = z
  .object({
    memberId: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    paid: z.boolean(),
    totalCents: z.number().int(),
    payments: z.number().int(),
  })
  .openapi('DuesSummaryLine');
const Summary = z
  .object({ year: z.number().int(), paidCount: z.number().int(), unpaidCount: z.number().int(), members: z.array(SummaryLine) })
  .openapi('DuesSummary');

export function addDuesRoutes(r: OpenAPIHono<ApiEnv>): void {
  // Beside /dues, not under it: /dues/summary next to /dues/{id} would make the app
  // fall back from RegExpRouter to a slower router (see http/app.ts).
  r.openapi(
    createRoute({
      method: 'get',
      path: '/spaces/{space}/dues-summary',
      tags: ['admin'],
      summary: 'Qui a payé sa cotisation pour une année',
      request: { params: SpaceParams, query: z.object({ year: yearQuery }) },
      responses: { 200: json(Summary), ...errorResponses },
    }),
    (c) => {
      const { space } = c.req.valid('param');
      need('admin')(c, space);
      const { year } = c.req.valid('query');
      const store = storeOf(c.get('services'));
      const paidBy = new Map<string, { total: number; n: number }>();
      for (const d of store.list(space, 'dues')) {
        if (d.fields.year !== year) continue;
        const id = String(d.fields.memberId);
        const acc = paidBy.get(id) ?? { total: 0, n: 0 };
        paidBy.set(id, { total: acc.total + Number(d.fields.amountCents ?? 0), n: acc.n + 1 });
      }
      // A payment of 0 (a member exempted) counts as paid: the record says the year is settled.
      const lines = store
        .list(space, 'members')
        .map(itemOf)
        .sort(byName)
        .map((m) => {
          const p = paidBy.get(m.id);
          return { memberId: m.id, firstName: String(m.firstName ?? ''), lastName: String(m.lastName ?? ''), paid: p !== undefined, totalCents: p?.total ?? 0, payments: p?.n ?? 0 };
        });
      const paidCount = lines.filter((l) => l.paid).length;
      return c.json({ year, paidCount, unpaidCount: lines.length - paidCount, members: lines }, 200);
    },
  );
  addCollectionRoutes(r, dues);
}
