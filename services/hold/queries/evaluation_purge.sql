DELETE FROM fraud_evaluations WHERE ctid IN (SELECT ctid FROM fraud_evaluations
WHERE created_at < now() - $1::interval LIMIT $2)
