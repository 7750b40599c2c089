/**
 * aedes-persistence-level's storage, as the relay reads it where it takes over part of that
 * persistence (retained.ts, subscriptions.ts): version 9 keeps each record in LevelDB
 * under a key prefix, its value the record in msgpack, and matches MQTT 3.1.1 filters with
 * qlobber under these options. The tests of those modules compare their answers with the
 * persistence's own, so a change of this format fails there.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const msgpack = require('msgpack-lite') as { decode(b: Buffer): unknown };

/** Key prefixes: a retained message is `retained:` + its topic. */
export const RETAINED_PREFIX = 'retained:';
/** A subscription is `subscriptions:` + the client id (URI-encoded) + `:` + its filter. */
export const SUBSCRIPTIONS_PREFIX = 'subscriptions:';

/** MQTT 3.1.1 filters, as aedes and its persistence match them (qlobber's options). */
export const MATCHING = { wildcard_one: '+', wildcard_some: '#', separator: '/', match_empty_levels: true } as const;

/** A record as the persistence stored it. */
export const decodeRecord = <T>(value: Buffer): T => msgpack.decode(value) as T;
