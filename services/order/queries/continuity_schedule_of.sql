SELECT 1 FROM continuity_schedules WHERE parent_order_id = $1::uuid LIMIT 1
