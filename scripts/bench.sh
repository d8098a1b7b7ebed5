#!/usr/bin/env bash
# make bench: the runner side by side with the shell pipelines it replaces, on >= 1 GB of
# realistic data, in one run. Prints a markdown table (wall, CPU, peak RSS, ratios) and keeps it
# in bench-work/results.md. Not a test: figures depend on the machine; docs/benchmarks.md
# records them with the command and the machine.
#
#   BENCH_SCALE=1.2   dataset size (1.2 ~ 1.3 GB of pg_dumpall output)
#   BENCH_ROUNDS=3    rounds; the median of each command is reported
#   BENCH_DIR=bench-work  where the cluster and outputs live (the dataset is reused between runs)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
source scripts/lib/pg.sh

scale=${BENCH_SCALE:-1.2}
rounds=${BENCH_ROUNDS:-3}
work=$(realpath -m "${BENCH_DIR:-bench-work}")
mkdir -p "$work"; chmod 711 "$work"
out="$work/out"
pgdir="$work/pg"

start_cluster() {
  if [ -f "$pgdir/dataset-$scale" ] && [ -f "$pgdir/env" ]; then
    source "$pgdir/env"
    pg_as_owner "$(pg_bin_dir)/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 120 start >/dev/null
    export PGHOST PGPORT PGUSER PGPASSWORD
    echo "== reusing the dataset (scale $scale) in $pgdir"
    return
  fi
  rm -rf "$pgdir"
  pg_throwaway_start "$pgdir" "fsync = off" "shared_buffers = 512MB"
  printf 'PGHOST=%s\nPGPORT=%s\nPGUSER=%s\nPGPASSWORD=%s\n' "$PGHOST" "$PGPORT" "$PGUSER" "$PGPASSWORD" > "$pgdir/env"
  echo "== generating the dataset (scale $scale)"
  psql -Xq -d postgres -c "CREATE DATABASE shop"
  psql -Xq -v scale="$scale" -f scripts/bench/dataset.sql shop
  touch "$pgdir/dataset-$scale"
}
stop_cluster() { pg_as_owner "$(pg_bin_dir)/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1 || true; }
trap stop_cluster EXIT
start_cluster

mkdir -p "$out/secrets/pg" && chmod 700 "$out/secrets"
( umask 077; printf '%s' "$PGPASSWORD" > "$out/secrets/pg/password" )
runner_config() { # runner_config NAME VERIFY
  cat > "$out/$1.yaml" <<YAML
apiVersion: dbbackup.io/v1alpha1
kind: DatabaseBackup
metadata: {name: $1, namespace: bench}
spec:
  compression: {algorithm: gzip, level: 6}
  verify: $2
  database:
    host: $PGHOST
    port: $PGPORT
    user: $PGUSER
    passwordSecretRef: {name: pg, key: password}
  storage:
    volume: {path: $out/volume}
YAML
}
runner_config runner-verify-off false
runner_config runner-verify-on true

declare -A CMD
CMD[floor]='pg_dumpall > /dev/null'
CMD[shell]="pg_dumpall | gzip -6 > '$out/shell.sql.gz'"
CMD[runner-verify-off]="scripts/backup-runner backup -f '$out/runner-verify-off.yaml' --secrets-dir '$out/secrets' > '$out/runner-verify-off.log'"
CMD[runner-verify-on]="scripts/backup-runner backup -f '$out/runner-verify-on.yaml' --secrets-dir '$out/secrets' > '$out/runner-verify-on.log'"
ORDER=(floor shell runner-verify-off runner-verify-on)

stored_size() { # the output file of a command, for the size column
  case $1 in
    floor) echo 0 ;;
    shell) stat -c %s "$out/shell.sql.gz" ;;
    runner-*) find "$out/volume/bench/$1" -name 'dump.sql.gz' -printf '%s\n' | head -n1 ;;
  esac
}

echo "== warm-up: pg_dumpall > /dev/null"
dump_bytes=$(pg_dumpall | wc -c)
echo "   pg_dumpall output: $dump_bytes bytes"

declare -A WALL CPU RSS SIZE
for round in $(seq 1 "$rounds"); do
  for name in "${ORDER[@]}"; do
    rm -rf "$out/volume" "$out/shell.sql.gz"
    /usr/bin/time -f '%e %U %S %M' -o "$out/time" bash -o pipefail -c "${CMD[$name]}"
    read -r wall user sys rss < "$out/time"
    WALL[$name]+="$wall "; CPU[$name]+="$(echo "$user + $sys" | bc) "; RSS[$name]+="$rss "
    SIZE[$name]=$(stored_size "$name")
    printf '   round %d %-18s wall %6.1fs cpu %6.1fs rss %6d KiB\n' "$round" "$name" "$wall" "$(echo "$user + $sys" | bc)" "$rss"
  done
done
rm -rf "$out/volume" "$out/shell.sql.gz"

median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
shell_wall=$(echo "${WALL[shell]}" | median)
{
  echo "Dataset: scale $scale, pg_dumpall output $dump_bytes bytes ($(echo "scale=2; $dump_bytes/1073741824" | bc) GiB); median of $rounds rounds."
  echo
  echo "| command | wall s | CPU s | peak RSS MiB | stored bytes | reduction | wall vs shell pipeline |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for name in "${ORDER[@]}"; do
    w=$(echo "${WALL[$name]}" | median); c=$(echo "${CPU[$name]}" | median); r=$(echo "${RSS[$name]}" | median)
    s=${SIZE[$name]:-0}
    red=$([ "$s" -gt 0 ] && echo "$(echo "scale=1; 100 - 100 * $s / $dump_bytes" | bc)%" || echo "-")
    printf '| %s | %.1f | %.1f | %d | %s | %s | %.2fx |\n' "$name" "$w" "$c" "$((r / 1024))" "$s" "$red" "$(echo "$w / $shell_wall" | bc -l)"
  done
  echo
  echo "Commands: floor = \`${CMD[floor]}\`; shell = \`pg_dumpall | gzip -6 > f\`;"
  echo "runner = \`scripts/backup-runner backup -f runner.yaml --secrets-dir DIR\` (gzip 6, volume target, history on)."
} | tee "$work/results.md"
