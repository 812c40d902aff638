-- A coupon's use limits as columns, kept by PostgreSQL from the body
-- (existing rows included), so the query that counts uses of limited
-- coupons filters on columns instead of reaching into the JSON.
ALTER TABLE coupons
  ADD COLUMN max_uses integer
    GENERATED ALWAYS AS (COALESCE((body->>'max_uses')::integer, 0)) STORED,
  ADD COLUMN max_uses_per_customer integer
    GENERATED ALWAYS AS (COALESCE((body->>'max_uses_per_customer')::integer, 0)) STORED;
