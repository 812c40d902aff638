-- A call center's submitted orders with units still to ship, created on or
-- before a date ($2, YYYY-MM-DD), after an order id ($3), in id order.
SELECT order_id::text FROM orders
WHERE call_center_id = $1
  AND status IN ('ORDER_STATUS_CONFIRMED', 'ORDER_STATUS_ON_HOLD', 'ORDER_STATUS_PARTIALLY_SHIPPED')
  AND created_at < $2::date + 1
  AND order_id > $3::uuid
ORDER BY order_id LIMIT $4
