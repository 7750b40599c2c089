-- The box's own health history (appliance/src/health/history.ts): raw samples for two
-- days, quarter-hour and hourly roll-ups for weeks, each level capped in rows, and how far
-- the relay has acknowledged the uploads. Local to this box; never replicated.

-- One row per sample. body: CBOR [values, up] (health/metrics.ts: integers in METRICS order).
CREATE TABLE health_samples (
  at    INTEGER PRIMARY KEY,        -- ms since the epoch, by the box's clock
  body  BLOB NOT NULL
);

-- Summaries of complete periods. body: CBOR array of per-metric aggregates.
CREATE TABLE health_rollups (
  level INTEGER NOT NULL,           -- 1: quarter-hour, 2: hour
  start INTEGER NOT NULL,           -- period start, ms since the epoch
  n     INTEGER NOT NULL,           -- samples summarised
  body  BLOB NOT NULL,
  PRIMARY KEY (level, start)
) WITHOUT ROWID;

-- One row. quarter_to / hour_to: periods before these are rolled up. sent_to: everything
-- before it was acknowledged by the relay; generation changes when a sample lands before
-- sent_to (the clock was set back), so an acknowledgement of an older batch is ignored.
CREATE TABLE health_state (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  quarter_to  INTEGER NOT NULL,
  hour_to     INTEGER NOT NULL,
  sent_to     INTEGER NOT NULL,
  generation  INTEGER NOT NULL
);
INSERT INTO health_state (id, quarter_to, hour_to, sent_to, generation) VALUES (1, 0, 0, 0, 0);
