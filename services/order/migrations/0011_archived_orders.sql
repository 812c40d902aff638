-- Purged orders (DOMAIN 9) keep a summary row: archived. The purge reads a
-- call center's finished orders not yet archived.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS archived boolean NOT NULL DEFAULT false;
CREATE INDEX IF NOT EXISTS orders_purgeable_by_call_center ON orders (call_center_id, created_at)
WHERE NOT archived AND status IN ('ORDER_STATUS_CANCELED', 'ORDER_STATUS_SHIPPED');
