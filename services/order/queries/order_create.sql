-- A new order with its first events and the stored response of its
-- request, in one statement: nothing is written when the request_id was
-- already used (the caller then reads the stored response).
WITH i AS (
  INSERT INTO idempotency (method, request_id, fingerprint, response_doc)
  SELECT 'CreateOrder', $9, $10, $6
  WHERE $9 <> ''
  ON CONFLICT DO NOTHING
  RETURNING 1
), o AS (
  INSERT INTO orders (order_id, call_center_id, customer_id, status, version, doc, total_minor, currency, history_hash, submitted_on, refunded_minor)
  SELECT $1::uuid, $2, $3, $4, $5, $6, $7, $8, $12, NULLIF($13, '')::date, $14
  WHERE $9 = '' OR EXISTS (SELECT 1 FROM i)
  RETURNING 1
), e AS (
  INSERT INTO order_events (order_id, seq, at, user_id, kind, detail)
  SELECT $1::uuid, x.seq, now(), x.user_id, x.kind, x.detail
  FROM jsonb_to_recordset($11::jsonb) AS x(seq int, user_id text, kind text, detail text)
  WHERE EXISTS (SELECT 1 FROM o)
)
SELECT count(*)::int AS created FROM o
