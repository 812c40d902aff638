-- The hold workbench (DOMAIN 11): open holds are listed per call center,
-- and one user at a time checks a hold out to work on it. Holds placed
-- before this release have no call center and stay off the workbench.
ALTER TABLE order_holds
  ADD COLUMN call_center_id text NOT NULL DEFAULT '',
  ADD COLUMN customer_id text NOT NULL DEFAULT '',
  ADD COLUMN checked_out_by text NOT NULL DEFAULT '',
  ADD COLUMN checked_out_at timestamptz;
CREATE INDEX order_holds_workbench ON order_holds (call_center_id, placed_at, hold_id) WHERE open;

-- A check of at least the call center's check_hold_threshold puts the
-- submitted order on hold code CHECK; it exists from the start.
INSERT INTO hold_codes (id, body) VALUES
  ('CHECK', '{"hold_code": "CHECK", "description": "Check payment above the threshold (automatic)", "active": true}')
ON CONFLICT (id) DO NOTHING;
