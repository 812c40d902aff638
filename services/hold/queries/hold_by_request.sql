SELECT hold_id::text, order_id, hold_code, note, open, placed_by,
extract(epoch from placed_at)::float8 AS placed_at_epoch, cleared_by, cleared_reason,
coalesce(extract(epoch from cleared_at), 0)::float8 AS cleared_at_epoch
FROM order_holds WHERE request_id = $1
