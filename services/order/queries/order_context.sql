WITH o AS (
  SELECT doc, call_center_id, customer_id FROM orders
  WHERE order_id = NULLIF($1, '')::uuid
), u AS (
  SELECT body, call_center_id FROM users WHERE id = $2
), i AS (
  SELECT fingerprint, response_doc FROM idempotency
  WHERE method = $5 AND request_id = $6
)
SELECT (SELECT count(*) FROM o)::int AS orders_found, (SELECT doc FROM o) AS doc,
  (SELECT body::text FROM u) AS user_body,
  (SELECT body::text FROM call_centers WHERE id = COALESCE((SELECT call_center_id FROM o),
       NULLIF($3, ''), (SELECT call_center_id FROM u))) AS call_center_body,
  (SELECT body::text FROM customers WHERE id = COALESCE((SELECT customer_id FROM o), NULLIF($4, '')))
    AS customer_body,
  (SELECT count(*) FROM i)::int AS replays_found, (SELECT fingerprint FROM i) AS fingerprint,
  (SELECT response_doc FROM i) AS response_doc,
  COALESCE((SELECT call_center_id FROM o), NULLIF($3, ''), (SELECT call_center_id FROM u), '')
    AS call_center_id,
  COALESCE((SELECT customer_id FROM o), $4) AS customer_id,
  concat_ws('/',
    COALESCE((SELECT xu.xmin::text FROM users xu WHERE xu.id = $2), '-'),
    COALESCE((SELECT xc.xmin::text FROM call_centers xc WHERE xc.id = COALESCE((SELECT call_center_id FROM o), NULLIF($3, ''), (SELECT call_center_id FROM u), '')), '-'),
    COALESCE((SELECT xk.xmin::text FROM customers xk WHERE xk.id = COALESCE((SELECT customer_id FROM o), $4)), '-'))
    AS master_data_token
