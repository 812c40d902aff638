SELECT saga_id::text, order_id, request_id, step, kind FROM sagas
WHERE state NOT IN ('DONE', 'COMPENSATED') AND updated_at < now() - $1::interval
ORDER BY updated_at LIMIT 20 FOR UPDATE SKIP LOCKED
