SELECT order_id::text, doc FROM orders
WHERE order_id = ANY($1::uuid[])
