UPDATE idempotency SET response_doc = $3, response = NULL WHERE method = $1 AND request_id = $2
