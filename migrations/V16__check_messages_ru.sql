-- A check's message in Russian beside the English one, so that the cabinet shows the outcome
-- in the reader's language. Rows written before this migration have none and show English.
ALTER TABLE application_checks ADD COLUMN message_ru text;
