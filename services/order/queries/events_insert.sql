INSERT INTO order_events (order_id, seq, at, user_id, kind, detail)
SELECT $1::uuid, x.seq, now(), x.user_id, x.kind, x.detail
FROM jsonb_to_recordset($2::jsonb)
AS x(seq int, user_id text, kind text, detail text)
