-- RFM scores (DOMAIN 11) are computed in one statement over the orders:
-- each row keeps the day it was submitted and what its refunds gave back
-- (written with every save). Rows saved before: the day comes from their
-- SUBMITTED event; their refunds count from their next save.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS submitted_on date;
ALTER TABLE orders ADD COLUMN IF NOT EXISTS refunded_minor bigint NOT NULL DEFAULT 0;
UPDATE orders o SET submitted_on = s.on_day
FROM (SELECT order_id, min(at)::date AS on_day FROM order_events
      WHERE kind = 'ORDER_EVENT_KIND_SUBMITTED' GROUP BY order_id) s
WHERE s.order_id = o.order_id AND o.submitted_on IS NULL;
CREATE INDEX IF NOT EXISTS orders_submitted_on ON orders (submitted_on) WHERE submitted_on IS NOT NULL;
