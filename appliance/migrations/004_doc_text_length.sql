-- 004: the length of a document's text, kept beside its state. Listing a space's
-- documents asked length(text) of every row, which made SQLite read each text out of
-- its overflow pages and count its characters (most of the list's cost with 50
-- documents); now the merge stores it with the text, counted the same way (length()).
ALTER TABLE doc_states ADD COLUMN text_length INTEGER NOT NULL DEFAULT 0;
UPDATE doc_states SET text_length = length(text);
