-- Foundation: the audit trail (DESIGN §5) and the notification outbox (DESIGN §6).

-- The group role the server's login role belongs to. Migrations run as the schema owner;
-- the server runs as a member of cloudseal_runtime and gets only the rights granted below.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudseal_runtime') THEN
    CREATE ROLE cloudseal_runtime NOLOGIN;
  END IF;
END $$;

GRANT USAGE ON SCHEMA public TO cloudseal_runtime;
GRANT SELECT ON schema_migrations TO cloudseal_runtime;

-- One row per security-relevant act, written in the same transaction as the act.
-- `txid` is the writing transaction's id: the sealer links entries in (txid, pos) order and
-- only below the oldest running transaction, so an entry that commits late can never be
-- skipped and the chain order never has to change once written.
CREATE TABLE audit_entries (
    pos         bigserial PRIMARY KEY,
    txid        xid8        NOT NULL DEFAULT pg_current_xact_id(),
    id          uuid        NOT NULL UNIQUE,
    occurred_at timestamptz NOT NULL,
    actor_kind  text        NOT NULL,
    actor_id    text,
    action      text        NOT NULL,
    object_type text,
    object_id   text,
    outcome     text        NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    request_id  text,
    client_ip   text,
    details     text        NOT NULL -- canonical JSON, hashed as stored
);
CREATE INDEX audit_entries_order ON audit_entries (txid, pos);
CREATE INDEX audit_entries_action ON audit_entries (action, occurred_at);
CREATE INDEX audit_entries_object ON audit_entries (object_type, object_id);

-- The hash chain: seq is dense from 1; hash = SHA-256(previous hash || canonical entry).
-- The primary key on seq keeps the chain linear whatever number of sealers race.
CREATE TABLE audit_chain (
    seq       bigint PRIMARY KEY CHECK (seq >= 1),
    entry_pos bigint NOT NULL UNIQUE REFERENCES audit_entries (pos),
    hash      bytea  NOT NULL CHECK (length(hash) = 32),
    sealed_at timestamptz NOT NULL DEFAULT now()
);

-- Checkpoints: the chain head at seq, signed in the HSM by the service seal key.
CREATE TABLE audit_checkpoints (
    seq             bigint PRIMARY KEY REFERENCES audit_chain (seq),
    head_hash       bytea       NOT NULL CHECK (length(head_hash) = 32),
    created_at      timestamptz NOT NULL,
    key_fingerprint text        NOT NULL,
    signature       bytea       NOT NULL
);

-- Append-only for everyone, the owner included (the runtime role lacks the grants anyway).
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit records are append-only (% on %)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

GRANT SELECT, INSERT ON audit_entries, audit_chain, audit_checkpoints TO cloudseal_runtime;
GRANT USAGE ON SEQUENCE audit_entries_pos_seq TO cloudseal_runtime;

-- Notification outbox: written in the caller's transaction, delivered by the worker.
CREATE TABLE notifications (
    id              uuid PRIMARY KEY,
    channel         text        NOT NULL CHECK (channel IN ('sms', 'email')),
    recipient       text        NOT NULL,
    subject         text,
    body            text        NOT NULL,
    purpose         text        NOT NULL,
    created_at      timestamptz NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
                                CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    provider        text,
    provider_ref    text,
    sent_at         timestamptz,
    last_error      text
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notifications_recipient ON notifications (recipient, created_at);

-- Every delivery attempt, kept for support and proof of notification.
CREATE TABLE notification_attempts (
    notification_id uuid        NOT NULL REFERENCES notifications (id),
    attempt         integer     NOT NULL,
    at              timestamptz NOT NULL,
    provider        text        NOT NULL,
    outcome         text        NOT NULL CHECK (outcome IN ('sent', 'transient', 'permanent')),
    detail          text,
    PRIMARY KEY (notification_id, attempt)
);

GRANT SELECT, INSERT, UPDATE ON notifications TO cloudseal_runtime;
GRANT SELECT, INSERT ON notification_attempts TO cloudseal_runtime;
