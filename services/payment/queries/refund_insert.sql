INSERT INTO refunds (request_id, payment_id, customer_id, method, amount_minor, currency,
                     reference, response)
VALUES ($1, $2::uuid, $3, $4, $5, $6, $7, $8)
