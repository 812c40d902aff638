UPDATE payments SET status = $2, body = $3::jsonb, captured_minor = $4,
  next_installment_due = NULLIF($5, '')::date, updated_at = now()
WHERE payment_id = $1::uuid
