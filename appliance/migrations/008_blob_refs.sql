-- Which blobs each space's records point at, for every space this box holds: the ones it
-- hosts and the ones it only carries (whose records are never materialised). Sync asks it
-- which blobs to fetch and which it may hand out. A record points at a blob by its
-- fields "sha256" and "size"; the reference and the tombstone are merged last writer wins.
CREATE TABLE blob_refs (
  space    TEXT NOT NULL,
  coll     TEXT NOT NULL,
  id       TEXT NOT NULL,
  sha256   TEXT NOT NULL,
  size     INTEGER NOT NULL,
  ref_hlc  TEXT NOT NULL,
  ref_author TEXT NOT NULL,
  deleted  INTEGER NOT NULL DEFAULT 0,
  del_hlc  TEXT NOT NULL DEFAULT '',
  del_author TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (space, coll, id)
) WITHOUT ROWID;
CREATE INDEX blob_refs_by_sha ON blob_refs (sha256);

-- Files already materialised before this migration.
INSERT INTO blob_refs (space, coll, id, sha256, size, ref_hlc, ref_author, deleted, del_hlc, del_author)
SELECT r.space, r.coll, r.id, json_extract(r.data, '$.sha256'), json_extract(r.data, '$.size'),
       c.hlc, c.author, r.deleted, coalesce(d.hlc, ''), coalesce(d.author, '')
FROM records r
JOIN record_clocks c ON c.space = r.space AND c.coll = r.coll AND c.id = r.id AND c.field = 'sha256'
LEFT JOIN record_clocks d ON d.space = r.space AND d.coll = r.coll AND d.id = r.id AND d.field = '$deleted'
WHERE json_type(r.data, '$.sha256') = 'text' AND json_type(r.data, '$.size') = 'integer';
