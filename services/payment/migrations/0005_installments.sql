-- Installment billing (DOMAIN 11): payment schedules (master data, like
-- gift cards), and on each payment taken with one the date its next
-- installment falls due once the first was captured at submit (NULL
-- otherwise), so that a run finds the due ones without reading every
-- payment.
CREATE TABLE IF NOT EXISTS payment_schedules (
  id text PRIMARY KEY,
  body jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE payments ADD COLUMN IF NOT EXISTS next_installment_due date;
CREATE INDEX IF NOT EXISTS payments_next_installment_due ON payments (next_installment_due, payment_id)
WHERE next_installment_due IS NOT NULL;
