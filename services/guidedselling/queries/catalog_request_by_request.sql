SELECT catalog_request_id::text, customer_id, source_code, catalog_id, quantity,
requested_on::text FROM catalog_requests WHERE request_id = $1
