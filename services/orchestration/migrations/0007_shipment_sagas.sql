-- Recording a shipment is a saga too (DOMAIN 9): the shipment saved on its
-- order first, then its invoice's captures, then their record. NOT VALID
-- as before: only rows written from now on are checked.
ALTER TABLE sagas DROP CONSTRAINT IF EXISTS sagas_kind_known;
ALTER TABLE sagas ADD CONSTRAINT sagas_kind_known
  CHECK (kind IN ('submit', 'cancel', 'shipment')) NOT VALID;
ALTER TABLE sagas DROP CONSTRAINT IF EXISTS sagas_step_known;
ALTER TABLE sagas ADD CONSTRAINT sagas_step_known
  CHECK (step IN ('STARTED', 'COUPONS_REDEEMED', 'FRAUD_EVALUATED', 'SHIPMENT_SAVED',
                  'INVOICE_CAPTURED', 'DONE', 'COMPENSATED'))
  NOT VALID;
