-- The front door sweeps authorised payments oldest first (those no order
-- recorded are voided). Payments are written in time order, so a BRIN
-- index finds a page's range and costs an insert next to nothing.
CREATE INDEX IF NOT EXISTS payments_created_brin ON payments USING brin (created_at);
