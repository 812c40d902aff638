UPDATE orders SET status = $2, version = $3, doc = $4,
total_minor = $5, currency = $6, updated_at = now(),
history_hash = $7, submitted_on = NULLIF($8, '')::date, refunded_minor = $9 WHERE order_id = $1::uuid
