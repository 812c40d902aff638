SELECT count(*)::int AS open_holds FROM order_holds WHERE order_id = $1 AND open
