-- The registration authority (DESIGN §4): the product catalogue, applications with their
-- process history and background checks, activation markers, and the certificates issued
-- to subscribers.

CREATE TABLE products (
    code text PRIMARY KEY CHECK (code ~ '^[a-z0-9-]{2,40}$'),
    kind text NOT NULL CHECK (kind IN ('qualified', 'simple')),
    track text NOT NULL CHECK (track IN ('cloud', 'own_key')),
    name_en text NOT NULL,
    name_ru text NOT NULL,
    price_minor bigint NOT NULL CHECK (price_minor >= 0),
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL
);

-- Numbers people read aloud on the phone: short, increasing, never reused.
CREATE SEQUENCE application_numbers START 100001;
CREATE SEQUENCE invoice_numbers START 500001;

CREATE TABLE applications (
    id uuid PRIMARY KEY,
    number bigint NOT NULL UNIQUE,
    invoice_number bigint NOT NULL UNIQUE,
    account_id uuid NOT NULL REFERENCES accounts (id),
    -- Filed by a partner organisation on its client's behalf.
    partner_id uuid REFERENCES partners (id),
    point_id uuid NOT NULL REFERENCES points_of_issue (id),
    product_code text NOT NULL REFERENCES products (code),
    applicant_kind text NOT NULL CHECK (applicant_kind IN ('individual', 'employee')),
    status text NOT NULL CHECK (status IN ('data_check', 'awaiting_payment', 'awaiting_request',
        'awaiting_identification', 'issuing', 'preparing_documents', 'awaiting_completion',
        'awaiting_scans', 'completed', 'rejected', 'cancelled')),
    -- The applicant's data as entered (person, identity document, organisation).
    applicant jsonb NOT NULL,
    -- Copies of applicant fields the operator desk filters on.
    owner_name text NOT NULL,
    snils text,
    inn text,
    organisation text,
    org_inn text,
    kpp text,
    price_minor bigint NOT NULL,
    currency text NOT NULL,
    paid_at timestamptz,
    payment_reference text,
    -- Own-key track: the subscriber's PKCS#10 request (DER).
    csr bytea,
    request_confirmed_at timestamptz,
    rejection_reason text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL)
);
CREATE INDEX applications_account ON applications (account_id);
CREATE INDEX applications_partner ON applications (partner_id) WHERE partner_id IS NOT NULL;
CREATE INDEX applications_point_status ON applications (point_id, status);
CREATE INDEX applications_created ON applications (created_at);
CREATE INDEX applications_snils ON applications (snils);
CREATE INDEX applications_inn ON applications (inn);
CREATE INDEX applications_org_inn ON applications (org_inn);

CREATE TABLE application_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id),
    at timestamptz NOT NULL,
    actor_kind text NOT NULL,
    actor_id uuid,
    from_status text,
    to_status text NOT NULL,
    note text
);
CREATE INDEX application_history_application ON application_history (application_id, id);

CREATE TABLE application_checks (
    application_id uuid NOT NULL REFERENCES applications (id),
    name text NOT NULL,
    status text NOT NULL CHECK (status IN ('passed', 'failed', 'not_applicable')),
    message text NOT NULL,
    checked_at timestamptz NOT NULL,
    PRIMARY KEY (application_id, name)
);

CREATE TABLE certificates (
    id uuid PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id),
    account_id uuid NOT NULL REFERENCES accounts (id),
    status text NOT NULL CHECK (status IN ('pending_activation', 'active', 'revoked')),
    -- Cloud track: the key in custody; own-key track: none (the holder keeps it).
    key_id uuid REFERENCES signing_keys (id),
    serial bytea,
    der bytea,
    not_before timestamptz,
    not_after timestamptz,
    -- A reissue names the certificate it supersedes.
    replaces uuid REFERENCES certificates (id),
    created_at timestamptz NOT NULL,
    activated_at timestamptz,
    revoked_at timestamptz,
    revocation_reason text,
    CHECK (status = 'pending_activation' OR der IS NOT NULL)
);
CREATE INDEX certificates_account ON certificates (account_id);
CREATE INDEX certificates_application ON certificates (application_id);
CREATE UNIQUE INDEX certificates_serial ON certificates (serial) WHERE serial IS NOT NULL;

-- The activation code sent by SMS once the applicant is identified: only its MAC is kept.
CREATE TABLE activation_markers (
    certificate_id uuid PRIMARY KEY REFERENCES certificates (id),
    marker_mac bytea NOT NULL,
    failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    sends integer NOT NULL DEFAULT 1 CHECK (sends >= 1),
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    used_at timestamptz
);

-- A second-factor confirmation of one operation (activation, revocation, signing).
ALTER TABLE challenges DROP CONSTRAINT challenges_purpose_check;
ALTER TABLE challenges ADD CONSTRAINT challenges_purpose_check CHECK (purpose IN (
    'confirm_email', 'confirm_phone', 'login', 'sms_login', 'password_reset',
    'change_email', 'change_phone', 'set_password', 'confirm'));

GRANT SELECT, INSERT, UPDATE ON products TO cloudseal_runtime;
GRANT USAGE ON SEQUENCE application_numbers, invoice_numbers TO cloudseal_runtime;
GRANT SELECT, INSERT, UPDATE ON applications, certificates, activation_markers TO cloudseal_runtime;
GRANT SELECT, INSERT ON application_history TO cloudseal_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE ON application_checks TO cloudseal_runtime;
