-- Identity and access (DESIGN §2, §7): accounts of people and their factors, sessions with
-- rotating refresh tokens, one-time codes and links, attempt counters, partner organisations
-- and their API clients. Every secret is stored as a hash or MAC, or sealed under a data key
-- that the HSM KEK wraps; none is kept in clear.

-- Data keys: random AES keys wrapped by the HSM KEK, unwrapped into memory at start-up.
CREATE TABLE data_keys (
    purpose text PRIMARY KEY,
    wrapped bytea NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE points_of_issue (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    region text NOT NULL,
    address text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL
);

CREATE TABLE partners (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL
);

CREATE TABLE accounts (
    id uuid PRIMARY KEY,
    role text NOT NULL CHECK (role IN ('subscriber', 'partner_agent', 'operator', 'auditor', 'admin')),
    surname text NOT NULL,
    given_name text NOT NULL,
    patronymic text,
    email text NOT NULL,
    email_verified_at timestamptz,
    phone text NOT NULL,
    phone_verified_at timestamptz,
    country text,
    language text NOT NULL CHECK (language IN ('en', 'ru')),
    -- argon2id PHC string; NULL until a staff member sets it from the emailed link.
    password_hash text,
    -- The factor asked after the password: 'sms' or 'totp' (once confirmed).
    second_factor text NOT NULL DEFAULT 'sms' CHECK (second_factor IN ('sms', 'totp')),
    -- TOTP secret sealed under the identity data key; confirmed before it counts.
    totp_sealed bytea,
    totp_confirmed_at timestamptz,
    -- The last TOTP time step accepted: a code is good once.
    totp_last_step bigint,
    -- The subscriber chose to log in with phone + SMS code alone.
    sms_login boolean NOT NULL DEFAULT false,
    point_of_issue uuid REFERENCES points_of_issue (id),
    partner uuid REFERENCES partners (id),
    disabled_at timestamptz,
    created_at timestamptz NOT NULL,
    CHECK (role <> 'operator' OR point_of_issue IS NOT NULL),
    CHECK (role <> 'partner_agent' OR partner IS NOT NULL)
);
CREATE UNIQUE INDEX accounts_email ON accounts (lower(email));
CREATE UNIQUE INDEX accounts_phone ON accounts (phone);

CREATE TABLE recovery_codes (
    account uuid NOT NULL REFERENCES accounts (id),
    code_mac bytea NOT NULL,
    used_at timestamptz,
    PRIMARY KEY (account, code_mac)
);

-- One-time codes and links. `handle_hash` is SHA-256 of the random handle the client holds
-- (a link token, or the challenge id of a login in progress); `code_mac` is the HMAC of a short
-- code sent by SMS, or NULL when the handle alone proves possession (email links).
CREATE TABLE challenges (
    id uuid PRIMARY KEY,
    account uuid NOT NULL REFERENCES accounts (id),
    purpose text NOT NULL CHECK (purpose IN (
        'confirm_email', 'confirm_phone', 'login', 'sms_login', 'password_reset',
        'change_email', 'change_phone', 'set_password')),
    handle_hash bytea NOT NULL UNIQUE CHECK (length(handle_hash) = 32),
    code_mac bytea,
    -- The new address or number a change is for.
    target text,
    -- What a login in progress has already proved ('pwd').
    proved text[] NOT NULL DEFAULT '{}',
    failures integer NOT NULL DEFAULT 0,
    sends integer NOT NULL DEFAULT 1,
    last_sent_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    consumed_at timestamptz
);
CREATE INDEX challenges_account ON challenges (account, purpose);

-- Attempt counters for every secret a person types, per account (or login name) and per
-- client address. A lock lasts base × 2^(locks − 1), up to a day.
CREATE TABLE attempt_counters (
    scope text NOT NULL,
    subject text NOT NULL,
    failures integer NOT NULL DEFAULT 0,
    locks integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (scope, subject)
);

-- A session is one login on one device; its refresh tokens form a family.
CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    account uuid NOT NULL REFERENCES accounts (id),
    kind text NOT NULL CHECK (kind IN ('api', 'web')),
    amr text[] NOT NULL,
    user_agent text NOT NULL DEFAULT '',
    client_ip text NOT NULL DEFAULT '',
    -- Web sessions: SHA-256 of the cookie secret; the CSRF token is derived from it.
    cookie_hash bytea UNIQUE,
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    revoke_reason text
);
CREATE INDEX sessions_account ON sessions (account);

CREATE TABLE refresh_tokens (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    session uuid NOT NULL REFERENCES sessions (id),
    issued_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session);

CREATE TABLE api_clients (
    id uuid PRIMARY KEY,
    client_id text NOT NULL UNIQUE,
    partner uuid NOT NULL REFERENCES partners (id),
    name text NOT NULL,
    secret_hash bytea NOT NULL CHECK (length(secret_hash) = 32),
    -- The secret before the last rotation, accepted until `previous_until`.
    previous_secret_hash bytea,
    previous_until timestamptz,
    scopes text[] NOT NULL,
    requests_per_minute integer NOT NULL CHECK (requests_per_minute > 0),
    created_at timestamptz NOT NULL,
    disabled_at timestamptz
);

GRANT SELECT, INSERT ON data_keys TO cloudseal_runtime;
GRANT SELECT, INSERT, UPDATE ON points_of_issue, partners TO cloudseal_runtime;
GRANT SELECT, INSERT, UPDATE ON accounts, recovery_codes, challenges, sessions, refresh_tokens,
    api_clients TO cloudseal_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE ON attempt_counters, recovery_codes TO cloudseal_runtime;
