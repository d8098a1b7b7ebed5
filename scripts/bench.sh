#!/usr/bin/env bash
# make bench: the runner side by side with the shell pipelines it replaces, on >= 1 GB of
# realistic data, in one run. Prints markdown tables (wall, CPU, peak RSS, ratios) and keeps them
# in $BENCH_DIR/results.md. Not a test: figures depend on the machine; docs/benchmarks.md records
# them with the command and the machine.
#
#   BENCH_SCALE=1.2        dataset size (1.2 ~ 1.3 GB of pg_dumpall output)
#   BENCH_MEMORY_SCALE=2.4 a second dataset, twice the size, for the peak-RSS check (0: skip)
#   BENCH_ROUNDS=3         rounds; the median of each command is reported
#   BENCH_DIR=bench-work   where clusters and outputs live (datasets are reused between runs)
#   BENCH_ONLY="..."       measure only these commands (names as in the table)
#   BENCH_RESTORE=1        also verification by restore (runner-volume-restore) against the same
#                          backup with checksum verification, and `gunzip -c | psql` into a fresh
#                          cluster (restore-pipeline); 0: skip
#   BENCH_AOT=0            no ahead-of-time cache: the runner as `make build` leaves it
#   BENCH_INCREMENTAL=1    also seven simulated nights of change (scripts/bench/night.sql) on a
#                          copy of the dataset, each backed up once with `type: full` and once with
#                          `type: incremental` (zstd 3 + OpenPGP, to a volume each): bytes stored,
#                          wall time, chunks reused, total storage; 0: skip; only: nothing else
#   BENCH_INCREMENTAL_SCALE=$BENCH_SCALE  the dataset size for the nights
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
source scripts/lib/pg.sh

scale=${BENCH_SCALE:-1.2}
memory_scale=${BENCH_MEMORY_SCALE:-2.4}
rounds=${BENCH_ROUNDS:-3}
bench_restore=${BENCH_RESTORE:-1}
bench_incremental=${BENCH_INCREMENTAL:-1}
nights_scale=${BENCH_INCREMENTAL_SCALE:-$scale}
case $bench_incremental in 0|1|only) ;; *) echo "bench: BENCH_INCREMENTAL must be 0, 1 or only, got '$bench_incremental'" >&2; exit 2 ;; esac
work=$(realpath -m "${BENCH_DIR:-bench-work}")
mkdir -p "$work"; chmod 711 "$work"
out="$work/out"
rm -rf "$out"; mkdir -p "$out"
command -v pigz >/dev/null || { echo "== installing pigz"; apt-get install -y -qq pigz >/dev/null; }
command -v bc >/dev/null || apt-get install -y -qq bc >/dev/null
JAVA_HOME=$(scripts/java-home.sh)

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for d in "$work"/pg-* "$work"/nights-* "$out"/pg-restore; do
    [ -d "$d/data" ] && pg_as_owner "$(pg_bin_dir)/pg_ctl" -D "$d/data" -m fast -w stop >/dev/null 2>&1 || true
  done
  # gpg --symmetric (gzip-gpg) and the stock-tool check of the nights start a gpg-agent for this
  # home: stop it, or it outlives the bench.
  [ -d "$out/gnupg" ] && gpgconf --homedir "$out/gnupg" --kill all >/dev/null 2>&1 || true
}
trap cleanup EXIT

# start_cluster SCALE: a cluster holding the dataset at SCALE, generated once and kept.
start_cluster() {
  local s=$1 dir="$work/pg-$1"
  if [ -f "$dir/dataset-done" ] && [ -f "$dir/env" ]; then
    source "$dir/env"
    pg_as_owner "$(pg_bin_dir)/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120 start >/dev/null
    export PGHOST PGPORT PGUSER PGPASSWORD
    echo "== reusing the dataset (scale $s) in $dir"
    return
  fi
  rm -rf "$dir"
  pg_throwaway_start "$dir" "fsync = off" "shared_buffers = 512MB"
  printf 'PGHOST=%s\nPGPORT=%s\nPGUSER=%s\nPGPASSWORD=%s\n' "$PGHOST" "$PGPORT" "$PGUSER" "$PGPASSWORD" > "$dir/env"
  echo "== generating the dataset (scale $s)"
  psql -Xq -d postgres -c "CREATE DATABASE shop"
  psql -Xq -v scale="$s" -f scripts/bench/dataset.sql shop
  touch "$dir/dataset-done"
}
stop_cluster() { pg_as_owner "$(pg_bin_dir)/pg_ctl" -D "$work/pg-$1/data" -m fast -w stop >/dev/null 2>&1 || true; }

