-- An installment run is a saga too (DOMAIN 11): an order's due installments
-- captured at the payment service (each once per key), then shown on the
-- order; recovery shows what a stopped run captured. NOT VALID as before:
-- only new rows are checked.
ALTER TABLE sagas DROP CONSTRAINT IF EXISTS sagas_kind_known;
ALTER TABLE sagas ADD CONSTRAINT sagas_kind_known
  CHECK (kind IN ('submit', 'cancel', 'shipment', 'refund', 'installments')) NOT VALID;
