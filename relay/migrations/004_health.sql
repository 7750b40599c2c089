-- Each site's health history: every sample for 7 days, hourly roll-ups for a year.
-- A sample is a set of named numbers (cpu.load1, temp.cpu, battery.pct, disk.free_pct…),
-- absent names being what the board does not have. Samples are keyed by (site, time), so
-- a batch uploaded twice (QoS 1 redelivery) is stored once.
CREATE TABLE health_raw (
  site_key  TEXT NOT NULL,
  at        INTEGER NOT NULL,            -- ms
  vals      TEXT NOT NULL,               -- JSON { name: number }
  PRIMARY KEY (site_key, at)
) WITHOUT ROWID;

CREATE TABLE health_hourly (
  site_key  TEXT NOT NULL,
  hour      INTEGER NOT NULL,            -- ms at the start of the hour (UTC)
  name      TEXT NOT NULL,
  min       REAL NOT NULL,
  max       REAL NOT NULL,
  sum       REAL NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (site_key, hour, name)
) WITHOUT ROWID;
