SELECT e.hold_id::text, extract(epoch from e.at)::float8 AS at_epoch, e.user_id, e.action,
e.detail FROM hold_events e JOIN order_holds h USING (hold_id)
WHERE h.order_id = $1 ORDER BY e.at, e.hold_id
