-- The signed paper set as scans (one per document type, replaceable until the application is
-- completed), sealed with the identity data key: passports and signatures are personal data.
-- And, for simple certificates, the originals that must reach the CA by post within a month.
CREATE TABLE application_scans (
    application_id uuid NOT NULL REFERENCES applications (id),
    document text NOT NULL CHECK (document IN ('application_form', 'certificate_form', 'act',
        'identity_document', 'snils', 'authority')),
    media_type text NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size bigint NOT NULL CHECK (size > 0),
    sha256 bytea NOT NULL CHECK (length(sha256) = 32),
    sealed bytea NOT NULL,
    uploaded_at timestamptz NOT NULL,
    uploaded_by_kind text NOT NULL,
    uploaded_by uuid,
    PRIMARY KEY (application_id, document)
);

ALTER TABLE applications
    ADD COLUMN originals_due_at timestamptz,
    ADD COLUMN originals_received_at timestamptz,
    ADD COLUMN originals_reminded_at timestamptz;
CREATE INDEX applications_originals_due ON applications (originals_due_at)
    WHERE originals_due_at IS NOT NULL AND originals_received_at IS NULL;

GRANT SELECT, INSERT, UPDATE, DELETE ON application_scans TO cloudseal_runtime;
