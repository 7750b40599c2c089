-- 004: delivery of messages sent to a space hosted at another site (the outbox).
-- The message itself is an operation in the op log, in the TARGET space; whether it has
-- reached a box that hosts that space is local knowledge, never replicated. Per-author
-- sequence numbers are contiguous and a replica's knowledge is a version vector, so the
-- sync layer marks delivery with one watermark per target space: every message this box
-- authored there with seq <= through_seq is held by a box that hosts the target.
CREATE TABLE outbox_delivery (
  space        TEXT NOT NULL,      -- the target space
  author       TEXT NOT NULL,      -- this site's id (kept so a watermark never applies to another key)
  through_seq  INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (space, author)
) WITHOUT ROWID;
