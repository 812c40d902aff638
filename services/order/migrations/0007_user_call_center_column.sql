-- A user's call center as a column, kept by PostgreSQL from the body
-- (existing rows included): the order context joins on it.
ALTER TABLE users
  ADD COLUMN call_center_id text GENERATED ALWAYS AS (body->>'call_center_id') STORED;
