/**
 * Members (adhérents) of the association. Admins read and write; members of the space
 * may read the list (and its CSV export); guests may not.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../http/index.js';
import { errorResponses, SpaceParams } from '../http/schemas.js';
import { memberOrAdmin, need } from './access.js';
import { addCollectionRoutes, itemOf, itemsOf, type CollectionSpec, type Item } from './crud.js';
import { csvDocument, csvResponse } from './csv.js';
import { dateSchema, frenchDate } from './dates.js';
import { required, text } from './fields.js';
import { storeOf, type Rec } from './records.js';

export const NewMember = z
  .object({
    firstName: required('le prénom', 100).openapi({ example: 'Awa' }),
    lastName: required('le nom', 100).openapi({ example: 'Traoré' }),
    email: z.email('adresse électronique invalide').max(200).nullable().optional(),
    phone: text('le téléphone', 40).nullable().optional().openapi({ example: '+223 76 12 34 56' }),
    town: text('la ville', 100).nullable().optional().openapi({ example: 'Givors' }),
    joinedOn: dateSchema,
    role: text('le rôle', 100).optional().openapi({ example: 'trésorière' }),
    notes: text('les notes', 5000).optional(),
  })
  .openapi('NewMember');

export const Member = NewMember.required().extend({ id: z.string() }).openapi('Member');

// Made on first use: ICU's collation data costs memory a box that never sorts members need not pay.
let collator: Intl.Collator | undefined;

/** By last name, then first name, in French order (É with E, "de" with "De"). */
export function byName(a: Item | Rec['fields'], b: Item | Rec['fields']): number {
  collator ??= new Intl.Collator('fr');
  return collator.compare(String(a.lastName ?? ''), String(b.lastName ?? '')) || collator.compare(String(a.firstName ?? ''), String(b.firstName ?? ''));
}

const sortedMembers = (records: readonly Rec[]): Item[] => records.map(itemOf).sort(byName);

export const members: CollectionSpec = {
  coll: 'members',
  tag: 'admin',
  summaries: {
    list: 'Adhérents, par nom',
    create: 'Inscrire un adhérent',
    get: 'Fiche d’un adhérent',
    patch: 'Modifier une fiche (seuls les champs envoyés)',
    delete: 'Retirer un adhérent',
  },
  notFound: (id) => `L’adhérent « ${id} » est introuvable dans cet espace.`,
  fields: NewMember,
  defaults: { email: null, phone: null, town: null, role: '', notes: '' },
  item: Member,
  read: memberOrAdmin,
  write: need('admin'),
  list: {
    query: z.object({}),
    response: itemsOf(Member),
    build: (records) => ({ items: sortedMembers(records) }),
  },
};

export function addMemberRoutes(r: OpenAPIHono<ApiEnv>): void {
  r.openapi(
    createRoute({
      method: 'get',
      path: '/spaces/{space}/members.csv',
      tags: ['admin'],
      summary: 'Liste des adhérents pour un tableur (CSV)',
      request: { params: SpaceParams },
      responses: { 200: { description: 'CSV, UTF-8 avec BOM, séparateur « ; »', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
    }),
    (c) => {
      const { space } = c.req.valid('param');
      memberOrAdmin(c, space);
      const rows = sortedMembers(storeOf(c.get('services')).list(space, 'members')).map((m) => [
        str(m.lastName),
        str(m.firstName),
        str(m.email),
        str(m.phone),
        str(m.town),
        typeof m.joinedOn === 'string' ? frenchDate(m.joinedOn) : null,
        str(m.role),
        str(m.notes),
      ]);
      const header = ['Nom', 'Prénom', 'Courriel', 'Téléphone', 'Ville', 'Adhésion', 'Rôle', 'Notes'];
      return csvResponse(csvDocument(header, rows), `adherents-${space}.csv`);
    },
  );
  addCollectionRoutes(r, members);
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
