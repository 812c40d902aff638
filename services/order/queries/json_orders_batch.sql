-- Orders still kept only as JSON (written before 0003), for their
-- conversion (migration 0008).
SELECT order_id::text, body::text FROM orders WHERE doc IS NULL ORDER BY order_id LIMIT $1
