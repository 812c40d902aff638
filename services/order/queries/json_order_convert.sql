UPDATE orders SET doc = $2, body = NULL, total_minor = $3, currency = $4, history_hash = $5
WHERE order_id = $1::uuid
