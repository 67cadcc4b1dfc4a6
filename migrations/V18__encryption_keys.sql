-- Encryption keys in custody (DESIGN §3, issue 9): beside the key that signs, a holder may
-- keep an EC P-256 key-agreement key, so senders encrypt files to its certificate and only
-- the holder — through the vault, with the PIN — opens them. The key is sealed under the
-- same PIN as the credential's signature key, and wrong PINs count on that key's counter, so
-- a second key never doubles the guesses a PIN allows.
CREATE TABLE encryption_keys (
    id uuid PRIMARY KEY,
    -- The credential (signature or seal certificate) it belongs to; one each.
    certificate_id uuid NOT NULL UNIQUE REFERENCES certificates (id),
    account_id uuid NOT NULL REFERENCES accounts (id),
    -- The signature key whose PIN and attempt counter guard it.
    key_id uuid NOT NULL REFERENCES signing_keys (id),
    public_key bytea NOT NULL,
    sealed_key bytea NOT NULL,
    kdf_memory_kib integer NOT NULL CHECK (kdf_memory_kib >= 8),
    kdf_iterations integer NOT NULL CHECK (kdf_iterations >= 1),
    -- Its certificate (keyUsage keyAgreement), recorded in issued_certificates too.
    serial bytea NOT NULL UNIQUE,
    der bytea NOT NULL,
    not_after timestamptz NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX encryption_keys_account ON encryption_keys (account_id);
CREATE INDEX encryption_keys_key ON encryption_keys (key_id);

-- Keys are never deleted: a revoked credential still opens what was sent to it before.
GRANT SELECT, INSERT, UPDATE ON encryption_keys TO cloudseal_runtime;
