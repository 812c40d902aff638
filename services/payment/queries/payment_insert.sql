-- The insert is also the retry check: nothing is inserted (no row back)
-- when the request id has a payment already.
INSERT INTO payments (payment_id, request_id, order_id, customer_id,
method, currency, amount_minor, status, body)
VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
ON CONFLICT (request_id) DO NOTHING RETURNING 1
