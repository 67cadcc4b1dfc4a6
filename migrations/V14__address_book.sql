-- The exchange's address book (issue 7): a holder's contacts, counterparty relationships
-- (one invites by email, the other accepts), and whether the holder accepts sendings only from
-- counterparties.

CREATE TABLE contacts (
    id uuid PRIMARY KEY,
    owner_id uuid NOT NULL REFERENCES accounts (id),
    email text NOT NULL,
    name text NOT NULL,
    organisation text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX contacts_owner_email ON contacts (owner_id, lower(email));

-- invited -> accepted | declined; invited | accepted -> ended (by either side). The invitee
-- is whoever holds invitee_email when answering (registered then or later).
CREATE TABLE counterparties (
    id uuid PRIMARY KEY,
    inviter_id uuid NOT NULL REFERENCES accounts (id),
    invitee_email text NOT NULL,
    invitee_id uuid REFERENCES accounts (id),
    status text NOT NULL CHECK (status IN ('invited', 'accepted', 'declined', 'ended')),
    note text,
    created_at timestamptz NOT NULL,
    answered_at timestamptz,
    ended_at timestamptz
);
-- One live relationship per pair and direction.
CREATE UNIQUE INDEX counterparties_live
    ON counterparties (inviter_id, lower(invitee_email)) WHERE status IN ('invited', 'accepted');
CREATE INDEX counterparties_invitee ON counterparties (lower(invitee_email));
CREATE INDEX counterparties_invitee_id ON counterparties (invitee_id) WHERE invitee_id IS NOT NULL;

ALTER TABLE accounts ADD COLUMN accept_only_counterparties boolean NOT NULL DEFAULT false;

GRANT SELECT, INSERT, UPDATE, DELETE ON contacts TO cloudseal_runtime;
GRANT SELECT, INSERT, UPDATE ON counterparties TO cloudseal_runtime;
