SELECT fingerprint, response_doc, response::text FROM idempotency
WHERE method = $1 AND request_id = $2
