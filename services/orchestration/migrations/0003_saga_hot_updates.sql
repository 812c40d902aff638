-- Every step record rewrites updated_at, and an index on it made each such
-- update a non-HOT one (new entries in every index of the table). The
-- unfinished sagas are few, so recovery finds them through an index that
-- step records leave alone, and the pages keep room for a row's versions.
CREATE INDEX IF NOT EXISTS sagas_unfinished_created ON sagas (created_at)
  WHERE state NOT IN ('DONE', 'COMPENSATED');
DROP INDEX IF EXISTS sagas_unfinished;
ALTER TABLE sagas SET (fillfactor = 80);
