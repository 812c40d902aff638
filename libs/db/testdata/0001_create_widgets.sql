CREATE TABLE widgets (
  widget_id text PRIMARY KEY,
  quantity integer NOT NULL CHECK (quantity >= 0)
);
