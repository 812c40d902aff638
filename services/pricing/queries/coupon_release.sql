DELETE FROM coupon_uses WHERE order_id = $1 RETURNING coupon_code
