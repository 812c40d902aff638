UPDATE sagas SET step = $2, state = CASE WHEN $2 IN ('DONE', 'COMPENSATED') THEN $2
ELSE 'RUNNING' END, updated_at = now() WHERE saga_id = $1::uuid
