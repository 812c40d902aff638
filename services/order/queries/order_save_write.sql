-- SaveOrder's write: order, events and the request's stored response in one
-- statement, applied only when the row still has the caller's version and
-- history fingerprint ($14; '' for rows written before there was one), so
-- the caller's copy of identity and history is the stored one; not a purged
-- order's summary (archived); a status the
-- change may leave ($13); and no stored response for the request. Most
-- saves are this statement alone; when it writes nothing, SaveOrder reads
-- the row (order_save_read.sql) to tell a retry, a conflict or a refusal apart, and
-- writes from the stored facts. A caller's master-data token ($15, with
-- the user $16) must also still hold.
WITH u AS (
  UPDATE orders
  SET status = $2, version = $3, doc = $4, total_minor = $5, currency = $6, updated_at = now(), history_hash = $12,
      submitted_on = NULLIF($17, '')::date, refunded_minor = $18
  WHERE order_id = $1::uuid AND version = $11 AND COALESCE(history_hash, '') = $14
    AND NOT archived
    AND status = ANY($13::text[])
    AND ($15 = '' OR concat_ws('/',
          COALESCE((SELECT xu.xmin::text FROM users xu WHERE xu.id = $16), '-'),
          COALESCE((SELECT xc.xmin::text FROM call_centers xc WHERE xc.id = orders.call_center_id), '-'),
          COALESCE((SELECT xk.xmin::text FROM customers xk WHERE xk.id = orders.customer_id), '-')) = $15)
    AND NOT EXISTS (SELECT 1 FROM idempotency WHERE method = $8 AND request_id = $9 AND $9 <> '')
  RETURNING 1
), e AS (
  INSERT INTO order_events (order_id, seq, at, user_id, kind, detail)
  SELECT $1::uuid, x.seq, now(), x.user_id, x.kind, x.detail
  FROM jsonb_to_recordset($7::jsonb) AS x(seq int, user_id text, kind text, detail text)
  WHERE EXISTS (SELECT 1 FROM u)
), i AS (
  INSERT INTO idempotency (method, request_id, fingerprint, response_doc)
  SELECT $8, $9, $10, $4
  WHERE $9 <> '' AND EXISTS (SELECT 1 FROM u)
)
SELECT count(*)::int AS written FROM u
