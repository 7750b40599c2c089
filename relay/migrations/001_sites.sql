-- The relay's registry of sites. A volunteer creates a site (name, spaces it will host);
-- the relay gives a one-time enrollment token, kept here only as a hash, which expires.
-- When the box enrolls with it, proving it holds its site key, the site key is recorded
-- and the box receives MQTT credentials (also kept only as a hash). A revoked site is
-- refused by the broker and the hub at once.
CREATE TABLE sites (
  id              TEXT PRIMARY KEY,        -- the relay's id for the site (also in the enrollment file)
  name            TEXT NOT NULL,
  spaces          TEXT NOT NULL,           -- JSON { space: "host" | "carry" }
  site_key        TEXT UNIQUE,             -- the box's site id (Ed25519 / libp2p peer id), once enrolled
  token_hash      TEXT,                    -- SHA-256 of the enrollment token, until used
  token_expires   INTEGER,
  secret_hash     TEXT,                    -- SHA-256 of the box's MQTT password
  created_at      INTEGER NOT NULL,
  enrolled_at     INTEGER,
  revoked_at      INTEGER
);
