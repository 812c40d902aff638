UPDATE order_holds SET open = false, cleared_by = $2,
cleared_reason = $3, cleared_at = now() WHERE hold_id = $1::uuid
