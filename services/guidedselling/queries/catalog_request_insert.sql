INSERT INTO catalog_requests (catalog_request_id, request_id, customer_id, source_code,
catalog_id, quantity, requested_on) VALUES ($1::uuid, $2, $3, $4, $5, $6, $7::date)
ON CONFLICT (request_id) DO NOTHING
