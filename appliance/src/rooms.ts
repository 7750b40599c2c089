/**
 * Every room of the workspace: its router, the upload routes that stream their bodies,
 * and the record observers that keep its derived tables (search index…) in step.
 * Adding a room is one line in each list.
 */
import type { Db } from './db/index.js';
import type { RecordObserver } from './ops/index.js';
import type { RoomRouter } from './http/index.js';
import { authRoutes } from './auth/index.js';
import { setupRoutes } from './setup/index.js';
import { spacesRoutes } from './spaces/index.js';
// room imports: documents
import { documentsRoutes } from './documents/index.js';
// room imports: files
import { filesRoutes, FILES_STREAMED_BODIES } from './files/index.js';
import { messagesRoutes } from './messages/index.js';
// room imports: messages
import { adminRoutes } from './admin/index.js';
// room imports: admin
// room imports: commons
import { ARTICLES, articleIndexer, commonsRoutes } from './commons/index.js';
// room imports: content
import { contentRoutes, CONTENT_STREAMED_BODIES, packPinObservers } from './content/index.js';
// room imports: bundle
// room imports: sync
import { syncRoutes } from './network/index.js';
import { bundleRoutes, BUNDLE_STREAMED_BODIES } from './bundle/index.js';
// room imports: update
import { updateRoutes, UPDATE_STREAMED_BODIES } from './update/index.js';
// room imports: health
import { healthRoutes } from './health/index.js';

export function roomRouters(): RoomRouter[] {
  return [
    setupRoutes(),
    authRoutes(),
    spacesRoutes(),
    // routers: documents
    documentsRoutes(),
    // routers: files
    filesRoutes(),
    messagesRoutes(),
    // routers: messages
    adminRoutes(),
    // routers: admin
    // routers: commons
    commonsRoutes(),
    // routers: content
    contentRoutes(),
    // routers: bundle
    // routers: sync
    syncRoutes(),
    bundleRoutes(),
    // routers: update
    updateRoutes(),
    // routers: health
    healthRoutes(),
  ];
}

/** Paths (under /api/v1) whose bodies are streamed and bounded by the room (uploads). */
export const streamedBodies: RegExp[] = [
  // streamed: files
  ...FILES_STREAMED_BODIES,
  // streamed: content
  ...CONTENT_STREAMED_BODIES,
  // streamed: bundle
  ...BUNDLE_STREAMED_BODIES,
  // streamed: update
  ...UPDATE_STREAMED_BODIES,
];

export function recordObservers(_db: Db, siteId: () => string): Map<string, RecordObserver[]> {
  const observers = new Map<string, RecordObserver[]>();
  const add = (coll: string, o: RecordObserver) => observers.set(coll, [...(observers.get(coll) ?? []), o]);
  void add;
  // observers: commons
  add(ARTICLES, articleIndexer(_db));
  // observers: content
  for (const [coll, o] of packPinObservers(_db, siteId)) add(coll, o);
  return observers;
}
