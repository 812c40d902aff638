INSERT INTO sagas (saga_id, order_id, request_id, state, step, kind)
VALUES ($1::uuid, $2, $3, 'RUNNING', 'STARTED', $4)
ON CONFLICT (order_id, request_id) DO UPDATE SET updated_at = now(), state = 'RUNNING',
step = 'STARTED'
RETURNING saga_id::text, step, kind
