-- The MVD list of invalid Russian passports, replaced whole by each import
-- (`cloudseal registry import-passports`). A passport is one bigint, series × 10^6 + number,
-- so the index of the ~2 million entries stays small and a lookup is one index probe.
CREATE TABLE invalid_passports (
    passport bigint PRIMARY KEY CHECK (passport BETWEEN 0 AND 9999999999)
);

CREATE TABLE passport_list_imports (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    imported_at timestamptz NOT NULL,
    source text NOT NULL,
    rows_read bigint NOT NULL,
    rows_kept bigint NOT NULL
);

GRANT SELECT, INSERT, TRUNCATE ON invalid_passports TO cloudseal_runtime;
GRANT SELECT, INSERT ON passport_list_imports TO cloudseal_runtime;
