SELECT body::text FROM coupons WHERE id = $1
