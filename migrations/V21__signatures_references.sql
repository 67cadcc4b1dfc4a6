-- Signatures are stored a request at a time (up to 1 000 rows in one INSERT), all naming the
-- same holder, certificate and authorisation. Their foreign keys to those three were checked
-- row by row: 300 look-ups for a batch of 100, about 9 µs of the database's CPU per signature,
-- half of what storing one costs. The same rule is now checked once per statement over the
-- distinct rows it names, taking the same KEY SHARE locks a foreign key takes, so a concurrent
-- delete waits for the insert and then sees its rows; deleting a row that a signature names is
-- refused as before. document_id keeps its foreign key (it differs from row to row and is
-- empty for hashes). Ids are never changed, so updates of the referenced keys are not watched.
ALTER TABLE signatures
    DROP CONSTRAINT signatures_owner_id_fkey,
    DROP CONSTRAINT signatures_certificate_id_fkey,
    DROP CONSTRAINT signatures_authorisation_id_fkey;

CREATE FUNCTION signatures_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    named bigint;
    held bigint;
BEGIN
    SELECT count(DISTINCT owner_id) INTO named FROM written;
    SELECT count(*) INTO held FROM (
        SELECT 1 FROM accounts WHERE id IN (SELECT owner_id FROM written) FOR KEY SHARE
    ) t;
    IF held < named THEN
        RAISE EXCEPTION 'a signature names an account that does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT count(DISTINCT certificate_id) INTO named FROM written;
    SELECT count(*) INTO held FROM (
        SELECT 1 FROM certificates WHERE id IN (SELECT certificate_id FROM written) FOR KEY SHARE
    ) t;
    IF held < named THEN
        RAISE EXCEPTION 'a signature names a certificate that does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT count(DISTINCT authorisation_id) INTO named FROM written;
    SELECT count(*) INTO held FROM (
        SELECT 1 FROM key_authorisations WHERE id IN (SELECT authorisation_id FROM written)
        FOR KEY SHARE
    ) t;
    IF held < named THEN
        RAISE EXCEPTION 'a signature names an authorisation that does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER signatures_references_inserted AFTER INSERT ON signatures
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION signatures_check_references();
CREATE TRIGGER signatures_references_updated AFTER UPDATE ON signatures
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION signatures_check_references();

-- The other side: a row a signature names cannot be deleted. TG_ARGV[0] is the column of
-- signatures that names the table's rows.
CREATE FUNCTION signatures_keep_named() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    named boolean;
BEGIN
    EXECUTE format(
        'SELECT EXISTS (SELECT 1 FROM signatures s JOIN gone g ON s.%I = g.id)', TG_ARGV[0]
    ) INTO named;
    IF named THEN
        RAISE EXCEPTION 'a signature names a row of %', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER signatures_keep_accounts AFTER DELETE ON accounts
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION signatures_keep_named('owner_id');
CREATE TRIGGER signatures_keep_certificates AFTER DELETE ON certificates
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION signatures_keep_named('certificate_id');
CREATE TRIGGER signatures_keep_authorisations AFTER DELETE ON key_authorisations
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION signatures_keep_named('authorisation_id');
