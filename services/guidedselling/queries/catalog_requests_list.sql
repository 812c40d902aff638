SELECT catalog_request_id::text, customer_id, source_code, catalog_id, quantity,
requested_on::text FROM catalog_requests WHERE requested_on >= $1::date
AND (requested_on, catalog_request_id) > ($2::date, $3::uuid)
ORDER BY requested_on, catalog_request_id LIMIT $4
