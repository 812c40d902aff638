-- A draft is rewritten on every change: room on its page lets PostgreSQL
-- keep the new version there (a HOT update, no new index entries).
ALTER TABLE orders SET (fillfactor = 80);
