-- Subscriber and organisation signing keys in vault custody (DESIGN §3), and the signature
-- activations (SAD) that authorise their use. Only double-sealed keys are stored: a key row
-- holds the KEK-wrapped key sealed under the PIN; an authorisation row holds it sealed under
-- the SAD, of which only a hash is kept.

CREATE TABLE signing_keys (
    id uuid PRIMARY KEY,
    owner_id uuid NOT NULL,
    algorithm text NOT NULL CHECK (algorithm IN ('ecdsa_p256', 'rsa_2048', 'rsa_3072', 'ed25519')),
    public_key bytea NOT NULL,
    sealed_key bytea NOT NULL,
    kdf_memory_kib integer NOT NULL CHECK (kdf_memory_kib >= 8),
    kdf_iterations integer NOT NULL CHECK (kdf_iterations >= 1),
    -- Attempts counted before the PIN is tried (so parallel guesses cannot pass the limit).
    pin_failures integer NOT NULL DEFAULT 0 CHECK (pin_failures >= 0),
    lockouts integer NOT NULL DEFAULT 0 CHECK (lockouts >= 0),
    locked_until timestamptz,
    created_at timestamptz NOT NULL,
    pin_changed_at timestamptz NOT NULL
);
CREATE INDEX signing_keys_owner ON signing_keys (owner_id);

CREATE TABLE key_authorisations (
    id uuid PRIMARY KEY,
    key_id uuid NOT NULL REFERENCES signing_keys (id),
    owner_id uuid NOT NULL,
    sad_hash bytea NOT NULL CHECK (length(sad_hash) = 32),
    -- Emptied when the authorisation closes: nothing that could sign outlives it.
    sealed_key bytea NOT NULL,
    -- SCAL2: the only digests it may sign; NULL when it is not bound to hashes.
    hashes bytea[],
    remaining integer NOT NULL CHECK (remaining >= 0),
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    closed_at timestamptz,
    CHECK (closed_at IS NULL OR length(sealed_key) = 0)
);
CREATE INDEX key_authorisations_key ON key_authorisations (key_id);
CREATE INDEX key_authorisations_open ON key_authorisations (expires_at) WHERE closed_at IS NULL;

GRANT SELECT, INSERT, UPDATE ON signing_keys TO cloudseal_runtime;
GRANT SELECT, INSERT, UPDATE ON key_authorisations TO cloudseal_runtime;
