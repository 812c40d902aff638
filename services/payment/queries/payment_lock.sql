SELECT body::text FROM payments WHERE payment_id = $1::uuid FOR UPDATE
