-- Stored fraud evaluations are kept for a retention period, then purged
-- oldest first; BRIN fits rows written in time order and costs inserts
-- next to nothing.
CREATE INDEX IF NOT EXISTS fraud_evaluations_created_brin ON fraud_evaluations USING brin (created_at);
