-- A refund is a saga too (DOMAIN 10): the return saved with its refunds
-- planned, then each refund made at the payment service (once per key),
-- then recorded done. NOT VALID as before: only new rows are checked.
ALTER TABLE sagas DROP CONSTRAINT IF EXISTS sagas_kind_known;
ALTER TABLE sagas ADD CONSTRAINT sagas_kind_known
  CHECK (kind IN ('submit', 'cancel', 'shipment', 'refund')) NOT VALID;
