/** The messages room's wire shapes: what the routes accept and return. */
import { z } from '@hono/zod-openapi';
import { spaceIdSchema } from '../http/schemas.js';

export const MAX_BODY = 20_000;

/**
 * 20000 → "20 000" (a narrow no-break space between thousands, as French writes them).
 * Not toLocaleString: at module load it would map ICU's French number data (about 6 MB
 * of the box's memory) for one message.
 */
function frenchInteger(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}
export const MAX_SUBJECT = 200;

const subject = z
  .string()
  .trim()
  .min(1, "l'objet est vide")
  .max(MAX_SUBJECT, `l'objet dépasse ${MAX_SUBJECT} caractères`)
  .openapi({ example: 'Rentrée scolaire à Gavinané' });
const body = z
  .string()
  .trim()
  .min(1, 'le message est vide')
  .max(MAX_BODY, `le message dépasse ${frenchInteger(MAX_BODY)} caractères`)
  .openapi({ example: 'Les fournitures sont arrivées, merci à tous.' });

export const NewThread = z.object({ subject, body }).openapi('NewThread');
export const NewReply = z.object({ body }).openapi('NewReply');
export const NewOutboxMessage = z
  .object({ to: spaceIdSchema.openapi({ example: 'comite-koupela' }), subject, body })
  .openapi('NewOutboxMessage');

export const MessageSchema = z
  .object({
    id: z.string(),
    thread: z.string(),
    subject: z.string().nullable(),
    body: z.string(),
    byName: z.string(),
    /** Wall-clock milliseconds of the message's HLC stamp. */
    at: z.number(),
    hlc: z.string(),
    /** The site (box) that wrote it. */
    site: z.string(),
    /** The space it was sent from, when it came from another space. */
    fromSpace: z.string().nullable(),
  })
  .openapi('ThreadMessage');
export type MessageView = z.infer<typeof MessageSchema>;

export const ThreadSchema = z
  .object({
    id: z.string(),
    /** The first message's subject; null only while that message has not arrived yet. */
    subject: z.string().nullable(),
    lastAt: z.number(),
    lastBy: z.string(),
    count: z.number().int(),
    fromSpace: z.string().nullable(),
  })
  .openapi('Thread');
export type ThreadSummary = z.infer<typeof ThreadSchema>;

export const ThreadDetail = z
  .object({ id: z.string(), subject: z.string().nullable(), fromSpace: z.string().nullable(), messages: z.array(MessageSchema) })
  .openapi('ThreadDetail');

export const OutboxStatus = z.enum(['pending', 'delivered']);
export type OutboxStatus = z.infer<typeof OutboxStatus>;

export const OutboxMessageSchema = z
  .object({
    id: z.string(),
    to: z.string(),
    subject: z.string().nullable(),
    body: z.string(),
    byName: z.string(),
    at: z.number(),
    status: OutboxStatus,
  })
  .openapi('OutboxMessage');
export type OutboxEntry = z.infer<typeof OutboxMessageSchema>;
