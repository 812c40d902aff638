INSERT INTO hold_events (hold_id, user_id, action, detail)
VALUES ($1::uuid, $2, $3, $4)
