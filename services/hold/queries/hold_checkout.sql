UPDATE order_holds SET checked_out_by = $2,
checked_out_at = CASE WHEN $2 = '' THEN NULL ELSE now() END WHERE hold_id = $1::uuid
