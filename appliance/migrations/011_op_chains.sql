-- Operation format 2: each operation's signature covers the digest of the one before it in
-- its stream (space, author, kind), so a run of operations is proved by the signature of
-- its last one. `digest` is SHA-256 of the operation's signed bytes (ops/codec.ts); `sig`
-- is empty for an operation that arrived inside a run and is proved by a later one.
-- Format-1 operations (development versions before 2026-11-22) have no digest: the op
-- log refuses such a data directory with a plain message (ops/log.ts).
ALTER TABLE ops ADD COLUMN digest BLOB;
