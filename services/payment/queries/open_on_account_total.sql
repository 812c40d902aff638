SELECT coalesce(sum(CASE WHEN status = 'PAYMENT_STATUS_CAPTURED' THEN captured_minor
                         ELSE amount_minor END), 0)::bigint AS open_total
FROM payments WHERE customer_id = $1
AND method = 'PAYMENT_METHOD_ON_ACCOUNT' AND currency = $2
AND status IN ('PAYMENT_STATUS_AUTHORIZED', 'PAYMENT_STATUS_PARTIALLY_CAPTURED',
               'PAYMENT_STATUS_CAPTURED')
