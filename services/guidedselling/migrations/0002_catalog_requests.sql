-- Customers' requests for printed catalogs, listed for fulfilment.
CREATE TABLE catalog_requests (
  catalog_request_id uuid PRIMARY KEY,
  request_id text NOT NULL UNIQUE,
  customer_id text NOT NULL,
  source_code text NOT NULL,
  catalog_id text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  requested_on date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX catalog_requests_by_date ON catalog_requests (requested_on, catalog_request_id);

-- Replicas rebuild their script and rule index when these change.
CREATE FUNCTION notify_selling_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('selling_changed', '');
  RETURN NULL;
END $$;
CREATE TRIGGER scripts_changed AFTER INSERT OR UPDATE OR DELETE ON scripts
  FOR EACH STATEMENT EXECUTE FUNCTION notify_selling_changed();
CREATE TRIGGER upsell_rules_changed AFTER INSERT OR UPDATE OR DELETE ON upsell_rules
  FOR EACH STATEMENT EXECUTE FUNCTION notify_selling_changed();
