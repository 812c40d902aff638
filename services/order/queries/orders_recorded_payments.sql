SELECT order_id::text, doc, body::text FROM orders
WHERE order_id = ANY($1::uuid[])
