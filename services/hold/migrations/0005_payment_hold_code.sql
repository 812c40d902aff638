-- A declined capture puts its order on hold code PAYMENT (DOMAIN 9) until
-- an agent takes another payment and clears it; it exists from the start.
INSERT INTO hold_codes (id, body) VALUES
  ('PAYMENT', '{"hold_code": "PAYMENT", "description": "Payment declined at capture (automatic)", "active": true}')
ON CONFLICT (id) DO NOTHING;
