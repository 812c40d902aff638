UPDATE payment_sweep SET page_token = $1, updated_at = now() WHERE sweep_id = 1
