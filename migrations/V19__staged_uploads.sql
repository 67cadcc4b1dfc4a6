-- Uploads in progress (issue 6). An upload used to hold one transaction for its whole stream;
-- that transaction's id held back the audit sealer, which links an entry only once every older
-- transaction of the cluster has ended. Now the row is committed first, marked as uploading,
-- each chunk is its own short transaction, and the last one records size and hash and clears
-- the mark. Until then the document is invisible to every query; a failed upload is removed
-- at once, an abandoned one (the process died) by the purger once it has shown no sign of life
-- for longer than any live upload could.
ALTER TABLE documents ADD COLUMN upload_alive_at timestamptz;
CREATE INDEX documents_uploading ON documents (upload_alive_at) WHERE upload_alive_at IS NOT NULL;

-- Only rows still uploading are deleted (store::documents::discard); a finished document is
-- kept for ever, and the foreign keys of signatures and sendings would refuse anyway.
GRANT DELETE ON documents TO cloudseal_runtime;
