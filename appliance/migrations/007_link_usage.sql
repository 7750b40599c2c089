-- 007: the metered link's budget. Settings per link, and the bytes counted on its socket
-- per billing month (in and out both cost money on a 3G key).
CREATE TABLE link_settings (
  link          TEXT PRIMARY KEY,      -- 'relay', or a peer id, or 'lan'
  metered       INTEGER NOT NULL,
  budget_bytes  INTEGER NOT NULL,      -- per billing month
  reset_day     INTEGER NOT NULL DEFAULT 1 CHECK (reset_day BETWEEN 1 AND 28)
);

CREATE TABLE link_usage (
  link       TEXT NOT NULL,
  month      TEXT NOT NULL,            -- billing month, 'YYYY-MM' of its first day
  bytes_in   INTEGER NOT NULL DEFAULT 0,
  bytes_out  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (link, month)
) WITHOUT ROWID;
