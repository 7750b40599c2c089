-- 001: the first schema of an appliance.
-- Local state (site, accounts, sessions, spaces hosted, roles) is the box's own and is
-- never replicated. Everything users make lives in the op log (ops) and in the tables
-- materialised from it; both are written in one transaction.

CREATE TABLE site (
  one          INTEGER PRIMARY KEY CHECK (one = 1),
  site_id      TEXT NOT NULL,
  private_key  BLOB NOT NULL,
  name         TEXT,
  created_at   INTEGER NOT NULL,
  setup_at     INTEGER
);

CREATE TABLE accounts (
  id            TEXT PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name  TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  box_admin     INTEGER NOT NULL DEFAULT 0,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash  TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  csrf_token  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_by_account ON sessions(account_id);

CREATE TABLE spaces (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('commons', 'association')),
  quota_bytes  INTEGER NOT NULL,
  created_at   INTEGER NOT NULL
);

CREATE TABLE space_roles (
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  space_id    TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
  role        TEXT NOT NULL CHECK (role IN ('admin', 'member', 'guest')),
  PRIMARY KEY (account_id, space_id)
) WITHOUT ROWID;

-- The op log. rowid is the local arrival order. Each author numbers its operations per
-- space and per kind (a "stream"), so a metered link can send messages before documents
-- and still keep every stream contiguous: (space, author, kind, seq) is the identity.
CREATE TABLE ops (
  rowid   INTEGER PRIMARY KEY,
  space   TEXT NOT NULL,
  author  TEXT NOT NULL,
  seq     INTEGER NOT NULL,
  hlc     TEXT NOT NULL,
  kind    TEXT NOT NULL,
  body    BLOB NOT NULL,
  sig     BLOB NOT NULL,
  UNIQUE (space, author, kind, seq)
);
CREATE INDEX ops_by_hlc ON ops(hlc);

-- Records (members, dues, ledger, agenda, files, documents' titles, articles…):
-- last writer wins per field, by (hlc, author). A delete is the field "$deleted".
CREATE TABLE records (
  space       TEXT NOT NULL,
  coll        TEXT NOT NULL,
  id          TEXT NOT NULL,
  data        TEXT NOT NULL,          -- JSON object of the winning values
  deleted     INTEGER NOT NULL DEFAULT 0,
  created_hlc TEXT NOT NULL,
  updated_hlc TEXT NOT NULL,
  PRIMARY KEY (space, coll, id)
) WITHOUT ROWID;
CREATE INDEX records_by_updated ON records(space, coll, updated_hlc);

CREATE TABLE record_clocks (
  space   TEXT NOT NULL,
  coll    TEXT NOT NULL,
  id      TEXT NOT NULL,
  field   TEXT NOT NULL,
  hlc     TEXT NOT NULL,
  author  TEXT NOT NULL,
  PRIMARY KEY (space, coll, id, field)
) WITHOUT ROWID;

-- Documents: the Yjs state and its Markdown text, plus one row per edit for history.
CREATE TABLE doc_states (
  space       TEXT NOT NULL,
  doc         TEXT NOT NULL,
  state       BLOB NOT NULL,
  text        TEXT NOT NULL,
  updated_hlc TEXT NOT NULL,
  PRIMARY KEY (space, doc)
) WITHOUT ROWID;

CREATE TABLE doc_versions (
  space     TEXT NOT NULL,
  doc       TEXT NOT NULL,
  op_rowid  INTEGER NOT NULL REFERENCES ops(rowid),
  hlc       TEXT NOT NULL,
  author    TEXT NOT NULL,
  by_name   TEXT NOT NULL,
  PRIMARY KEY (space, doc, op_rowid)
) WITHOUT ROWID;

-- Messages: append-only, shown in HLC order.
CREATE TABLE messages (
  space     TEXT NOT NULL,
  id        TEXT NOT NULL,
  thread    TEXT NOT NULL,
  hlc       TEXT NOT NULL,
  author    TEXT NOT NULL,
  by_name   TEXT NOT NULL,
  subject   TEXT,
  body      TEXT NOT NULL,
  from_space TEXT,
  PRIMARY KEY (space, id)
) WITHOUT ROWID;
CREATE INDEX messages_by_thread ON messages(space, thread, hlc);

-- Content-addressed blobs present on this box.
CREATE TABLE blobs (
  sha256      TEXT PRIMARY KEY,
  size        INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  last_used   INTEGER NOT NULL
) WITHOUT ROWID;

-- Full-text search of the commons' articles; accents folded (remove_diacritics 2).
CREATE VIRTUAL TABLE articles_fts USING fts5(
  id UNINDEXED, title, body, tags,
  tokenize = 'unicode61 remove_diacritics 2'
);
