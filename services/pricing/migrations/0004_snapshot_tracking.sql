-- The snapshot's tables tracked by the one helper every snapshot service
-- uses (track_snapshot_changes, installed by the migration runner): the
-- same version row, bumped and notified by snapshot_changed().
DROP TRIGGER IF EXISTS products_changed ON products;
DROP TRIGGER IF EXISTS price_groups_changed ON price_groups;
DROP TRIGGER IF EXISTS trade_agreements_changed ON trade_agreements;
DROP TRIGGER IF EXISTS discounts_changed ON discounts;
DROP TRIGGER IF EXISTS coupons_changed ON coupons;
DROP TRIGGER IF EXISTS delivery_charges_changed ON delivery_charges;
DROP TRIGGER IF EXISTS tax_rates_changed ON tax_rates;
DROP FUNCTION IF EXISTS bump_snapshot_version();
SELECT track_snapshot_changes('pricing_changed',
  ARRAY['products', 'price_groups', 'trade_agreements', 'discounts', 'coupons',
        'delivery_charges', 'tax_rates']);
