-- Orders and stored responses as binary protobuf (`doc`): parsing JSON was
-- most of the order service's CPU. Rows written before keep their JSON
-- `body`, which is still read when `doc` is empty (expand; no contract).
ALTER TABLE orders ADD COLUMN doc bytea;
ALTER TABLE orders ALTER COLUMN body DROP NOT NULL;
ALTER TABLE idempotency ADD COLUMN response_doc bytea;
ALTER TABLE idempotency ALTER COLUMN response DROP NOT NULL;
-- Totals stay queryable for operations.
ALTER TABLE orders ADD COLUMN total_minor bigint;
ALTER TABLE orders ADD COLUMN currency text;
