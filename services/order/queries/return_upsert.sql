-- Creates or replaces one return of an order ($2), in its save.
INSERT INTO order_returns (return_id, order_id, record, open)
VALUES ($1::uuid, $2::uuid, $3, $4)
ON CONFLICT (return_id) DO UPDATE
SET record = EXCLUDED.record, open = EXCLUDED.open, updated_at = now()
WHERE order_returns.order_id = EXCLUDED.order_id
