-- Alerts: raised when a rule's condition holds for a site, cleared when it no longer does.
-- An alert is one row from raise to clear; at most one open alert per (site, rule).
CREATE TABLE alerts (
  id          TEXT PRIMARY KEY,
  site        TEXT NOT NULL REFERENCES sites (id),
  rule        TEXT NOT NULL,
  message     TEXT NOT NULL,             -- in French, for the volunteers
  value       REAL,                      -- the measured value that raised it, if any
  raised_at   INTEGER NOT NULL,
  cleared_at  INTEGER
);
CREATE UNIQUE INDEX alerts_open ON alerts (site, rule) WHERE cleared_at IS NULL;
CREATE INDEX alerts_by_time ON alerts (raised_at);

-- The latest facts known of each site (from presence, health and sync reports), on which
-- the rules are evaluated.
CREATE TABLE site_facts (
  site_key   TEXT PRIMARY KEY,
  facts      TEXT NOT NULL,              -- JSON, see relay/src/alerts.ts SiteFacts
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
