-- Cancellations are sagas too (the order saved CANCELED, then its
-- authorisations voided): each saga says what it is, so recovery finishes
-- it accordingly. Existing rows are submits.
ALTER TABLE sagas ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'submit';
