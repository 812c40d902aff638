SELECT page_token FROM payment_sweep WHERE sweep_id = 1 FOR UPDATE SKIP LOCKED
