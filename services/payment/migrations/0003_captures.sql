-- Captures per invoice (DOMAIN 9): a payment is captured in parts, each
-- part once per request id (a retried capture answers as the first did,
-- declined ones too). captured_minor is what a payment has taken, so that
-- open on-account credit counts what a released payment kept.
ALTER TABLE payments ADD COLUMN IF NOT EXISTS captured_minor bigint NOT NULL DEFAULT 0;
UPDATE payments SET captured_minor = amount_minor WHERE status = 'PAYMENT_STATUS_CAPTURED';

CREATE TABLE IF NOT EXISTS captures (
  request_id text PRIMARY KEY,
  payment_id uuid NOT NULL REFERENCES payments (payment_id),
  amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
  declined boolean NOT NULL,
  response bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS captures_payment ON captures (payment_id);
