-- Orders and stored responses are compressed with lz4 rather than pglz:
-- a large order's document is written twice per change (the row and the
-- request's stored response), and pglz's compression was most of
-- PostgreSQL's CPU for orders of hundreds of lines. New values only; rows
-- already written stay readable as they are.
ALTER TABLE orders ALTER COLUMN doc SET COMPRESSION lz4;
ALTER TABLE idempotency ALTER COLUMN response_doc SET COMPRESSION lz4;
