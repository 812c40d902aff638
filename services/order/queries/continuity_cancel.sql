UPDATE continuity_events e SET cancelled = true FROM continuity_schedules s
WHERE e.schedule_id = s.schedule_id AND s.parent_order_id = $1::uuid
AND e.child_order_id IS NULL AND NOT e.cancelled
