SELECT fingerprint, response_doc FROM idempotency
WHERE method = $1 AND request_id = $2
