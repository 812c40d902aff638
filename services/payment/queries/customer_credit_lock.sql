SELECT pg_advisory_xact_lock(hashtext('on_account:' || $1))
