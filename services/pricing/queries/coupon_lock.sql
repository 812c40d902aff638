SELECT body::text FROM coupons WHERE id = $1 FOR UPDATE
