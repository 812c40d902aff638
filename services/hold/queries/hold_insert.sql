INSERT INTO order_holds (hold_id, order_id, request_id, hold_code, note, placed_by,
call_center_id, customer_id)
VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (request_id) DO NOTHING
