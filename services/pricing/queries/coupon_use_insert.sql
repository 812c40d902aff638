INSERT INTO coupon_uses (order_id, coupon_code, customer_id) VALUES ($1, $2, $3)
ON CONFLICT (order_id, coupon_code) DO NOTHING
