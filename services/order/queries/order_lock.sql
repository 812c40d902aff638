SELECT doc FROM orders WHERE order_id = $1::uuid FOR UPDATE
