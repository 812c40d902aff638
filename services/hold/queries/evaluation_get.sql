SELECT response::text FROM fraud_evaluations WHERE request_id = $1
