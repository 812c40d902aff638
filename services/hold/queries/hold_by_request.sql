SELECT hold_id::text, order_id, hold_code, note, open, placed_by,
extract(epoch from placed_at)::float8, cleared_by, cleared_reason,
coalesce(extract(epoch from cleared_at), 0)::float8 FROM order_holds WHERE request_id = $1
