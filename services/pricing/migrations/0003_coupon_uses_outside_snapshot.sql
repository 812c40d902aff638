-- Coupon uses change with every submitted order; rebuilding the whole
-- snapshot for each would cost every replica a full reload per order. Uses
-- are read from this table where they decide (checking and redeeming a
-- coupon, under a row lock); the snapshot's counts only refresh with it.
DROP TRIGGER IF EXISTS coupon_uses_changed ON coupon_uses;
