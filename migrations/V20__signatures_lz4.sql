-- Signatures are compressed with lz4 instead of pglz (issue 6). A CAdES signature with its
-- certificate chain is about 2 KB, just over the size at which PostgreSQL compresses a row, and
-- pglz took ~9 µs of the database's CPU per stored signature - 7 % of all CPU while batches of
-- 100 were signed, next to the HSM's own work. lz4 keeps the same size (1 408 bytes against
-- 1 406 on average) in a quarter of the time. Values stored before keep their pglz form and
-- stay readable. A server built without lz4 keeps pglz: nothing else depends on it.
DO $$
BEGIN
    ALTER TABLE signatures ALTER COLUMN signature SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'this PostgreSQL has no lz4: signatures stay compressed with pglz';
END
$$;
