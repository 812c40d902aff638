-- The script and rule tables tracked by the one helper every snapshot
-- service uses (track_snapshot_changes, installed by the migration
-- runner): a version row the replicas' periodic check reads, and the
-- NOTIFY as before.
DROP TRIGGER IF EXISTS scripts_changed ON scripts;
DROP TRIGGER IF EXISTS upsell_rules_changed ON upsell_rules;
DROP FUNCTION IF EXISTS notify_selling_changed();
SELECT track_snapshot_changes('selling_changed', ARRAY['scripts', 'upsell_rules']);
