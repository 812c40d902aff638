-- An order's returns, oldest first.
SELECT return_id::text, record, open FROM order_returns
WHERE order_id = $1::uuid ORDER BY created_at, return_id
