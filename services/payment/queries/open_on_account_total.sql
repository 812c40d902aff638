SELECT coalesce(sum(amount_minor), 0)::bigint AS open_total FROM payments WHERE customer_id = $1
AND method = 'PAYMENT_METHOD_ON_ACCOUNT' AND currency = $2
AND status IN ('PAYMENT_STATUS_AUTHORIZED', 'PAYMENT_STATUS_CAPTURED')
