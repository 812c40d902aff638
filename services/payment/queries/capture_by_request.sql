SELECT response FROM captures WHERE request_id = $1
