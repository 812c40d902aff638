SELECT payment_id::text FROM payments WHERE order_id = $1
AND (status IN ('PAYMENT_STATUS_AUTHORIZED', 'PAYMENT_STATUS_PENDING',
                'PAYMENT_STATUS_PARTIALLY_CAPTURED')
     -- a check or gift card is taken at submit; until something ships it
     -- can still be given back (the order undone or canceled)
     OR (status = 'PAYMENT_STATUS_CAPTURED'
         AND method IN ('PAYMENT_METHOD_CHECK', 'PAYMENT_METHOD_GIFT_CARD')))
ORDER BY created_at FOR UPDATE
