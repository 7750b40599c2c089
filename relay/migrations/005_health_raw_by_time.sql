-- Pruning (every minute) finds the raw samples past 7 days by time, across sites.
CREATE INDEX health_raw_by_time ON health_raw (at);
