-- The saga log of submits: each step recorded before and after its
-- downstream call, so a restarted orchestrator can finish or undo a
-- half-done submit (claimed with FOR UPDATE SKIP LOCKED).
CREATE TABLE sagas (
  saga_id uuid PRIMARY KEY,
  order_id text NOT NULL,
  request_id text NOT NULL,
  state text NOT NULL,
  step text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (order_id, request_id)
);
CREATE INDEX sagas_unfinished ON sagas (updated_at) WHERE state NOT IN ('DONE', 'COMPENSATED');
