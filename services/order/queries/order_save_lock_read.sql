SELECT o.doc, i.request_id IS NOT NULL AS replayed, i.fingerprint, i.response_doc,
  o.history_hash,
  CASE WHEN $4 <> '' THEN
concat_ws('/',
COALESCE((SELECT xu.xmin::text FROM users xu WHERE xu.id = $5), '-'),
COALESCE((SELECT xc.xmin::text FROM call_centers xc WHERE xc.id = o.call_center_id), '-'),
COALESCE((SELECT xk.xmin::text FROM customers xk WHERE xk.id = o.customer_id), '-')) END
  AS master_data_token
FROM orders o LEFT JOIN idempotency i ON i.method = $2 AND i.request_id = $3
WHERE o.order_id = $1::uuid FOR UPDATE OF o
