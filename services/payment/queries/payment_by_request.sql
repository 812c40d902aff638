SELECT body::text FROM payments WHERE request_id = $1
