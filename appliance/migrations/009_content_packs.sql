-- Content packs (training material, videos) are files of the commons marked "bulk": their
-- blobs are fetched only by the sites a pack is pinned to, in the budget's bulk class.
ALTER TABLE blob_refs ADD COLUMN bulk INTEGER NOT NULL DEFAULT 0;

-- Blobs of the packs pinned to this box: fetched, and never evicted while pinned.
-- Local, derived from the pins and the packs' files; never replicated.
CREATE TABLE bulk_pins (
  space   TEXT NOT NULL,
  pack    TEXT NOT NULL,
  sha256  TEXT NOT NULL,
  PRIMARY KEY (space, pack, sha256)
) WITHOUT ROWID;
CREATE INDEX bulk_pins_by_sha ON bulk_pins (sha256);
