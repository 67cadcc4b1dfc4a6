-- Verification protocols saved for the signed-in person who asked (issue 6). The protocol is
-- kept as the exact JSON that was sealed; anonymous verifications are not kept — their sealed
-- protocol is checked by its seal, not by a lookup.
CREATE TABLE verification_protocols (
    id uuid PRIMARY KEY,
    owner_id uuid NOT NULL REFERENCES accounts (id),
    verdict text NOT NULL CHECK (verdict IN ('passed', 'failed', 'indeterminate')),
    protocol text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX verification_protocols_owner ON verification_protocols (owner_id, created_at DESC, id);

GRANT SELECT, INSERT ON verification_protocols TO cloudseal_runtime;
