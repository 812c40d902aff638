INSERT INTO captures (request_id, payment_id, amount_minor, declined, response)
VALUES ($1, $2::uuid, $3, $4, $5)
