-- Realistic, mixed data for the benchmark: customers, orders with notes, and an event log.
-- :scale multiplies the row counts; scale 1 gives a pg_dumpall of about 1.2 GB.
\set ON_ERROR_STOP 1
CREATE TABLE customers (
    id          integer PRIMARY KEY,
    name        text NOT NULL,
    email       text NOT NULL,
    city        text,
    created_at  timestamptz NOT NULL,
    credit      numeric(10,2)
);
CREATE TABLE orders (
    id          bigint PRIMARY KEY,
    customer_id integer NOT NULL,
    placed_at   timestamptz NOT NULL,
    status      text NOT NULL,
    amount      numeric(12,2) NOT NULL,
    currency    char(3) NOT NULL,
    items       smallint NOT NULL,
    note        text
);
CREATE TABLE events (
    id          bigint PRIMARY KEY,
    at          timestamptz NOT NULL,
    user_id     integer,
    kind        text NOT NULL,
    duration_ms integer,
    payload     text
);

CREATE TEMP TABLE w AS SELECT ARRAY[
  'order','delivery','please','leave','parcel','door','neighbour','call','before','after',
  'gift','wrap','fragile','handle','care','thanks','invoice','company','address','floor',
  'ring','bell','twice','weekend','morning','evening','urgent','replacement','return','size',
  'colour','blue','green','black','white','large','small','medium','extra','battery',
  'charger','cable','adapter','warranty','receipt','discount','coupon','member','loyal','again'] AS words,
  ARRAY['Tokyo','Osaka','Berlin','Paris','London','Madrid','Rome','Zürich','Wien','Oslo',
        'Lisboa','Praha','Warszawa','Dublin','Helsinki','Seoul','Sydney','Toronto','Boston','Austin'] AS cities,
  ARRAY['Sato','Suzuki','Müller','Schmidt','Martin','Bernard','Smith','Jones','García','Rossi',
        'Novák','Kowalski','Murphy','Virtanen','Kim','Nguyen','Silva','Brown','Tanaka','Weber'] AS last,
  ARRAY['Yuki','Hana','Lukas','Emma','Léa','Hugo','Olivia','Noah','Lucía','Marco',
        'Jana','Piotr','Aoife','Aino','Min-jun','Linh','João','Liam','Sofia','Ren'] AS first;

INSERT INTO customers
SELECT g,
       first[1 + (random() * 19)::int] || ' ' || last[1 + (random() * 19)::int],
       'user' || g || '@' || (ARRAY['example.com','mail.test','shop.example'])[1 + (random() * 2)::int],
       cities[1 + (random() * 19)::int],
       timestamptz '2015-01-01 00:00+00' + random() * interval '10 years',
       round((random() * 10000)::numeric, 2)
FROM w, generate_series(1, (200000 * :scale)::int) g;

INSERT INTO orders
SELECT g,
       1 + (random() * (200000 * :scale - 1))::int,
       timestamptz '2020-01-01 00:00+00' + g * interval '7 seconds' + random() * interval '1 hour',
       (ARRAY['new','paid','shipped','delivered','cancelled','returned'])[1 + (random() * 5)::int],
       round((random() * 900 + 5)::numeric, 2),
       (ARRAY['EUR','USD','JPY','GBP'])[1 + (random() * 3)::int],
       1 + (random() * 8)::int,
       CASE WHEN random() < 0.7 THEN
         words[1 + (random() * 49)::int] || ' ' || words[1 + (random() * 49)::int] || ' ' ||
         words[1 + (random() * 49)::int] || ' ' || words[1 + (random() * 49)::int] || ' ' ||
         words[1 + (random() * 49)::int] || ' ' || words[1 + (random() * 49)::int]
       END
FROM w, generate_series(1, (4000000 * :scale)::int) g;

INSERT INTO events
SELECT g,
       timestamptz '2024-01-01 00:00+00' + g * interval '250 milliseconds',
       1 + (random() * (200000 * :scale - 1))::int,
       (ARRAY['page_view','search','add_to_cart','checkout','login','logout','error'])[1 + (random() * 6)::int],
       (random() * 2000)::int,
       '{"path":"/' || words[1 + (random() * 49)::int] || '/' || (random() * 1000)::int ||
       '","agent":"' || (ARRAY['Mozilla/5.0 (X11; Linux x86_64)','Mozilla/5.0 (Macintosh)','curl/8.5.0'])[1 + (random() * 2)::int] ||
       '","ok":' || (random() < 0.95)::text || '}'
FROM w, generate_series(1, (6000000 * :scale)::int) g;
ANALYZE;
