-- The fraud tables tracked by the one helper every snapshot service uses
-- (track_snapshot_changes, installed by the migration runner): a version
-- row the replicas' periodic check reads, and the NOTIFY as before.
DROP TRIGGER IF EXISTS fraud_rules_changed ON fraud_rules;
DROP TRIGGER IF EXISTS fraud_data_changed ON fraud_data;
DROP FUNCTION IF EXISTS notify_fraud_changed();
SELECT track_snapshot_changes('fraud_changed', ARRAY['fraud_rules', 'fraud_data']);
