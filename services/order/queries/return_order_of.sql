-- The order a return belongs to.
SELECT order_id::text FROM order_returns WHERE return_id = $1::uuid
