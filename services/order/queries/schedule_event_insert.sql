INSERT INTO continuity_events (schedule_id, seq, due_on) VALUES ($1::uuid, $2, $3::date)
