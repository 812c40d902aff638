-- One representation of orders and stored responses: the binary document.
-- Rows written before 0003 still have only their JSON (`body`,
-- `response`); this migration's data step (ConvertJsonDocuments in
-- store.cc: JSON to protobuf is C++'s work) converts them in this
-- transaction. The checks hold for every row written from now on (no pod
-- since 0003 writes JSON); 0009 validates them over the old rows.
-- Nothing reads or writes `body` or `response` any more; the columns go
-- in the release after this one, once no pod of the previous release
-- (which still selects them) can be running: expand, then contract.
ALTER TABLE orders ADD CONSTRAINT orders_doc_present CHECK (doc IS NOT NULL) NOT VALID;
ALTER TABLE idempotency
  ADD CONSTRAINT idempotency_response_doc_present CHECK (response_doc IS NOT NULL) NOT VALID;
