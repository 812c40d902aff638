DELETE FROM sagas WHERE ctid IN (SELECT ctid FROM sagas
WHERE created_at < now() - $1::interval AND state IN ('DONE', 'COMPENSATED') LIMIT $2)
