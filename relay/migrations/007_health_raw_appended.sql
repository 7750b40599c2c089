-- Raw samples in the order they arrive (a rowid table) rather than in (site, time) order:
-- with thousands of boxes reporting, each insert into a table ordered by (site, time) landed
-- on its own page of 300-byte rows, and the relay spent most of its ingest splitting and
-- rewriting pages (28 µs a sample against 11 µs appended; test/bench/relay.js). The key
-- (site, time) is now a unique index: a batch delivered twice is still stored once.
CREATE TABLE health_raw_appended (
  site_key  TEXT NOT NULL,
  at        INTEGER NOT NULL,            -- ms
  vals      TEXT NOT NULL                -- JSON { name: number }
);
INSERT INTO health_raw_appended (site_key, at, vals) SELECT site_key, at, vals FROM health_raw ORDER BY at;
DROP TABLE health_raw;
ALTER TABLE health_raw_appended RENAME TO health_raw;
CREATE UNIQUE INDEX health_raw_key ON health_raw (site_key, at);
-- Pruning (every minute) finds the raw samples past 7 days by time, across sites.
CREATE INDEX health_raw_by_time ON health_raw (at);
