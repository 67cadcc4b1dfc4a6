-- Organisation seals and the machine credentials of folder agents (DESIGN §3).
--
-- A product is for a person's signature or for an organisation's seal. A seal certificate
-- names the organisation, not a person; its key stays in custody like any other.
ALTER TABLE products ADD COLUMN purpose text NOT NULL DEFAULT 'signature'
    CHECK (purpose IN ('signature', 'seal'));

-- A folder agent's machine credential: a client id and secret (SHA-256 of 256 random bits)
-- that a seal's holder issued for exactly one seal certificate. With it and the seal's PIN
-- the agent authorises that seal without a one-time code; nothing else of the holder's.
CREATE TABLE agent_clients (
    id uuid PRIMARY KEY,
    client_id text NOT NULL UNIQUE,
    secret_hash bytea NOT NULL CHECK (length(secret_hash) = 32),
    account_id uuid NOT NULL REFERENCES accounts (id),
    certificate_id uuid NOT NULL REFERENCES certificates (id),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at timestamptz NOT NULL,
    last_used_at timestamptz,
    disabled_at timestamptz
);
CREATE INDEX agent_clients_account ON agent_clients (account_id);

-- An agent's token rides on a session of the holder's account marked with the agent, so
-- the holder sees it among their sessions and disabling the agent ends it.
ALTER TABLE sessions ADD COLUMN agent uuid REFERENCES agent_clients (id);
ALTER TABLE sessions DROP CONSTRAINT sessions_kind_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_kind_check
    CHECK (kind IN ('api', 'web', 'agent') AND ((kind = 'agent') = (agent IS NOT NULL)));
CREATE INDEX sessions_agent ON sessions (agent) WHERE agent IS NOT NULL;

GRANT SELECT, INSERT, UPDATE ON agent_clients TO cloudseal_runtime;
