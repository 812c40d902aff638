-- Payments with an installment due on or before $1, after payment $2, by id.
SELECT payment_id::text AS payment_id, body::text AS body FROM payments
WHERE next_installment_due <= $1::date AND payment_id > $2::uuid
ORDER BY payment_id LIMIT $3
