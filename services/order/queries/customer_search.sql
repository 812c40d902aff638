SELECT id, body::text FROM customers WHERE id > $2 AND
(name_key LIKE $1 OR phone_key LIKE $1 OR email_key LIKE $1 OR postal_key LIKE $1
OR id_key LIKE $1) ORDER BY id LIMIT $3
