UPDATE sagas SET step = 'DONE', state = 'DONE', updated_at = now()
WHERE saga_id = ANY($1::uuid[]) AND state NOT IN ('DONE', 'COMPENSATED')
