-- Checks every row against 0008's constraints (a scan that does not block
-- writes, unlike SET NOT NULL): a row 0008 could not convert fails here.
ALTER TABLE orders VALIDATE CONSTRAINT orders_doc_present;
ALTER TABLE idempotency VALIDATE CONSTRAINT idempotency_response_doc_present;