echo "== starting the embedded S3-compatible server (s3proxy, filesystem backend)"
# io.dbbackup.testing.S3ProxyMain (backup-test-support): the tests' s3proxy as a process; the same
# classpath lets docker/runner-aot.sh train the runner's cache on an S3 backup too.
[ -f backup-test-support/target/classes/io/dbbackup/testing/S3ProxyMain.class ] ||
  scripts/mvn -B -ntp -q -pl backup-test-support compile
scripts/mvn -B -ntp -q -pl backup-test-support dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$out/s3.classpath" >/dev/null
s3_server_cp="$here/backup-test-support/target/classes:$(cat "$out/s3.classpath")"
"$JAVA_HOME/bin/java" -Xmx512m ${S3_JAVA_OPTS:-} -cp "$s3_server_cp" io.dbbackup.testing.S3ProxyMain bench > "$out/s3.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do grep -q '^endpoint=' "$out/s3.log" && break; sleep 0.5; done
read -r s3_endpoint _ s3_access s3_secret < <(grep '^endpoint=' "$out/s3.log" | sed 's/[a-z_]*=//g')

echo "== an OpenPGP key for the runner (public part only) and a passphrase for gpg --symmetric"
export GNUPGHOME="$out/gnupg"; mkdir -p "$GNUPGHOME"; chmod 700 "$GNUPGHOME"
gpg --batch -q --passphrase '' --quick-gen-key backup@bench.test future-default default never
mkdir -p "$out/secrets/pg" "$out/secrets/pubkeys" "$out/secrets/s3"; chmod -R go-rwx "$out/secrets"
gpg --batch -q --armor --export backup@bench.test > "$out/secrets/pubkeys/backup.asc"
printf '%s' "$s3_access" > "$out/secrets/s3/AWS_ACCESS_KEY_ID"
printf '%s' "$s3_secret" > "$out/secrets/s3/AWS_SECRET_ACCESS_KEY"
printf 'bench passphrase' > "$out/passphrase"

# runner_config NAME COMPRESSION VERIFY STORAGE(volume|s3) ENCRYPT(yes|no) [VERIFICATION MODE]
runner_config() {
  local storage encryption="" verification=""
  if [ "$4" = s3 ]; then
    storage="s3: {bucket: bench, prefix: runs, endpoint: \"$s3_endpoint\", region: us-east-1, forcePathStyle: true, credentialsSecretRef: {name: s3}}"
  else
    storage="volume: {path: $out/volume}"
  fi
  [ "$5" = yes ] && encryption="  encryption: {publicKeysSecretRef: {name: pubkeys}}"
  [ -n "${6:-}" ] && verification="  verification: {mode: $6}"
  cat > "$out/$1.yaml" <<YAML
apiVersion: dbbackup.io/v1alpha1
kind: DatabaseBackup
metadata: {name: $1, namespace: bench}
spec:
  compression: $2
  verify: $3
  database:
    host: $PGHOST
    port: $PGPORT
    user: $PGUSER
    passwordSecretRef: {name: pg, key: password}
  storage:
    $storage
$encryption
$verification
YAML
}

