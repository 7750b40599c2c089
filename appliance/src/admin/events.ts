/**
 * The agenda: events with a start and an end (ISO 8601 with offset), read by anyone who
 * may read the space and written by its members.
 */
import { z } from '@hono/zod-openapi';
import { ValidationError } from '../errors/index.js';
import { need } from './access.js';
import { itemOf, itemsOf, type CollectionSpec, type Item } from './crud.js';
import { instantOf, instantSchema, isCalendarDate, isInstant } from './dates.js';
import { required, text } from './fields.js';

export const NewEvent = z
  .object({
    title: required('le titre', 200).openapi({ example: 'Assemblée générale' }),
    startsAt: instantSchema,
    endsAt: instantSchema,
    place: text('le lieu', 200).optional().openapi({ example: 'Salle Rosa Parks, Givors' }),
    description: text('la description', 5000).optional(),
  })
  .openapi('NewEvent');

export const Event = NewEvent.required().extend({ id: z.string() }).openapi('Event');

const DAY = 24 * 3600_000;

// A bound is a day (taken in UTC: from its first to its last millisecond) or an instant.
const bound = z
  .string()
  .max(40)
  .refine((s) => isCalendarDate(s) || isInstant(s), 'date invalide (AAAA-MM-JJ, ou date et heure avec le fuseau)');
const EventsQuery = z.object({ from: bound.optional(), to: bound.optional() });

const startOf = (b: string): number => (isCalendarDate(b) ? Date.parse(`${b}T00:00:00Z`) : instantOf(b));
const endOf = (b: string): number => (isCalendarDate(b) ? Date.parse(`${b}T00:00:00Z`) + DAY - 1 : instantOf(b));

const startsOf = (e: Item): number => instantOf(String(e.startsAt));
const endsOf = (e: Item): number => instantOf(String(e.endsAt));

export const events: CollectionSpec = {
  coll: 'events',
  tag: 'agenda',
  summaries: {
    list: 'Agenda : événements qui touchent la période ?from=&to=, par heure de début',
    create: 'Ajouter un événement',
    get: 'Un événement',
    patch: 'Modifier un événement',
    delete: 'Supprimer un événement',
  },
  notFound: (id) => `L’événement « ${id} » est introuvable dans cet espace.`,
  fields: NewEvent,
  defaults: { place: '', description: '' },
  item: Event,
  read: need('read'),
  write: need('write'),
  check: (_scope, next) => {
    if (instantOf(String(next.endsAt)) < instantOf(String(next.startsAt))) {
      throw new ValidationError('L’événement finit avant de commencer : vérifiez la date et l’heure de fin.');
    }
  },
  list: {
    query: EventsQuery,
    response: itemsOf(Event),
    build: (records, q) => {
      const from = typeof q.from === 'string' ? startOf(q.from) : -Infinity;
      const to = typeof q.to === 'string' ? endOf(q.to) : Infinity;
      // Every event that overlaps the period, so one that began before it still shows.
      return {
        items: records
          .map(itemOf)
          .filter((e) => endsOf(e) >= from && startsOf(e) <= to)
          .sort((a, b) => startsOf(a) - startsOf(b)),
      };
    },
  },
};
