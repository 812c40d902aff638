-- Payments of orders. Card numbers are never stored: only a token and the
-- last four digits.
CREATE TABLE payments (
  payment_id uuid PRIMARY KEY,
  request_id text NOT NULL UNIQUE,
  order_id text NOT NULL,
  customer_id text NOT NULL,
  method text NOT NULL,
  currency text NOT NULL,
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  status text NOT NULL,
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_order ON payments (order_id, created_at);

CREATE TABLE gift_cards (
  id text PRIMARY KEY,
  body jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
