-- The order notifications were queued in, independent of the clock (a test's manual clock
-- gives equal times) and of later updates (a delivered row gets a new xmin).
ALTER TABLE notifications ADD COLUMN seq bigserial;
CREATE INDEX notifications_recipient_order ON notifications (recipient, seq DESC);
GRANT USAGE ON SEQUENCE notifications_seq_seq TO cloudseal_runtime;
