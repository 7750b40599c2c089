/** The content room: packs of the commons pinned to sites, fetched, served and evicted. */
export { contentRoutes, CONTENT_STREAMED_BODIES, CONTENT_CACHE_BYTES } from './routes.js';
export { ContentPacks, packPinObservers, evictContent, PACKS, PACK_PINS, type Pack, type PackDetail, type PackItem } from './packs.js';
