-- A batch of a call center's finished orders (CANCELED, or SHIPPED)
-- created on or before a date ($2), optionally one customer's ($3), not
-- archived yet and with no open return; locked, skipping rows another
-- purge holds.
SELECT order_id::text, doc FROM orders
WHERE call_center_id = $1 AND NOT archived
  AND status IN ('ORDER_STATUS_CANCELED', 'ORDER_STATUS_SHIPPED')
  AND created_at < $2::date + 1
  AND ($3 = '' OR customer_id = $3)
  AND NOT EXISTS (SELECT 1 FROM order_returns r WHERE r.order_id = orders.order_id AND r.open)
ORDER BY created_at, order_id LIMIT $4
FOR UPDATE SKIP LOCKED
