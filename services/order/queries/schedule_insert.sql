INSERT INTO continuity_schedules (schedule_id, parent_order_id, body)
VALUES ($1::uuid, $2::uuid, $3::jsonb)
