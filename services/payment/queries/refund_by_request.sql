SELECT response FROM refunds WHERE request_id = $1
