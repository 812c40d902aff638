UPDATE payments SET status = $2, body = $3::jsonb, captured_minor = $4, updated_at = now()
WHERE payment_id = $1::uuid
