-- Every change to the pricing tables notifies the replicas, which rebuild
-- their in-memory snapshot (the periodic version check is the safety net).
CREATE TABLE snapshot_version (
  id integer PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL
);
INSERT INTO snapshot_version (id, version) VALUES (1, 1);

CREATE FUNCTION bump_snapshot_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE snapshot_version SET version = version + 1 WHERE id = 1;
  PERFORM pg_notify('pricing_changed', '');
  RETURN NULL;
END $$;

CREATE TRIGGER products_changed AFTER INSERT OR UPDATE OR DELETE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION bump_snapshot_version();
CREATE TRIGGER price_groups_changed AFTER INSERT OR UPDATE OR DELETE ON price_groups
  FOR EACH STATEMENT EXECUTE FUNCTION bump_snapshot_version();
CREATE TRIGGER trade_agreements_changed AFTER INSERT OR UPDATE OR DELETE ON trade_agreements
  FOR EACH STATEMENT EXECUTE FUNCTION bump_snapshot_version();
CREATE TRIGGER discounts_changed AFTER INSERT OR UPDATE OR DELETE ON discounts
  FOR EACH STATEMENT EXECUTE FUNCTION bump_snapshot_version();
CREATE TRIGGER coupons_changed AFTER INSERT OR UPDATE OR DELETE ON coupons
  FOR EACH STATEMENT EXECUTE FUNCTION bump_snapshot_version();
CREATE TRIGGER delivery_charges_changed AFTER INSERT OR UPDATE OR DELETE ON delivery_charges
  FOR EACH STATEMENT EXECUTE FUNCTION bump_snapshot_version();
CREATE TRIGGER tax_rates_changed AFTER INSERT OR UPDATE OR DELETE ON tax_rates
  FOR EACH STATEMENT EXECUTE FUNCTION bump_snapshot_version();
CREATE TRIGGER coupon_uses_changed AFTER INSERT OR UPDATE OR DELETE ON coupon_uses
  FOR EACH STATEMENT EXECUTE FUNCTION bump_snapshot_version();
