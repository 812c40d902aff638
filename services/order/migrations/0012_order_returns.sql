-- Returns (RMAs, DOMAIN 10), kept with their order: written in the order's
-- save transaction. The record is the front door's (opaque here); `open`
-- is what the purge asks (an order with an open return is kept).
CREATE TABLE IF NOT EXISTS order_returns (
  return_id uuid PRIMARY KEY,
  order_id uuid NOT NULL,
  record bytea NOT NULL,
  open boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS order_returns_by_order ON order_returns (order_id, created_at);
