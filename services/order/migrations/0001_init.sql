-- Call centers, users and customers: master data, body in proto JSON.
CREATE TABLE call_centers (
  id text PRIMARY KEY,
  body jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id text PRIMARY KEY,
  body jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customers (
  id text PRIMARY KEY,
  body jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Search keys, lower-cased, each with a prefix index.
  name_key text GENERATED ALWAYS AS (lower(body->>'name')) STORED,
  phone_key text GENERATED ALWAYS AS (lower(body->>'phone')) STORED,
  email_key text GENERATED ALWAYS AS (lower(body->>'email')) STORED,
  postal_key text GENERATED ALWAYS AS (lower(body->'billing_address'->>'postal_code')) STORED,
  id_key text GENERATED ALWAYS AS (lower(id)) STORED
);
CREATE INDEX customers_name_key ON customers (name_key text_pattern_ops);
CREATE INDEX customers_phone_key ON customers (phone_key text_pattern_ops);
CREATE INDEX customers_email_key ON customers (email_key text_pattern_ops);
CREATE INDEX customers_postal_key ON customers (postal_key text_pattern_ops);
CREATE INDEX customers_id_key ON customers (id_key text_pattern_ops);

-- Sales orders: the record of truth. The body is the whole order document;
-- the columns are what is searched and locked.
CREATE TABLE orders (
  order_id uuid PRIMARY KEY,
  call_center_id text NOT NULL,
  customer_id text NOT NULL,
  status text NOT NULL,
  version bigint NOT NULL,
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_created ON orders (customer_id, created_at DESC, order_id);

-- Append-only event log (who, when, what).
CREATE TABLE order_events (
  order_id uuid NOT NULL REFERENCES orders (order_id),
  seq integer NOT NULL,
  at timestamptz NOT NULL,
  user_id text NOT NULL,
  kind text NOT NULL,
  detail text NOT NULL,
  PRIMARY KEY (order_id, seq)
);

-- Idempotency records, written in the same transaction as the change.
CREATE TABLE idempotency (
  method text NOT NULL,
  request_id text NOT NULL,
  fingerprint text NOT NULL,
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (method, request_id)
);
