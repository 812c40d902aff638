UPDATE payments SET status = $2, body = $3::jsonb, updated_at = now()
WHERE payment_id = $1::uuid
