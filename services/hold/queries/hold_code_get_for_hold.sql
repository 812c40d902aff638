SELECT body::text FROM hold_codes WHERE id = $1
