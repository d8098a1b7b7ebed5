#!/usr/bin/env bash
# make demo: a throwaway PostgreSQL with sample data, one real backup into ./demo-backups, then
# the summary, the history rows and the stock-tool restore command.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
source scripts/lib/pg.sh

work=$(mktemp -d /tmp/dbbackup-demo.XXXXXX)
chmod 711 "$work"  # the server runs as postgres when we are root
trap 'pg_throwaway_stop "$work/pg"; rm -rf "$work"' EXIT
echo "== starting a throwaway PostgreSQL"
pg_throwaway_start "$work/pg"
echo "   127.0.0.1:$PGPORT, $(psql -XAtc 'SHOW server_version' postgres)"

echo "== loading sample data (two databases, a role with a password, non-ASCII text, a large object)"
psql -Xq -v ON_ERROR_STOP=1 postgres <<'SQL'
CREATE ROLE shop_app LOGIN PASSWORD 'app-secret';
CREATE DATABASE shop OWNER shop_app;
CREATE DATABASE analytics;
SQL
psql -Xq -v ON_ERROR_STOP=1 shop <<'SQL'
CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, city text);
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int REFERENCES customers,
                     placed_at timestamptz NOT NULL, total numeric(12,2), note text);
INSERT INTO customers (name, city) VALUES ('山田 太郎', '東京'), ('Zoë Müller', 'Zürich'), ('Ana Núñez', 'Sevilla');
INSERT INTO orders (customer_id, placed_at, total, note)
SELECT 1 + g % 3, now() - g * interval '1 hour', round((random() * 500)::numeric, 2), 'order #' || g
FROM generate_series(1, 20000) g;
SELECT lo_from_bytea(0, convert_to('invoice scan: ご注文ありがとうございます', 'UTF8'));
ALTER TABLE customers OWNER TO shop_app; ALTER TABLE orders OWNER TO shop_app;
SQL
psql -Xq -v ON_ERROR_STOP=1 analytics -c "CREATE TABLE daily AS SELECT d::date AS day, (random()*1000)::int AS visits FROM generate_series(now() - interval '2 years', now(), interval '1 day') d"

backups="$here/demo-backups"
mkdir -p "$backups/secrets/pg-demo" "$backups/volume"
chmod 700 "$backups/secrets" "$backups/secrets/pg-demo"
( umask 077; printf '%s' "$PGPASSWORD" > "$backups/secrets/pg-demo/password" )
cat > "$backups/databasebackup.yaml" <<YAML
apiVersion: dbbackup.io/v1alpha1
kind: DatabaseBackup
metadata:
  name: demo
  namespace: default
spec:
  schedule: "0 2 * * *"
  retention: {days: 30, minKeep: 1}
  compression: {algorithm: gzip, level: 6}
  verify: true
  database:
    host: 127.0.0.1
    port: $PGPORT
    user: postgres
    passwordSecretRef: {name: pg-demo, key: password}
    connectRetry: {attempts: 3, initialIntervalSeconds: 5}
  storage:
    volume: {path: $backups/volume}
YAML

echo "== backup-runner backup -f demo-backups/databasebackup.yaml --secrets-dir demo-backups/secrets"
set +e
scripts/backup-runner backup -f "$backups/databasebackup.yaml" --secrets-dir "$backups/secrets" | tee "$work/run.log"
rc=${PIPESTATUS[0]}
set -e
echo "== exit code $rc"
[ "$rc" -eq 0 ] || exit "$rc"

echo "== summary"
grep 'event=summary' "$work/run.log"
echo "== backup-runner list"
scripts/backup-runner list -f "$backups/databasebackup.yaml" --secrets-dir "$backups/secrets"
echo "== history rows (dbbackup.backup_history, TBL-039)"
psql -X postgres -c "SELECT backup_id, status, started_at, duration_ms, dump_bytes, stored_bytes, verified, left(sha256, 12) AS sha256 FROM dbbackup.backup_history ORDER BY started_at"
psql -X postgres -c "SELECT seq, action, backup_id, left(row_hash, 12) AS row_hash FROM dbbackup.backup_audit ORDER BY seq"
dir=$(scripts/backup-runner list -f "$backups/databasebackup.yaml" --secrets-dir "$backups/secrets" 2>/dev/null | awk 'NR==2 {print $NF}')
echo "== the backup, with stock tools only"
ls -l "$dir"
( cd "$dir" && sha256sum -c dump.sql.gz.sha256 )
echo
echo "Restore it with stock tools (into any PostgreSQL):"
echo "  cd $dir && export PGPASSWORD='<target superuser password>'"
echo '  gunzip -c dump.sql.gz | sed -E '\''1,/^\\connect /s/^(ALTER ROLE "?postgres"? WITH .*) PASSWORD \x27[^\x27]*\x27;$/\1;/'\'' | psql -X -h <target> -U postgres -d postgres'
echo "  (the sed keeps the target's postgres password; see README, Restore)"
