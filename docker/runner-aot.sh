#!/bin/sh
# Makes the runner's ahead-of-time cache (JDK 25+, JEPs 483/514/515: classes loaded and linked,
# lambdas resolved, method profiles) from a real training backup, at image build time:
#
#   runner-aot.sh JAVA JAR JVM_ARGS_FILE OUTPUT
#
# The training backs up a throwaway PostgreSQL cluster (a few MB of rows) twice, in one JVM
# (io.dbbackup.runner.AotTraining), so the classes and profiles of a nightly backup are in the
# cache whichever store it uses:
#   1. to a volume: pg_dumpall, gzip, OpenPGP to docker/training-public-key.asc (whose private key
#      was never kept), SHA-256, read-back verification, the SQL history with its migrations,
#      retention;
#   2. to an S3 bucket, with zstd, the same encryption and verification: the AWS SDK is most of the
#      classes a run loads, and loading them from the jar instead of the cache costs an S3 backup
#      about 0.4 s (docs/benchmarks.md). The bucket is on an embedded S3-compatible server
#      (io.dbbackup.testing.S3ProxyMain from backup-test-support, never part of the image) that the
#      script starts from AOT_S3_SERVER_CLASSPATH; without that variable the training covers the
#      volume only, and says so.
# Then a start with -XX:AOTMode=on proves the cache maps, failing the build instead of leaving an
# image that silently starts without it.
#
# Needs initdb, pg_ctl and psql (PG_BIN, else the newest /usr/lib/postgresql/N/bin, else PATH);
# as root, the cluster runs as the postgres user. POSIX sh: it runs in the image build (Debian's
# dash), in the tests and in `make bench`.
set -eu
java=$1
jar=$2
args=$3
out=$4
here=$(cd "$(dirname "$0")" && pwd)
key=$here/training-public-key.asc

if [ -z "${PG_BIN:-}" ]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$PG_BIN" ] || PG_BIN=$(dirname "$(command -v initdb)")
fi
work=$(mktemp -d)
s3_pid=""
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  as_owner "$PG_BIN/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1 || true
  if [ -n "$s3_pid" ]; then kill "$s3_pid" 2>/dev/null || true; wait "$s3_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"
mkdir -p "$work/pg" "$work/backups" "$work/secrets/pg" "$work/secrets/keys"
[ "$(id -u)" -eq 0 ] && chown postgres "$work/pg"
as_owner "$PG_BIN/initdb" -D "$work/pg" -U postgres --auth=trust --no-sync >/dev/null

# A free port: the first of a few that the server starts on.
port=""
for p in 55432 55433 55434 55435 55436 55437 55438 55439; do
  if as_owner "$PG_BIN/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -t 300 \
      -o "-p $p -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work/pg -c fsync=off" \
      start >/dev/null 2>&1; then
    port=$p
    break
  fi
done
[ -n "$port" ] || { echo "runner-aot: the training PostgreSQL did not start" >&2; cat "$work/pg/server.log" >&2; exit 1; }

"$PG_BIN/psql" -Xq -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 <<'SQL'
CREATE DATABASE shop;
\c shop
CREATE TABLE orders (id bigint PRIMARY KEY, customer text, placed timestamptz, total numeric(12,2), note text);
INSERT INTO orders
  SELECT g, 'customer ' || (g % 997), timestamptz '2026-01-01' + g * interval '1 minute',
         (g % 10000) / 100.0, repeat(md5(g::text), 1 + g % 3)
  FROM generate_series(1, 150000) g;
SQL

printf 'training' > "$work/secrets/pg/password"
cp "$key" "$work/secrets/keys/training.asc"
chmod -R go-rwx "$work/secrets"
cat > "$work/training.yaml" <<YAML
apiVersion: dbbackup.io/v1alpha1
kind: DatabaseBackup
metadata: {name: aot-training, namespace: build}
spec:
  database: {host: 127.0.0.1, port: $port, user: postgres, passwordSecretRef: {name: pg, key: password}}
  storage: {volume: {path: $work/backups}}
  encryption: {publicKeysSecretRef: {name: keys}}
  verify: true
YAML

set -- backup -f "$work/training.yaml" --secrets-dir "$work/secrets"
if [ -n "${AOT_S3_SERVER_CLASSPATH:-}" ]; then
  "$java" -Xmx256m -cp "$AOT_S3_SERVER_CLASSPATH" io.dbbackup.testing.S3ProxyMain training \
      >"$work/s3.log" 2>&1 &
  s3_pid=$!
  i=0
  until grep -q '^endpoint=' "$work/s3.log"; do
    i=$((i + 1))
    if [ "$i" -gt 3000 ] || ! kill -0 "$s3_pid" 2>/dev/null; then
      echo "runner-aot: the training S3 server did not start:" >&2; tail -n 20 "$work/s3.log" >&2; exit 1
    fi
    sleep 0.1
  done
  line=$(grep '^endpoint=' "$work/s3.log")
  field() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
  mkdir -p "$work/secrets/s3"
  printf '%s' "$(field access_key)" > "$work/secrets/s3/AWS_ACCESS_KEY_ID"
  printf '%s' "$(field secret_key)" > "$work/secrets/s3/AWS_SECRET_ACCESS_KEY"
  chmod -R go-rwx "$work/secrets"
  cat > "$work/training-s3.yaml" <<YAML
apiVersion: dbbackup.io/v1alpha1
kind: DatabaseBackup
metadata: {name: aot-training-s3, namespace: build}
spec:
  database: {host: 127.0.0.1, port: $port, user: postgres, passwordSecretRef: {name: pg, key: password}}
  storage:
    s3: {bucket: $(field bucket), endpoint: "$(field endpoint)", region: us-east-1, forcePathStyle: true, credentialsSecretRef: {name: s3}}
  compression: {algorithm: zstd}
  encryption: {publicKeysSecretRef: {name: keys}}
  verify: true
YAML
  set -- "$@" -- backup -f "$work/training-s3.yaml" --secrets-dir "$work/secrets"
else
  echo "runner-aot: AOT_S3_SERVER_CLASSPATH is not set: training on a volume backup only; S3 backups will load the AWS SDK's classes from the jar" >&2
fi

rm -f "$out"
if ! PG_BIN=$PG_BIN "$java" "@$args" "-XX:AOTCacheOutput=$out" -Xlog:aot=warning -Xlog:cds=warning \
    -cp "$jar" io.dbbackup.runner.AotTraining "$@" >"$work/training.log" 2>&1; then
  echo "runner-aot: the training backup failed:" >&2
  tail -n 20 "$work/training.log" >&2
  exit 1
fi
[ -s "$out" ] || { echo "runner-aot: no cache written to $out" >&2; tail -n 20 "$work/training.log" >&2; exit 1; }
chmod 644 "$out"
"$java" "@$args" -XX:AOTMode=on "-XX:AOTCache=$out" -jar "$jar" --version
