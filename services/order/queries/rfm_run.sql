-- One RFM run (DOMAIN 11) as one statement: the customers in scope ($4: a
-- customer group, '' = all) with a submitted, not canceled order in the
-- window ($2 days up to $1) are ranked best first per dimension (recency:
-- latest order; frequency: most orders; monetary: most spent less refunds)
-- and cut into $3 buckets as equal as possible, larger buckets first;
-- equal values share the better bucket (rank() gives them the first
-- position); the best bucket scores $3. In-scope customers without an
-- order in the window lose an older score.
WITH scope AS (
  SELECT id FROM customers WHERE $4 = '' OR body->>'customer_group' = $4
), stats AS (
  SELECT o.customer_id, max(o.submitted_on) AS last_on, count(*) AS orders,
         sum(COALESCE(o.total_minor, 0) - o.refunded_minor) AS monetary
  FROM orders o JOIN scope s ON s.id = o.customer_id
  WHERE o.submitted_on > $1::date - $2::int AND o.submitted_on <= $1::date
    AND o.status <> 'ORDER_STATUS_CANCELED'
  GROUP BY o.customer_id
), ranked AS (
  SELECT customer_id,
         (count(*) OVER ()) / $3::int AS base,
         (count(*) OVER ()) % $3::int AS extra,
         rank() OVER (ORDER BY last_on DESC) - 1 AS r_pos,
         rank() OVER (ORDER BY orders DESC) - 1 AS f_pos,
         rank() OVER (ORDER BY monetary DESC) - 1 AS m_pos
  FROM stats
), scored AS (
  SELECT customer_id,
    $3::int - CASE WHEN r_pos < extra * (base + 1) THEN r_pos / (base + 1)
                   ELSE extra + (r_pos - extra * (base + 1)) / base END AS r,
    $3::int - CASE WHEN f_pos < extra * (base + 1) THEN f_pos / (base + 1)
                   ELSE extra + (f_pos - extra * (base + 1)) / base END AS f,
    $3::int - CASE WHEN m_pos < extra * (base + 1) THEN m_pos / (base + 1)
                   ELSE extra + (m_pos - extra * (base + 1)) / base END AS m
  FROM ranked
), written AS (
  UPDATE customers c
  SET body = c.body || jsonb_build_object('rfm_score', concat(s.r, s.f, s.m),
                                          'rfm_total', s.r + s.f + s.m),
      updated_at = now()
  FROM scored s WHERE c.id = s.customer_id
  RETURNING 1
), cleared AS (
  UPDATE customers c SET body = c.body - 'rfm_score' - 'rfm_total', updated_at = now()
  WHERE c.id IN (SELECT id FROM scope) AND c.body ? 'rfm_score'
    AND NOT EXISTS (SELECT 1 FROM scored s WHERE s.customer_id = c.id)
)
SELECT count(*)::int AS scored FROM written
