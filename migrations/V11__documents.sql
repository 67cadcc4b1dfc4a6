-- Holders' documents (issue 6): each file is stored in 1 MiB chunks sealed with AES-256-GCM
-- under a key of its own, kept only wrapped by the HSM KEK. A deleted document is hidden at
-- once and purged after the retention period: its chunks and wrapped key are erased (nothing
-- can open it any more) while the row stays, so signatures made over it still name it.
CREATE TABLE documents (
    id uuid PRIMARY KEY,
    owner_id uuid NOT NULL REFERENCES accounts (id),
    name text NOT NULL,
    media_type text NOT NULL,
    size bigint NOT NULL CHECK (size >= 0),
    sha256 bytea NOT NULL,
    wrapped_key bytea,
    chunks integer NOT NULL CHECK (chunks >= 0),
    created_at timestamptz NOT NULL,
    deleted_at timestamptz,
    purge_after timestamptz,
    purged_at timestamptz,
    CHECK ((deleted_at IS NULL) = (purge_after IS NULL))
);
CREATE INDEX documents_owner ON documents (owner_id, created_at DESC, id) WHERE deleted_at IS NULL;
CREATE INDEX documents_purge ON documents (purge_after) WHERE purged_at IS NULL AND purge_after IS NOT NULL;

CREATE TABLE document_chunks (
    document_id uuid NOT NULL REFERENCES documents (id),
    seq integer NOT NULL CHECK (seq >= 0),
    sealed bytea NOT NULL,
    PRIMARY KEY (document_id, seq)
);
-- Ciphertext does not compress: store it out of line without trying.
ALTER TABLE document_chunks ALTER COLUMN sealed SET STORAGE EXTERNAL;

-- A signature may be over a stored document; attached signatures carry it, CAdES-T ones a
-- time-stamp from our TSA.
ALTER TABLE signatures ADD COLUMN document_id uuid REFERENCES documents (id);
ALTER TABLE signatures ADD COLUMN level text NOT NULL DEFAULT 'bes' CHECK (level IN ('bes', 't'));
ALTER TABLE signatures DROP CONSTRAINT signatures_format_check;
ALTER TABLE signatures ADD CONSTRAINT signatures_format_check
    CHECK (format IN ('cms', 'attached', 'raw'));
CREATE INDEX signatures_document ON signatures (document_id) WHERE document_id IS NOT NULL;

GRANT SELECT, INSERT, UPDATE ON documents TO cloudseal_runtime;
GRANT SELECT, INSERT, DELETE ON document_chunks TO cloudseal_runtime;
