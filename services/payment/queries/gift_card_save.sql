UPDATE gift_cards SET body = $2::jsonb, updated_at = now() WHERE id = $1
