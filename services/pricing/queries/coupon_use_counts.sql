-- Uses matter only for coupons with a limit; unlimited coupons are never
-- counted, so their (ever-growing) uses cost nothing.
SELECT u.coupon_code, u.customer_id, count(*)::int AS uses FROM coupon_uses u JOIN coupons c
ON c.id = u.coupon_code WHERE c.max_uses > 0 OR c.max_uses_per_customer > 0
GROUP BY 1, 2
