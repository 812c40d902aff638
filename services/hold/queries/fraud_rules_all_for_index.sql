SELECT body::text FROM fraud_rules
