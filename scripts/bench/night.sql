-- One simulated night of change on the benchmark dataset (scripts/bench/dataset.sql), for the
-- incremental benchmark in scripts/bench.sh: psql -v night=N -v scale=S -f night.sql shop.
-- Every night: a day of business appended (1% more orders and events, ids and times continuing),
-- about 1% of orders changing status (the hot table: orders of the last days move on, scattered
-- over the newest 3% of the table), 1% of customers' credit changed at random, then VACUUM ANALYZE.
-- Night 3 also: 1% of all orders updated at random (a data fix across every year).
-- Night 5 also: the events table rewritten in another order (CLUSTER by user).
-- random() is seeded per night: the same nights give the same changes.
\set ON_ERROR_STOP 1
SELECT setseed(:night / 10.0) \gset
CREATE TEMP TABLE w AS SELECT ARRAY[
  'order','delivery','please','leave','parcel','door','neighbour','call','before','after',
  'gift','wrap','fragile','handle','care','thanks','invoice','company','address','floor',
  'ring','bell','twice','weekend','morning','evening','urgent','replacement','return','size',
  'colour','blue','green','black','white','large','small','medium','extra','battery',
  'charger','cable','adapter','warranty','receipt','discount','coupon','member','loyal','again'] AS words,
  (SELECT max(id) FROM orders) AS orders_max, (SELECT max(id) FROM events) AS events_max,
  (SELECT count(*) FROM customers) AS customers;

INSERT INTO orders
SELECT orders_max + g,
       1 + (random() * (customers - 1))::int,
       timestamptz '2020-01-01 00:00+00' + (orders_max + g) * interval '7 seconds' + random() * interval '1 hour',
       'new',
       round((random() * 900 + 5)::numeric, 2),
       (ARRAY['EUR','USD','JPY','GBP'])[1 + (random() * 3)::int],
       1 + (random() * 8)::int,
       CASE WHEN random() < 0.7 THEN
         words[1 + (random() * 49)::int] || ' ' || words[1 + (random() * 49)::int] || ' ' ||
         words[1 + (random() * 49)::int] || ' ' || words[1 + (random() * 49)::int]
       END
FROM w, generate_series(1, (40000 * :scale)::int) g;

INSERT INTO events
SELECT events_max + g,
       timestamptz '2024-01-01 00:00+00' + (events_max + g) * interval '250 milliseconds',
       1 + (random() * (customers - 1))::int,
       (ARRAY['page_view','search','add_to_cart','checkout','login','logout','error'])[1 + (random() * 6)::int],
       (random() * 2000)::int,
       '{"path":"/' || words[1 + (random() * 49)::int] || '/' || (random() * 1000)::int ||
       '","agent":"' || (ARRAY['Mozilla/5.0 (X11; Linux x86_64)','Mozilla/5.0 (Macintosh)','curl/8.5.0'])[1 + (random() * 2)::int] ||
       '","ok":' || (random() < 0.95)::text || '}'
FROM w, generate_series(1, (60000 * :scale)::int) g;

-- the hot table: a third of the newest 3% of orders move on (about 1% of the table)
UPDATE orders o SET status = CASE o.status WHEN 'new' THEN 'paid' WHEN 'paid' THEN 'shipped'
                                           WHEN 'shipped' THEN 'delivered' ELSE o.status END
WHERE o.id > (SELECT max(id) FROM orders) - (SELECT count(*) FROM orders) * 3 / 100
  AND random() < 1.0 / 3;

UPDATE customers SET credit = round((random() * 10000)::numeric, 2) WHERE random() < 0.01;

SELECT :night = 3 AS scattered, :night = 5 AS rewrite \gset
\if :scattered
-- a data fix across every year: 1% of all orders, anywhere in the table
UPDATE orders SET status = 'returned' WHERE random() < 0.01;
\endif
\if :rewrite
-- one table rewritten: every row of events moves (same rows, another physical order)
CREATE INDEX events_user_idx ON events (user_id, at);
CLUSTER events USING events_user_idx;
\endif
VACUUM ANALYZE;
