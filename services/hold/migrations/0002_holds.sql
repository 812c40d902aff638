-- Holds of orders, their history, and fraud evaluations.
CREATE TABLE order_holds (
  hold_id uuid PRIMARY KEY,
  order_id text NOT NULL,
  request_id text NOT NULL UNIQUE,
  hold_code text NOT NULL,
  note text NOT NULL,
  open boolean NOT NULL DEFAULT true,
  placed_by text NOT NULL,
  placed_at timestamptz NOT NULL DEFAULT now(),
  cleared_by text NOT NULL DEFAULT '',
  cleared_reason text NOT NULL DEFAULT '',
  cleared_at timestamptz
);
CREATE INDEX order_holds_order ON order_holds (order_id, placed_at);
CREATE INDEX order_holds_open ON order_holds (order_id) WHERE open;

-- Append-only history of every hold: placed, cleared.
CREATE TABLE hold_events (
  hold_id uuid NOT NULL REFERENCES order_holds (hold_id),
  at timestamptz NOT NULL DEFAULT now(),
  user_id text NOT NULL,
  action text NOT NULL,
  detail text NOT NULL
);
CREATE INDEX hold_events_hold ON hold_events (hold_id, at);

CREATE TABLE fraud_evaluations (
  request_id text PRIMARY KEY,
  order_id text NOT NULL,
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fraud_evaluations_order ON fraud_evaluations (order_id);

-- Automatic fraud holds use FRAUD; it exists from the start.
INSERT INTO hold_codes (id, body) VALUES
  ('FRAUD', '{"hold_code": "FRAUD", "description": "Suspected fraud (automatic)", "active": true}')
ON CONFLICT (id) DO NOTHING;

-- Replicas rebuild their fraud index when rules or data change.
CREATE FUNCTION notify_fraud_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('fraud_changed', '');
  RETURN NULL;
END $$;
CREATE TRIGGER fraud_rules_changed AFTER INSERT OR UPDATE OR DELETE ON fraud_rules
  FOR EACH STATEMENT EXECUTE FUNCTION notify_fraud_changed();
CREATE TRIGGER fraud_data_changed AFTER INSERT OR UPDATE OR DELETE ON fraud_data
  FOR EACH STATEMENT EXECUTE FUNCTION notify_fraud_changed();
