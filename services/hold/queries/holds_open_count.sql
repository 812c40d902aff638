SELECT count(*)::int FROM order_holds WHERE order_id = $1 AND open
