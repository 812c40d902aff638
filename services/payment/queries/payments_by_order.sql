SELECT body::text FROM payments WHERE order_id = $1
ORDER BY created_at, payment_id