declare -A CMD WALL CPU RSS SIZE
runner_cmd() { echo "scripts/backup-runner backup -f '$out/$1.yaml' --secrets-dir '$out/secrets' > '$out/$1.log'"; }
define_commands() {
  ( umask 077; printf '%s' "$PGPASSWORD" > "$out/secrets/pg/password" )
  CMD[floor]='pg_dumpall > /dev/null'
  CMD[gzip]="pg_dumpall | gzip -6 > '$out/f.gz'"
  CMD[pigz]="pg_dumpall | pigz -6 > '$out/f.gz'"
  CMD[gzip-gpg]="pg_dumpall | gzip -6 | gpg --batch --pinentry-mode loopback --passphrase-file '$out/passphrase' --symmetric --cipher-algo AES256 -o - > '$out/f.gz.gpg'"
  # restore-pipeline: the stock way to prove a backup restores — a fresh cluster (initdb, start),
  # then the runner's own gzip dump (the last runner-volume-restore run's) through gunzip into psql
  # (over the Unix socket: the dump sets the source's password for postgres), failing on any ERROR
  # but the one `role "postgres" already exists` a cluster bootstrapped as postgres gives, then the
  # cluster stopped and removed; what verification by restore does after its read-back.
  CMD[restore-pipeline]="source scripts/lib/pg.sh && pg_throwaway_start '$out/pg-restore' 'fsync = off' >/dev/null &&
    gunzip -c '$out/restore-input.sql.gz' | PGHOST='$out/pg-restore' psql -Xq -d postgres >/dev/null 2>'$out/restore-pipeline.err' &&
    ! grep -v 'role \"postgres\" already exists' '$out/restore-pipeline.err' | grep -q ERROR &&
    pg_throwaway_stop '$out/pg-restore'"
  for r in runner-volume runner-volume-verify runner-volume-restore runner-volume-zstd runner-volume-zstd-gpg runner-s3-gpg runner-s3-gpg-verify runner-s3-gpg-zstd; do
    CMD[$r]=$(runner_cmd "$r")
  done
  runner_config runner-volume "{algorithm: gzip, level: 6}" false volume no
  runner_config runner-volume-verify "{algorithm: gzip, level: 6}" true volume no
  runner_config runner-volume-restore "{algorithm: gzip, level: 6}" true volume no restore
  runner_config runner-volume-zstd "{algorithm: zstd, level: 3}" false volume no
  runner_config runner-volume-zstd-gpg "{algorithm: zstd, level: 3}" false volume yes
  runner_config runner-s3-gpg "{algorithm: gzip, level: 6}" false s3 yes
  runner_config runner-s3-gpg-verify "{algorithm: gzip, level: 6}" true s3 yes
  runner_config runner-s3-gpg-zstd "{algorithm: zstd, level: 3}" false s3 yes
}

stored_size() {
  case $1 in
    floor) echo 0 ;;
    gzip|pigz) stat -c %s "$out/f.gz" ;;
    gzip-gpg) stat -c %s "$out/f.gz.gpg" ;;
    restore-pipeline) echo 0 ;;
    runner-*) sed -n 's/.*event=summary.* stored_bytes=\([0-9]*\).*/\1/p' "$out/$1.log" | tail -n1 ;;
  esac
}

# measure NAME: one timed run; appends to WALL/CPU/RSS; fails loudly when the command fails
measure() {
  local name=$1
  rm -rf "$out/volume" "$out"/f.gz* "$out/pg-restore"
  if ! /usr/bin/time -f '%e %U %S %M' -o "$out/time" bash -o pipefail -c "${CMD[$name]}"; then
    echo "bench: $name failed" >&2; [ -f "$out/$name.log" ] && tail -n 5 "$out/$name.log" >&2; exit 1
  fi
  read -r wall user sys rss < "$out/time"
  WALL[$name]+="$wall "; CPU[$name]+="$(echo "$user + $sys" | bc) "; RSS[$name]+="$rss "
  SIZE[$name]=$(stored_size "$name")
  [ "$name" = runner-volume-restore ] && restore_figures "$name"
  printf '   %-22s wall %6.1fs cpu %6.1fs rss %7d KiB\n' "$name" "$wall" "$(echo "$user + $sys" | bc)" "$rss"
}

# restore_figures NAME: what verification by restore recorded in the manifest (rows, its own
# duration), kept per round for the throughput table.
declare -A RESTORE_SECONDS
restore_rows=0
restore_figures() {
  local m; m=$(ls "$out"/volume/bench/"$1"/*/manifest.json | tail -n1)
  [ "$(jq -r '.verification.restore.result' "$m")" = passed ] || { echo "bench: $1 did not pass verification by restore" >&2; exit 1; }
  restore_rows=$(jq -r '.verification.restore.rows' "$m")
  RESTORE_SECONDS[$1]+="$(jq -r '.verification.restore.durationSeconds' "$m") "
  cp "$(ls "$out"/volume/bench/"$1"/*/dump.sql.gz | tail -n1)" "$out/restore-input.sql.gz"
}

median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { printf '%.2fx' "$(echo "$1 / $2" | bc -l)"; }

