UPDATE continuity_events SET child_order_id = $3::uuid
WHERE schedule_id = $1::uuid AND seq = $2
