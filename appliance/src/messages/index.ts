/** The messages room: threads within a space, and messages to other spaces (the outbox). */
export { messagesRoutes } from './routes.js';
export { Outbox } from './outbox.js';
export { Threads } from './threads.js';
export { messagingOf, type Messaging } from './service.js';
export { MAX_BODY, MAX_SUBJECT, type MessageView, type OutboxEntry, type OutboxStatus, type ThreadSummary } from './schemas.js';
