-- Each signature names the algorithm it was made with (issue 6). An RSA key signs with
-- RSASSA-PKCS1-v1_5 or RSASSA-PSS as the holder asks, and a raw signature carries no
-- algorithm identifier of its own, so the row keeps it: the OID of the signature algorithm
-- (for RSASSA-PSS: MGF1 with the signed hash's algorithm, salt as long as the hash).
-- Signatures made before keep NULL: every one of them used the key's only scheme then
-- (ECDSA, or RSASSA-PKCS1-v1_5 for RSA keys).
ALTER TABLE signatures ADD COLUMN signature_algorithm text
    CHECK (signature_algorithm ~ '^[0-9]+(\.[0-9]+)+$');
