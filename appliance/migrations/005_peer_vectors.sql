-- 005: what each other site holds, as far as this box knows: one version vector per
-- (peer, space), replaced as a whole each time we learn it (from the header of a bundle
-- that site exported; the sync session will keep it too). Exporting a bundle for a site
-- sends only what is past its vectors; a site with no row gets everything.
-- Local knowledge, never replicated.
CREATE TABLE peer_vectors (
  peer        TEXT NOT NULL,      -- the other site's id
  space       TEXT NOT NULL,
  vector      TEXT NOT NULL,      -- JSON { author: { kind: seq } }
  updated_at  INTEGER NOT NULL,   -- when this box learnt it (its clock, ms)
  PRIMARY KEY (peer, space)
) WITHOUT ROWID;
