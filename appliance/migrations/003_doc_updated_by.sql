-- 003: who made the newest edit of a document, kept with its state, so listing a
-- space's documents needs no look-up in doc_versions per document.
ALTER TABLE doc_states ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';
UPDATE doc_states SET updated_by = coalesce((
  SELECT v.by_name FROM doc_versions v
  WHERE v.space = doc_states.space AND v.doc = doc_states.doc
  ORDER BY v.hlc DESC, v.author DESC LIMIT 1), '');
