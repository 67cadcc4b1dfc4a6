-- The register extract of an employee's organisation, as the registry gateway returned it at
-- the last check, for the operator to review before identifying the applicant.
ALTER TABLE applications
    ADD COLUMN legal_entity_extract jsonb,
    ADD COLUMN legal_entity_extract_at timestamptz;
