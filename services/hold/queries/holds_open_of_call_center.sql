SELECT hold_id::text, order_id, hold_code, note, open, placed_by,
extract(epoch from placed_at)::float8 AS placed_at_epoch, cleared_by, cleared_reason,
coalesce(extract(epoch from cleared_at), 0)::float8 AS cleared_at_epoch, call_center_id,
customer_id, checked_out_by, coalesce(extract(epoch from checked_out_at), 0)::float8 AS checked_out_at_epoch,
(extract(epoch from placed_at) * 1000000)::int8 AS placed_at_micros
FROM order_holds
WHERE open AND call_center_id = $1 AND ($2 = '' OR hold_code = $2)
AND (placed_at, hold_id) > (timestamptz 'epoch' + $3::int8 * interval '1 microsecond', $4::uuid)
ORDER BY placed_at, hold_id LIMIT $5
