SELECT body::text FROM fraud_data
