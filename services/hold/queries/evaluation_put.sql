INSERT INTO fraud_evaluations (request_id, order_id, response)
VALUES ($1, $2, $3::jsonb) ON CONFLICT (request_id) DO NOTHING RETURNING 1
