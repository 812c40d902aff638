SELECT doc, created_at::text, order_id::text FROM orders WHERE customer_id = $1
AND ($2 = '' OR (created_at, order_id) < ($2::timestamptz, $3::uuid))
AND ($5 = '' OR call_center_id = $5)
ORDER BY created_at DESC, order_id DESC LIMIT $4
