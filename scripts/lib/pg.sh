# Throwaway PostgreSQL clusters for the demo and the benchmark (sourced, not run).
# PostgreSQL refuses to run as root; as root the server runs as the postgres OS user.
# After pg_throwaway_start DIR: PGHOST, PGPORT, PGUSER, PGPASSWORD point at the new cluster.

pg_bin_dir() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1
}

pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# pg_throwaway_start DIR [extra postgresql.conf lines...]
pg_throwaway_start() {
  local dir=$1; shift
  local bin; bin=$(pg_bin_dir)
  [ -x "$bin/initdb" ] || { echo "no PostgreSQL server binaries (apt-get install postgresql)" >&2; return 1; }
  mkdir -p "$dir"; chmod 700 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  PGPASSWORD=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
  printf '%s\n' "$PGPASSWORD" > "$dir/pwfile"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir/pwfile"
  pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log"
  rm -f "$dir/pwfile"
  PGPORT=$(pg_free_port)
  {
    echo "port = $PGPORT"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$dir'"
    echo "max_wal_size = 2GB"
    for line in "$@"; do echo "$line"; done
  } >> "$dir/data/postgresql.conf"
  pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
  export PGHOST=127.0.0.1 PGPORT PGUSER=postgres PGPASSWORD
  PG_THROWAWAY_DIR=$dir
}

pg_throwaway_stop() {
  local dir=${1:-${PG_THROWAWAY_DIR:-}}
  [ -n "$dir" ] && [ -d "$dir/data" ] || return 0
  pg_as_owner "$(pg_bin_dir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
