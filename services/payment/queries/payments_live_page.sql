-- Page tokens are "<microseconds since 1970>_<payment_id>" of the last row.
SELECT body::text, (extract(epoch FROM created_at) * 1000000)::bigint AS created_us, payment_id::text
FROM payments WHERE status IN ('PAYMENT_STATUS_AUTHORIZED', 'PAYMENT_STATUS_PENDING')
AND created_at <= now() - $1 * interval '1 microsecond'
AND created_at >= timestamptz 'epoch' + $2 * interval '1 microsecond'
AND (created_at, payment_id) >
(timestamptz 'epoch' + $2 * interval '1 microsecond', $3::uuid)
ORDER BY created_at, payment_id LIMIT $4
