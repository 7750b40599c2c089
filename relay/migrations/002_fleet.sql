-- The fleet: what the relay knows of each site's presence, and the commands volunteers
-- send (kept with their state and result, so "what happened" survives a restart).
CREATE TABLE presence (
  site_key   TEXT PRIMARY KEY,
  online     INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,          -- last time the site was connected (ms)
  version    TEXT
) WITHOUT ROWID;

CREATE TABLE commands (
  id          TEXT PRIMARY KEY,
  site        TEXT NOT NULL REFERENCES sites (id),
  action      TEXT NOT NULL,
  args        TEXT NOT NULL,            -- JSON object
  state       TEXT NOT NULL CHECK (state IN ('queued', 'done', 'failed')),
  created_at  INTEGER NOT NULL,
  done_at     INTEGER,
  result      TEXT                       -- JSON { ok, output?, error?, at }
);
CREATE INDEX commands_by_site ON commands (site, created_at);
