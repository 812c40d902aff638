SELECT e.schedule_id::text, e.seq, s.body::text AS schedule, s.parent_order_id::text
FROM continuity_events e JOIN continuity_schedules s USING (schedule_id)
WHERE e.due_on <= $1::date AND e.child_order_id IS NULL AND NOT e.cancelled
ORDER BY e.due_on, e.schedule_id, e.seq FOR UPDATE OF e SKIP LOCKED