# Incremental backups (issue 14): seven simulated nights. A copy of the dataset's cluster (the
# kept dataset stays as generated) gets a first backup, then each night scripts/bench/night.sql's
# change; after each, one backup with `type: full` and one with `type: incremental`, each to a
# volume of its own, zstd 3 + OpenPGP (public key), verify off, retention keeping every night.
# Figures from each run's manifest.json and GNU time; total storage with du -sb.
nights_config() {
  local incremental=""
  [ "$1" = incremental ] && incremental="  incremental: {chunkKeySecretRef: {name: chunk, key: key}}"
  cat > "$out/nights-$1.yaml" <<YAML
apiVersion: dbbackup.io/v1alpha1
kind: DatabaseBackup
metadata: {name: nights-$1, namespace: bench}
spec:
  type: $1
$incremental
  retention: {days: 30, minKeep: 10}
  compression: {algorithm: zstd, level: 3}
  verify: false
  database:
    host: $PGHOST
    port: $PGPORT
    user: $PGUSER
    passwordSecretRef: {name: pg, key: password}
  storage:
    volume: {path: $out/nights-$1}
  encryption: {publicKeysSecretRef: {name: pubkeys}}
YAML
}

# nights_run TYPE NIGHT: one timed backup; its figures into the N_* arrays under "TYPE/NIGHT"
declare -A N_WALL N_CPU N_RSS N_STORED N_DUMP N_CHUNKS N_NEW N_REF
nights_run() {
  local type=$1 night=$2 k="$1/$2" log="$out/nights-$1-$2.log" m wall user sys rss stored dump chunks new ref
  if ! /usr/bin/time -f '%e %U %S %M' -o "$out/time" \
      scripts/backup-runner backup -f "$out/nights-$type.yaml" --secrets-dir "$out/secrets" > "$log" 2>&1; then
    echo "bench: night $night, type $type failed" >&2; tail -n 5 "$log" >&2; exit 1
  fi
  read -r wall user sys rss < "$out/time"
  m=$(ls -d "$out/nights-$type/bench/nights-$type"/2*/ | tail -n1)manifest.json
  read -r stored dump chunks new ref < <(jq -r '[.storedBytes, .dumpBytes, (.incremental.chunks // 0),
    (.incremental.newChunks // 0), (.incremental.referencedBytes // .storedBytes)] | @tsv' "$m")
  N_WALL[$k]=$wall; N_CPU[$k]=$(echo "$user + $sys" | bc); N_RSS[$k]=$rss
  N_STORED[$k]=$stored; N_DUMP[$k]=$dump; N_CHUNKS[$k]=$chunks; N_NEW[$k]=$new; N_REF[$k]=$ref
  printf '   night %d %-11s wall %6.1fs cpu %6.1fs stored %11d bytes' "$night" "$type" "$wall" "${N_CPU[$k]}" "$stored"
  [ "$type" = incremental ] && printf ' (%d of %d chunks new, %d bytes referenced)' "$new" "$chunks" "$ref"
  echo
}

mib() { printf '%.1f' "$(echo "$1 / 1048576" | bc -l)"; }

nights_bench() {
  local s=$nights_scale dir="$work/nights-$nights_scale" night type load
  local -a what=("the dataset as generated (first backup)" "a day" "a day" "a day + 1% of all orders updated at random"
    "a day" "a day + events rewritten (CLUSTER by user)" "a day" "a day")
  local -A LOAD
  echo "== incremental: seven simulated nights on a copy of the dataset (scale $s)"
  start_cluster "$s"; stop_cluster "$s"
  rm -rf "$dir"; cp -a "$work/pg-$s" "$dir"
  PGPORT=$(pg_free_port); export PGPORT
  printf "port = %s\nunix_socket_directories = '%s'\n" "$PGPORT" "$dir" >> "$dir/data/postgresql.conf"
  pg_as_owner "$(pg_bin_dir)/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120 start >/dev/null
  (
    umask 077; mkdir -p "$out/secrets/chunk"
    printf '%s' "$PGPASSWORD" > "$out/secrets/pg/password"
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$out/secrets/chunk/key"
  )
  rm -rf "$out/nights-full" "$out/nights-incremental"
  nights_config full; nights_config incremental
  for night in 0 1 2 3 4 5 6 7; do
    if [ "$night" -gt 0 ]; then
      /usr/bin/time -f '%e' -o "$out/time" psql -Xq -v night="$night" -v scale="$s" -f scripts/bench/night.sql shop
      echo "== night $night: ${what[$night]} (change applied in $(cat "$out/time") s)"
    else
      echo "== night 0: ${what[0]}"
    fi
    LOAD[$night]=$(cut -d' ' -f1 /proc/loadavg)
    # alternate which type runs first, so neither always finds the other's pages in the cache
    if [ $((night % 2)) = 0 ]; then set -- full incremental; else set -- incremental full; fi
    for type in "$@"; do nights_run "$type" "$night"; done
  done

  # The last incremental backup, with stock tools only (docs/operations.md): every chunk in index
  # order, decrypted one message per gpg call, through zstd -dc, is the dump the manifest names.
  local last want got
  last=$(ls -d "$out/nights-incremental/bench/nights-incremental"/2*/ | tail -n1)
  want=$(jq -r .plainSha256 "$last/manifest.json")
  got=$(cd "$last" && jq -r '.chunks[].file' index.json | while read -r f; do gpg --batch -q -d "../$f"; done |
    zstd -dc | sha256sum | cut -d' ' -f1)
  [ "$got" = "$want" ] || { echo "bench: the last incremental backup does not reassemble to its dump (sha256 $got, manifest $want)" >&2; exit 1; }
  echo "   night 7's incremental backup reassembled with jq, gpg and zstd: sha256 matches the manifest"

  local du_full du_inc sum_full=0 sum_inc=0 wall_full=0 wall_inc=0 cpu_full=0 cpu_inc=0
  du_full=$(du -sb "$out/nights-full" | cut -f1); du_inc=$(du -sb "$out/nights-incremental" | cut -f1)
  pg_as_owner "$(pg_bin_dir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  {
    echo
    echo "Incremental backups: seven simulated nights (scale $s; zstd 3 + OpenPGP to a volume, verify off; one run of each per night)."
    echo
    echo "| night | change | dump MiB | full: stored MiB | full: wall s (CPU s) | incremental: new / all chunks | incremental: stored MiB | incremental: referenced MiB | incremental: wall s (CPU s) | stored, incr. vs full | wall, incr. vs full | load 1 min |"
    echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for night in 0 1 2 3 4 5 6 7; do
      local f="full/$night" i="incremental/$night"
      printf '| %d | %s | %s | %s | %.1f (%.1f) | %d / %d | %s | %s | %.1f (%.1f) | %.1f%% | %s | %s |\n' "$night" "${what[$night]}" \
        "$(mib "${N_DUMP[$i]}")" "$(mib "${N_STORED[$f]}")" "${N_WALL[$f]}" "${N_CPU[$f]}" "${N_NEW[$i]}" "${N_CHUNKS[$i]}" \
        "$(mib "${N_STORED[$i]}")" "$(mib "${N_REF[$i]}")" "${N_WALL[$i]}" "${N_CPU[$i]}" \
        "$(echo "100 * ${N_STORED[$i]} / ${N_STORED[$f]}" | bc -l)" "$(ratio "${N_WALL[$i]}" "${N_WALL[$f]}")" "${LOAD[$night]}"
      sum_full=$((sum_full + N_STORED[$f])); sum_inc=$((sum_inc + N_STORED[$i]))
      wall_full=$(echo "$wall_full + ${N_WALL[$f]}" | bc); wall_inc=$(echo "$wall_inc + ${N_WALL[$i]}" | bc)
      cpu_full=$(echo "$cpu_full + ${N_CPU[$f]}" | bc); cpu_inc=$(echo "$cpu_inc + ${N_CPU[$i]}" | bc)
    done
    echo
    echo "| after 8 backups (night 0 and seven nights) | full | incremental | incremental vs full |"
    echo "|---|---:|---:|---:|"
    printf '| bytes stored, sum of the manifests'"'"' storedBytes | %d | %d | %.1f%% |\n' "$sum_full" "$sum_inc" "$(echo "100 * $sum_inc / $sum_full" | bc -l)"
    printf '| the store on disk (du -sb: backups, indexes, manifests, chunks) | %d | %d | %.1f%% |\n' "$du_full" "$du_inc" "$(echo "100 * $du_inc / $du_full" | bc -l)"
    printf '| wall time of the 8 runs, s | %.1f | %.1f | %s |\n' "$wall_full" "$wall_inc" "$(ratio "$wall_inc" "$wall_full")"
    printf '| CPU time of the 8 runs (user + sys), s | %.1f | %.1f | %s |\n' "$cpu_full" "$cpu_inc" "$(ratio "$cpu_inc" "$cpu_full")"
    echo
    echo "A day (scripts/bench/night.sql): 1% more orders and events appended; a third of the newest 3% of orders change status"
    echo "(about 1% of the table); 1% of customers' credit at random; VACUUM ANALYZE."
  } | tee -a "$work/results.md"
  rm -rf "$dir" "$out/nights-full" "$out/nights-incremental"
}

# The runner starts as its image does: on Java 25+ with the ahead-of-time cache the image build
# trains on real backups to a volume and to S3 (docker/runner-aot.sh; scripts/backup-runner uses
# it), otherwise with the class-data archive the first run below writes. BENCH_AOT=0 measures the
# runner as `make build` leaves it: no ahead-of-time cache (scripts/backup-runner then uses the
# class-data archive).
if [ "${BENCH_AOT:-1}" = 0 ]; then
  echo "== no ahead-of-time cache (BENCH_AOT=0): the runner as make build leaves it"
  rm -f backup-runner/target/backup-runner.aot
elif [ "$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release")" -ge 25 ]; then
  echo "== the runner's ahead-of-time cache, trained as the image build trains it"
  AOT_S3_SERVER_CLASSPATH=$s3_server_cp sh docker/runner-aot.sh "$JAVA_HOME/bin/java" \
    backup-runner/target/backup-runner.jar docker/runner-jvm.args backup-runner/target/backup-runner.aot >/dev/null
fi

if [ "$bench_incremental" = only ]; then
  : > "$work/results.md"
  nights_bench
  exit 0
fi

start_cluster "$scale"
define_commands
echo "== warm-up: pg_dumpall > /dev/null"
dump_bytes=$(pg_dumpall | wc -c)
echo "   pg_dumpall output: $dump_bytes bytes"
# BENCH_ONLY="floor runner-s3-gpg-zstd" measures a subset (the ratios need floor, gzip and pigz).
restore_cmds=$([ "$bench_restore" = 0 ] || echo "runner-volume-restore restore-pipeline")
read -r -a ORDER <<< "${BENCH_ONLY:-floor gzip pigz gzip-gpg runner-volume runner-volume-verify $restore_cmds runner-volume-zstd runner-volume-zstd-gpg runner-s3-gpg runner-s3-gpg-verify runner-s3-gpg-zstd}"
echo "== warm-up: one runner run"
measure runner-volume >/dev/null
WALL=(); CPU=(); RSS=()
for round in $(seq 1 "$rounds"); do
  echo "== round $round of $rounds"
  for name in "${ORDER[@]}"; do measure "$name"; done
done
rm -rf "$out/volume" "$out"/f.gz*
stop_cluster "$scale"

floor=$(echo "${WALL[floor]:-1}" | median); gz=$(echo "${WALL[gzip]:-1}" | median); pz=$(echo "${WALL[pigz]:-1}" | median)
{
  echo "Dataset: scale $scale, pg_dumpall output $dump_bytes bytes ($(echo "scale=2; $dump_bytes/1073741824" | bc) GiB); median of $rounds rounds."
  echo
  echo "| command | wall s | CPU s | peak RSS MiB | stored bytes | reduction | vs gzip pipeline | vs pigz pipeline | vs floor |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for name in "${ORDER[@]}"; do
    w=$(echo "${WALL[$name]}" | median); c=$(echo "${CPU[$name]}" | median); r=$(echo "${RSS[$name]}" | median)
    s=${SIZE[$name]:-0}
    red=$([ "${s:-0}" -gt 0 ] && echo "$(echo "scale=1; 100 - 100 * $s / $dump_bytes" | bc)%" || echo "-")
    printf '| %s | %.1f | %.1f | %d | %s | %s | %s | %s | %s |\n' "$name" "$w" "$c" "$((r / 1024))" "$s" "$red" \
      "$(ratio "$w" "$gz")" "$(ratio "$w" "$pz")" "$(ratio "$w" "$floor")"
  done
} | tee "$work/results.md"

# Verification by restore: its cost against the same backup with checksum verification, and its
# restore against the stock pipeline's.
if [ -n "${WALL[runner-volume-restore]:-}" ]; then
  rw=$(echo "${WALL[runner-volume-restore]}" | median); rr=$(echo "${RSS[runner-volume-restore]}" | median)
  rs=$(echo "${RESTORE_SECONDS[runner-volume-restore]}" | median)
  mib=$(echo "$dump_bytes / 1048576" | bc -l)
  {
    echo
    echo "Verification by restore (median of $rounds rounds; $restore_rows rows restored):"
    echo
    echo "| | wall s | peak RSS MiB | ratio wall | ratio peak RSS |"
    echo "|---|---:|---:|---:|---:|"
    if [ -n "${WALL[runner-volume-verify]:-}" ]; then
      cw=$(echo "${WALL[runner-volume-verify]}" | median); cr=$(echo "${RSS[runner-volume-verify]}" | median)
      printf '| runner, gzip 6, volume, verification checksum | %.1f | %d | 1.00x | 1.00x |\n' "$cw" "$((cr / 1024))"
      printf '| runner, gzip 6, volume, verification restore | %.1f | %d | %s | %s |\n' "$rw" "$((rr / 1024))" "$(ratio "$rw" "$cw")" "$(ratio "$rr" "$cr")"
    fi
    echo
    echo "| restore of the same plain dump | s | MiB/s of plain dump | rows/s |"
    echo "|---|---:|---:|---:|"
    printf '| runner: the restore step of verification (read back, gunzip, psql, count) | %.1f | %.1f | %.0f |\n' \
      "$rs" "$(echo "$mib / $rs" | bc -l)" "$(echo "$restore_rows / $rs" | bc -l)"
    if [ -n "${WALL[restore-pipeline]:-}" ]; then
      pw=$(echo "${WALL[restore-pipeline]}" | median)
      printf '| initdb, start, `gunzip -c dump.sql.gz \\| psql`, stop | %.1f | %.1f | %.0f |\n' \
        "$pw" "$(echo "$mib / $pw" | bc -l)" "$(echo "$restore_rows / $pw" | bc -l)"
    fi
  } | tee -a "$work/results.md"
fi

if [ "$memory_scale" != 0 ]; then
  echo "== peak RSS with twice the data (scale $memory_scale)"
  start_cluster "$memory_scale"
  define_commands
  big_bytes=$(pg_dumpall | wc -c)
  WALL=(); CPU=(); RSS=()
  for name in runner-volume runner-s3-gpg runner-s3-gpg-zstd; do measure "$name"; done
  stop_cluster "$memory_scale"
  {
    echo
    echo "Twice the data: scale $memory_scale, pg_dumpall output $big_bytes bytes; one run each."
    echo
    echo "| command | wall s | peak RSS MiB |"
    echo "|---|---:|---:|"
    for name in runner-volume runner-s3-gpg runner-s3-gpg-zstd; do
      printf '| %s | %.1f | %d |\n' "$name" "$(echo "${WALL[$name]}" | median)" "$(( $(echo "${RSS[$name]}" | median) / 1024 ))"
    done
  } | tee -a "$work/results.md"
fi
{
  echo
  echo "Commands: floor \`pg_dumpall > /dev/null\`; gzip \`pg_dumpall | gzip -6 > f\`; pigz \`pg_dumpall | pigz -6 > f\`;"
  echo "gzip-gpg \`pg_dumpall | gzip -6 | gpg --symmetric --cipher-algo AES256 > f\`; runner-* \`scripts/backup-runner backup -f X.yaml --secrets-dir DIR\`:"
  echo "volume = gzip 6 to a directory (-zstd: zstd 3; -zstd-gpg: zstd 3 and OpenPGP); s3-gpg = gzip 6, OpenPGP (public key), SHA-256, upload to the local s3proxy;"
  echo "-verify = the same with read-back verification; -zstd = zstd 3 instead of gzip. History on for every runner run."
  echo "-restore = -verify with verification.mode restore; restore-pipeline = initdb, start, \`gunzip -c | psql\` of the runner's dump (no ERROR but role postgres exists), stop."
} | tee -a "$work/results.md"
[ "$bench_incremental" = 1 ] && nights_bench
exit 0
