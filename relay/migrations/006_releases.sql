-- Releases the relay offers (their bytes are a blob of its hub, in the space "$releases"),
-- and what each site last said of its updates (JSON, from its presence).
CREATE TABLE releases (
  version       TEXT PRIMARY KEY,
  sha256        TEXT NOT NULL,
  size          INTEGER NOT NULL,
  published_at  INTEGER NOT NULL
) WITHOUT ROWID;

ALTER TABLE presence ADD COLUMN update_report TEXT;
