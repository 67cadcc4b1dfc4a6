-- Sendings (issue 7, DESIGN §4 Message): a holder's signed documents sent to people by email.
-- A draft holds what the sender has put together so far; a sent sending is a legal record:
-- per file the document's hash, the signature and its hash, the signer's certificate and the
-- verification report; per recipient the notification, delivery (link opened), verification and
-- acknowledgement or rejection. Attachments stay the sender's sealed documents (the database
-- holds no plaintext) and are not purged while a sent sending names them.

CREATE TABLE sendings (
    id uuid PRIMARY KEY,
    sender_id uuid NOT NULL REFERENCES accounts (id),
    state text NOT NULL CHECK (state IN ('draft', 'sent')),
    subject text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    sent_at timestamptz,
    -- A retried send with the same key answers with this sending (the request's hash must match).
    idempotency_key text,
    request_sha256 bytea,
    CHECK ((state = 'sent') = (sent_at IS NOT NULL)),
    CHECK ((idempotency_key IS NULL) = (request_sha256 IS NULL))
);
CREATE UNIQUE INDEX sendings_idempotency
    ON sendings (sender_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX sendings_sender ON sendings (sender_id, state, updated_at DESC, id);
CREATE INDEX sendings_sent_at ON sendings (sent_at) WHERE sent_at IS NOT NULL;

CREATE TABLE sending_files (
    sending_id uuid NOT NULL REFERENCES sendings (id) ON DELETE CASCADE,
    position integer NOT NULL CHECK (position >= 0),
    document_id uuid NOT NULL REFERENCES documents (id),
    name text NOT NULL,
    media_type text NOT NULL,
    size bigint NOT NULL,
    sha256 bytea NOT NULL,
    -- One of the sender's signatures made here, or a CMS file made elsewhere (kept below).
    signature_id uuid REFERENCES signatures (id),
    signature bytea,
    -- Set when sent: what the verification found.
    signature_sha256 bytea,
    signer_certificate bytea,
    signer_subject text,
    verdict text,
    report jsonb,
    verified_at timestamptz,
    PRIMARY KEY (sending_id, position)
);
CREATE INDEX sending_files_document ON sending_files (document_id);

CREATE TABLE sending_recipients (
    id uuid PRIMARY KEY,
    sending_id uuid NOT NULL REFERENCES sendings (id) ON DELETE CASCADE,
    position integer NOT NULL CHECK (position >= 0),
    email text NOT NULL,
    -- Known at sending when the address is registered, else when its holder opens the link.
    account_id uuid REFERENCES accounts (id),
    -- Only the hash of the emailed link is kept.
    link_sha256 bytea UNIQUE,
    link_expires_at timestamptz,
    notification_id uuid,
    notified_at timestamptz,
    delivered_at timestamptz,
    read_at timestamptz,
    verified_at timestamptz,
    acknowledged_at timestamptz,
    receipt bytea,
    receipt_certificate bytea,
    rejected_at timestamptz,
    rejection_reason text,
    CHECK (acknowledged_at IS NULL OR rejected_at IS NULL)
);
CREATE UNIQUE INDEX sending_recipients_email ON sending_recipients (sending_id, lower(email));
CREATE INDEX sending_recipients_received
    ON sending_recipients (account_id, delivered_at DESC) WHERE delivered_at IS NOT NULL;

GRANT SELECT, INSERT, UPDATE, DELETE ON sendings TO cloudseal_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE ON sending_files TO cloudseal_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE ON sending_recipients TO cloudseal_runtime;
