-- What a saga row may hold, as saga.h names it: its state, its step and
-- its kind. NOT VALID: rows written before stay as they are (recovery
-- settles them); every row written from now on is checked.
ALTER TABLE sagas ADD CONSTRAINT sagas_state_known
  CHECK (state IN ('RUNNING', 'DONE', 'COMPENSATED')) NOT VALID;
ALTER TABLE sagas ADD CONSTRAINT sagas_step_known
  CHECK (step IN ('STARTED', 'COUPONS_REDEEMED', 'FRAUD_EVALUATED', 'DONE', 'COMPENSATED'))
  NOT VALID;
ALTER TABLE sagas ADD CONSTRAINT sagas_kind_known CHECK (kind IN ('submit', 'cancel')) NOT VALID;
-- Never written: every saga's detail was the default.
ALTER TABLE sagas DROP COLUMN IF EXISTS detail;
