-- Signatures made in custody: each one's credential (certificate), the authorisation it spent,
-- the hash the holder authorised and the signature itself (raw, or a detached CMS SignedData).
CREATE TABLE signatures (
    id uuid PRIMARY KEY,
    owner_id uuid NOT NULL REFERENCES accounts (id),
    certificate_id uuid NOT NULL REFERENCES certificates (id),
    authorisation_id uuid NOT NULL REFERENCES key_authorisations (id),
    format text NOT NULL CHECK (format IN ('cms', 'raw')),
    hash_algorithm text NOT NULL CHECK (hash_algorithm IN ('sha256', 'sha384', 'sha512')),
    hash bytea NOT NULL CHECK (length(hash) IN (32, 48, 64)),
    signature bytea NOT NULL,
    label text,
    created_at timestamptz NOT NULL
);
CREATE INDEX signatures_owner ON signatures (owner_id, created_at DESC, id);

-- The operator's sign-off of an identification: the canonical statement of what they saw and
-- their CMS signature over it, made with their own cloudseal certificate.
CREATE TABLE identifications (
    application_id uuid PRIMARY KEY REFERENCES applications (id),
    operator_id uuid REFERENCES accounts (id),
    -- An officer enrolled by an administrator at bootstrap has no operator signature.
    signature_id uuid REFERENCES signatures (id),
    enrolled_by uuid REFERENCES accounts (id),
    originals text[] NOT NULL,
    statement bytea NOT NULL,
    identified_at timestamptz NOT NULL,
    CHECK ((signature_id IS NOT NULL AND operator_id IS NOT NULL) OR enrolled_by IS NOT NULL)
);

GRANT SELECT, INSERT ON signatures, identifications TO cloudseal_runtime;
