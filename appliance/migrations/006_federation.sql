-- 006: the federation this box belongs to. Its key is the one authority whose signed
-- grants say which site may hold and write which space; the grants themselves are
-- operations of the space "$federation", replicated like any other.
CREATE TABLE federation (
  one            INTEGER PRIMARY KEY CHECK (one = 1),
  federation_id  TEXT NOT NULL,
  joined_at      INTEGER NOT NULL
);
