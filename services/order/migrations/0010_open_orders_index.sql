-- The delayed-order notices' run reads a call center's open orders: only
-- those rows are indexed (drafts, shipped and canceled orders are not).
CREATE INDEX IF NOT EXISTS orders_open_by_call_center ON orders (call_center_id, order_id)
WHERE status IN ('ORDER_STATUS_CONFIRMED', 'ORDER_STATUS_ON_HOLD', 'ORDER_STATUS_PARTIALLY_SHIPPED');
