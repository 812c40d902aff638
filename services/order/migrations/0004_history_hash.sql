-- A fingerprint of each order's identity and history (call center,
-- customer, creation, events). A save whose copy of the order carries the
-- same fingerprint and version is applied in one statement; NULL (rows
-- written before) just takes the read-then-write path once.
ALTER TABLE orders ADD COLUMN history_hash text;
