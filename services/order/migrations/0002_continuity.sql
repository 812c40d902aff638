-- Continuity schedules and their events (one row per child order to create).
CREATE TABLE continuity_schedules (
  schedule_id uuid PRIMARY KEY,
  parent_order_id uuid NOT NULL REFERENCES orders (order_id),
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX continuity_schedules_parent ON continuity_schedules (parent_order_id);

CREATE TABLE continuity_events (
  schedule_id uuid NOT NULL REFERENCES continuity_schedules (schedule_id),
  seq integer NOT NULL,
  due_on date NOT NULL,
  child_order_id uuid,
  cancelled boolean NOT NULL DEFAULT false,
  PRIMARY KEY (schedule_id, seq)
);
CREATE INDEX continuity_events_due ON continuity_events (due_on)
  WHERE child_order_id IS NULL AND NOT cancelled;
