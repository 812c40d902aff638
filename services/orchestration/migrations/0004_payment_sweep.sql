-- How far the sweep of payment authorisations that no order recorded got:
-- the payment service's page token after the last payment checked. One
-- row, claimed FOR UPDATE SKIP LOCKED so one replica sweeps at a time.
CREATE TABLE IF NOT EXISTS payment_sweep (
  sweep_id integer PRIMARY KEY CHECK (sweep_id = 1),
  page_token text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO payment_sweep (sweep_id) VALUES (1) ON CONFLICT DO NOTHING;
