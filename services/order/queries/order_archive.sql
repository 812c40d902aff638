-- Replaces an order by its summary ($2) and drops its event log: what a
-- purge keeps.
WITH e AS (
  DELETE FROM order_events WHERE order_id = $1::uuid
)
UPDATE orders SET doc = $2, version = $3, history_hash = $4, archived = true, updated_at = now()
WHERE order_id = $1::uuid
