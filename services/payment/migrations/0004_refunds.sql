-- Refunds (DOMAIN 10): each once per request id (a retry answers as the
-- first did). method is how the money went back; ON_ACCOUNT rows are
-- credits on the customer's account, which the on-account check counts;
-- CHECK rows are refund checks to mail.
CREATE TABLE IF NOT EXISTS refunds (
  request_id text PRIMARY KEY,
  payment_id uuid NOT NULL REFERENCES payments (payment_id),
  customer_id text NOT NULL,
  method text NOT NULL,
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  currency text NOT NULL,
  reference text NOT NULL,
  response bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS refunds_on_account ON refunds (customer_id, currency)
WHERE method = 'PAYMENT_METHOD_ON_ACCOUNT';
