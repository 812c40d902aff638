DELETE FROM idempotency WHERE ctid IN (SELECT ctid FROM idempotency
WHERE created_at < now() - $1::interval LIMIT $2)
