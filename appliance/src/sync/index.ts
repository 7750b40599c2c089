export { SyncSession, KIND_PRIORITY, type SessionOptions, type SessionResult, type SessionStage } from './session.js';
export { OpLogSyncStore, type SyncStore } from './store.js';
export { SyncService, type SyncServiceOptions, type SyncTransport, type PeerStatus } from './service.js';
export { FrameQueue, type FrameLink } from './link.js';
export { memoryLinkPair, type MemoryLinkPair, type MemoryLinkOptions } from './memory-link.js';
export { PROTOCOL, PROTOCOL_VERSION, encodeFrame, decodeFrame, FrameType, type Frame } from './wire/frames.js';
export { SyncError, SyncProtocolError, SyncRefusedError, SyncPeerError, SyncLinkError, SyncBusyError } from './errors.js';
export { StoreBlobs } from './blob-store.js';
export type { SyncBlobs, BlobWant } from './store.js';
