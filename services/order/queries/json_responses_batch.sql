-- Stored responses still kept only as JSON (written before 0003), for
-- their conversion (migration 0008).
SELECT method, request_id, response::text FROM idempotency WHERE response_doc IS NULL
ORDER BY method, request_id LIMIT $1
