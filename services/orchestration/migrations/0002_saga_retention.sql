-- Finished sagas are kept for a retention period, then purged oldest
-- first; BRIN fits rows written in time order and costs inserts next to
-- nothing.
CREATE INDEX IF NOT EXISTS sagas_created_brin ON sagas USING brin (created_at);
