SELECT body::text FROM gift_cards WHERE id = $1 FOR UPDATE
