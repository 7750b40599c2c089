export { OpLog, type OpLogOptions, type StoredOp, type VersionVector } from './log.js';
export { stateDigest, replayDigest } from './digest.js';
export { InvalidOperationError } from './errors.js';
export { decodePayload, encodePayload, signOperation, GENESIS, UNSIGNED, OP_FORMAT_VERSION } from './codec.js';
export { checkChains, type StoredDigest } from './chain.js';
export { DOC_TEXT } from './merge/documents.js';
export type { RecordObserver, StoredRecord } from './merge/records.js';
export { DELETED_FIELD, OP_KINDS, type Actor, type Operation, type OpKind, type PayloadOf } from './types.js';
