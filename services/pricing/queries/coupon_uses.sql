-- Both counts through the (coupon_code, customer_id) index; a limited
-- coupon's rows are bounded by its limit. $3 leaves out the redeeming
-- order's own use (a repeated redeem).
SELECT count(*)::int AS uses, count(*) FILTER (WHERE customer_id = $2)::int AS customer_uses
FROM coupon_uses WHERE coupon_code = $1 AND order_id <> $3
