-- Every certificate our CAs issued (service and subscriber), the revocations, the CRLs, and the
-- time-stamp serial. Revocation is one-way: a revoked row never changes again.

CREATE TABLE issued_certificates (
    serial bytea PRIMARY KEY,
    issuer text NOT NULL CHECK (issuer IN ('root', 'issuing')),
    subject text NOT NULL,
    der bytea NOT NULL,
    fingerprint text NOT NULL UNIQUE,
    not_before timestamptz NOT NULL,
    not_after timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL,
    revoked_at timestamptz,
    revocation_reason smallint CHECK (revocation_reason BETWEEN 0 AND 10 AND revocation_reason <> 7),
    CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);
CREATE INDEX issued_certificates_revoked ON issued_certificates (issuer, revoked_at)
    WHERE revoked_at IS NOT NULL;

CREATE FUNCTION issued_certificates_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'issued certificates are kept for ever';
    END IF;
    IF OLD.revoked_at IS NOT NULL THEN
        RAISE EXCEPTION 'a revoked certificate cannot change';
    END IF;
    IF NEW.serial <> OLD.serial OR NEW.der <> OLD.der OR NEW.issuer <> OLD.issuer THEN
        RAISE EXCEPTION 'only the revocation of an issued certificate can be recorded';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER issued_certificates_guard BEFORE UPDATE OR DELETE ON issued_certificates
    FOR EACH ROW EXECUTE FUNCTION issued_certificates_guard();

CREATE TABLE crls (
    ca text NOT NULL CHECK (ca IN ('root', 'issuing')),
    number bigint NOT NULL CHECK (number > 0),
    this_update timestamptz NOT NULL,
    next_update timestamptz NOT NULL,
    der bytea NOT NULL,
    PRIMARY KEY (ca, number)
);

CREATE SEQUENCE tsa_serial AS bigint;

GRANT SELECT, INSERT, UPDATE ON issued_certificates TO cloudseal_runtime;
GRANT SELECT, INSERT ON crls TO cloudseal_runtime;
GRANT USAGE ON SEQUENCE tsa_serial TO cloudseal_runtime;
