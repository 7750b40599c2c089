-- Samples stored, and acknowledged to their box, but not yet in health_raw. A box's batch
-- inserted straight into health_raw lands on its site's own leaf of the (site, time) index:
-- with a thousand boxes sending, every batch cost a page of WAL and a disk write. Here a
-- batch is appended (no index), and the ingest moves the inbox into health_raw every few
-- seconds in (site, time) order, so a site's leaf is written once for all its samples of
-- those seconds. Reads look in both tables.
CREATE TABLE health_inbox (
  site_key  TEXT NOT NULL,
  at        INTEGER NOT NULL,            -- ms
  vals      TEXT NOT NULL                -- JSON { name: number }
);
