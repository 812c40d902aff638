SELECT 0 AS uses, count(*)::int AS customer_uses FROM coupon_uses
WHERE coupon_code = $1 AND customer_id = $2 AND order_id <> $3
