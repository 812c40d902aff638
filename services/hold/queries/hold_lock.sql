SELECT hold_id::text, order_id, hold_code, note, open, placed_by,
extract(epoch from placed_at)::float8 AS placed_at_epoch, cleared_by, cleared_reason,
coalesce(extract(epoch from cleared_at), 0)::float8 AS cleared_at_epoch, call_center_id,
customer_id, checked_out_by, coalesce(extract(epoch from checked_out_at), 0)::float8 AS checked_out_at_epoch
FROM order_holds
WHERE hold_id = $1::uuid FOR UPDATE
