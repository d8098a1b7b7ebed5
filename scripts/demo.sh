#!/usr/bin/env bash
# make demo: a throwaway PostgreSQL with sample data, one real backup into ./demo-backups with
# examples/local/databasebackup.yaml, then the summary, the history rows and the restore commands
# (stock tools and the runner) into a second, empty throwaway server. Both servers keep running so
# the printed commands can be tried; `scripts/demo.sh stop` (or the next `make demo`) stops them.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
source scripts/lib/pg.sh
backups=${DEMO_DIR:-$here/demo-backups}  # DEMO_DIR: elsewhere (the tests)
state="$backups/servers"

stop_servers() {
  [ -f "$state" ] || return 0
  while read -r dir; do pg_throwaway_stop "$dir"; done < "$state"
  rm -f "$state"
}
if [ "${1:-}" = stop ]; then
  stop_servers
  echo "demo servers stopped"
  exit 0
fi
stop_servers

work=$(mktemp -d /tmp/dbbackup-demo.XXXXXX)
chmod 711 "$work"  # the servers run as postgres when we are root
mkdir -p "$backups"
printf '%s\n%s\n' "$work/pg" "$work/target" > "$state"
# Stopped on failure only: after a good run they stay up for the printed commands.
trap 'rc=$?; [ "$rc" -eq 0 ] || { stop_servers; rm -rf "$work"; }' EXIT
echo "== starting two throwaway PostgreSQL servers (password authentication): the source and a restore target"
pg_throwaway_start "$work/target"
target_port=$PGPORT target_password=$PGPASSWORD
pg_throwaway_start "$work/pg"
echo "   source 127.0.0.1:$PGPORT, target 127.0.0.1:$target_port, $(psql -XAtc 'SHOW server_version' postgres)"

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

rm -rf "$backups/secrets" "$backups/volume"
mkdir -p "$backups/secrets/pg-local" "$backups/secrets/pg-target" "$backups/volume"
chmod 700 "$backups/secrets" "$backups/secrets/pg-local" "$backups/secrets/pg-target"
( umask 077; printf '%s' "$PGPASSWORD" > "$backups/secrets/pg-local/password"
  printf '%s' "$target_password" > "$backups/secrets/pg-target/password" )
# examples/local with this demo's ports and directory.
sed -e "s/^    port: 5432$/    port: $PGPORT/" -e "s|path: /var/tmp/dbbackup/backups}|path: $backups/volume}|" \
  examples/local/databasebackup.yaml > "$backups/databasebackup.yaml"
sed -e "s/^    port: 5433$/    port: $target_port/" examples/local/databaserestore.yaml > "$backups/databaserestore.yaml"
grep -q "port: $PGPORT" "$backups/databasebackup.yaml" && grep -q "path: $backups/volume" "$backups/databasebackup.yaml" \
  && grep -q "port: $target_port" "$backups/databaserestore.yaml" \
  || { echo "demo: examples/local no longer has port 5432/5433 and the path to replace" >&2; exit 1; }

echo "== backup-runner backup -f demo-backups/databasebackup.yaml --secrets-dir demo-backups/secrets (examples/local/databasebackup.yaml with this demo's port and directory)"
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
echo "Both servers keep running: source 127.0.0.1:$PGPORT, restore target 127.0.0.1:$target_port (empty)."
echo "Restore into the target with stock tools:"
echo "  cd $dir && export PGPASSWORD=\$(cat $backups/secrets/pg-target/password)"
echo '  gunzip -c dump.sql.gz | sed -E '\''1,/^\\connect /s/^(ALTER ROLE "?postgres"? WITH .*) PASSWORD \x27[^\x27]*\x27;$/\1;/'\'' | psql -X -h 127.0.0.1 -p '"$target_port"' -U postgres -d postgres'
echo "  (the sed keeps the target's postgres password; see README, Restore)"
echo "or with the runner (it verifies the backup first and refuses a non-empty target):"
echo "  scripts/backup-runner restore -f $backups/databasebackup.yaml --restore $backups/databaserestore.yaml --secrets-dir $backups/secrets"
echo "Stop both servers: scripts/demo.sh stop"
