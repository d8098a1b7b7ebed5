package io.dbbackup.runner.support;

import io.dbbackup.testing.PostgresCluster;

/** Realistic contents for a cluster: what a backup must carry over. */
public final class SampleData {
  public static final String APP_ROLE_PASSWORD = "app-secret-ü";

  private SampleData() {}

  /**
   * Two extra databases with owners and grants, a login role with a password, non-ASCII text in
   * several scripts, a large object, a view, a sequence past its start, and an extension-free mix
   * of types.
   */
  public static void load(PostgresCluster pg) {
    pg.execute(
        "postgres",
        "CREATE ROLE shop_app LOGIN PASSWORD '"
            + APP_ROLE_PASSWORD
            + "'; CREATE ROLE reporting NOLOGIN;");
    pg.execute("postgres", "CREATE DATABASE shop OWNER shop_app");
    pg.execute("postgres", "CREATE DATABASE analytics");
    pg.execute(
        "shop",
        """
        CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, city text, tags text[]);
        CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int REFERENCES customers,
                             placed_at timestamptz NOT NULL, total numeric(12,2), paid boolean,
                             details jsonb);
        INSERT INTO customers (name, city, tags) VALUES
          ('山田 太郎', '東京', ARRAY['vip','日本']), ('Zoë Müller', 'Zürich', NULL),
          ('Ana Núñez', 'Sevilla', ARRAY['new']), ('Олег', 'Москва', '{}'),
          ('O''Brien; DROP TABLE x', 'Cork', ARRAY['quote"s']);
        INSERT INTO orders (customer_id, placed_at, total, paid, details)
        SELECT 1 + g % 5, timestamptz '2026-01-01 00:00+00' + g * interval '37 minutes',
               (g * 7.31)::numeric(12,2), g % 3 = 0,
               jsonb_build_object('n', g, 'note', 'ünïcödé ' || g, 'emoji', '📦')
        FROM generate_series(1, 5000) g;
        CREATE VIEW paid_orders AS SELECT * FROM orders WHERE paid;
        ALTER TABLE customers OWNER TO shop_app; ALTER TABLE orders OWNER TO shop_app;
        GRANT SELECT ON orders TO reporting;
        SELECT lo_from_bytea(424242, convert_to('invoice: ご注文ありがとうございます', 'UTF8'));
        """);
    pg.execute(
        "analytics",
        """
        CREATE SCHEMA stats;
        CREATE TABLE stats.daily (day date PRIMARY KEY, visits int, ratio double precision);
        INSERT INTO stats.daily
        SELECT date '2024-01-01' + g, g * 13 % 1000, g / 7.0 FROM generate_series(0, 700) g;
        CREATE SEQUENCE stats.ticket START 100; SELECT nextval('stats.ticket');
        SELECT nextval('stats.ticket');
        """);
  }

  /** Adds a table big enough that pg_dumpall runs for a while (a few MB of SQL). */
  public static void loadBulk(PostgresCluster pg, String database, int rows) {
    pg.execute(
        database,
        "CREATE TABLE IF NOT EXISTS bulk (id bigint PRIMARY KEY, payload text);"
            + " INSERT INTO bulk SELECT g, md5(g::text) || md5((g * 7)::text) FROM"
            + " generate_series((SELECT coalesce(max(id), 0) + 1 FROM bulk),"
            + " (SELECT coalesce(max(id), 0) FROM bulk) + "
            + rows
            + ") g");
  }
}
