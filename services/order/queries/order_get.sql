SELECT doc, body::text FROM orders WHERE order_id = $1::uuid
