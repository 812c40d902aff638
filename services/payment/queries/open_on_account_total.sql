-- A customer's open on-account total: what their on-account payments hold
-- (authorised, or what a captured one took, refunded or not), less the credits refunds put
-- on their account (DOMAIN 10).
SELECT (coalesce((SELECT sum(CASE WHEN status IN ('PAYMENT_STATUS_CAPTURED', 'PAYMENT_STATUS_REFUNDED')
                                  THEN captured_minor
                                  ELSE amount_minor END)
                  FROM payments WHERE customer_id = $1
                  AND method = 'PAYMENT_METHOD_ON_ACCOUNT' AND currency = $2
                  AND status IN ('PAYMENT_STATUS_AUTHORIZED', 'PAYMENT_STATUS_PARTIALLY_CAPTURED',
                                 'PAYMENT_STATUS_CAPTURED', 'PAYMENT_STATUS_REFUNDED')), 0)
        - coalesce((SELECT sum(amount_minor) FROM refunds WHERE customer_id = $1
                    AND method = 'PAYMENT_METHOD_ON_ACCOUNT' AND currency = $2), 0))::bigint
       AS open_total
