#!/bin/sh
# Makes the runner's class-data-sharing archive DIR/backup-runner.jsa at image build time:
#   runner-cds.sh JAVA DIR      (DIR holds backup-runner.jar and runner-jvm.args)
# A training run (`list` on an empty volume store: config, YAML, model, validation, storage,
# logging) records the classes it loads; then a start with -Xshare:on proves the archive maps,
# failing the build instead of leaving an image that silently starts without it.
# POSIX sh: it runs in the image (Debian's dash) and in the tests.
set -eu
java=$1
dir=$2
jar=$dir/backup-runner.jar
jsa=$dir/backup-runner.jsa
args=$dir/runner-jvm.args
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/backups" "$work/secrets/pg-backup"
printf 'training' > "$work/secrets/pg-backup/password"
cat > "$work/databasebackup.yaml" <<YAML
apiVersion: dbbackup.io/v1alpha1
kind: DatabaseBackup
metadata: {name: cds-training, namespace: build}
spec:
  database: {host: localhost, user: backup, passwordSecretRef: {name: pg-backup, key: password}}
  storage: {volume: {path: $work/backups}}
YAML
rm -f "$jsa"
"$java" "@$args" "-XX:ArchiveClassesAtExit=$jsa" -jar "$jar" \
  list -f "$work/databasebackup.yaml" --secrets-dir "$work/secrets" >/dev/null
[ -s "$jsa" ] || { echo "runner-cds: no archive written to $jsa" >&2; exit 1; }
"$java" "@$args" -Xshare:on "-XX:SharedArchiveFile=$jsa" -jar "$jar" --version
