-- An exchange order submitted while its return still awaits the goods goes
-- on hold code PENDING_RETURN (DOMAIN 10), cleared by the system when they
-- are received; it exists from the start.
INSERT INTO hold_codes (id, body) VALUES
  ('PENDING_RETURN', '{"hold_code": "PENDING_RETURN", "description": "Exchange waiting for the returned goods (automatic)", "active": true}')
ON CONFLICT (id) DO NOTHING;
