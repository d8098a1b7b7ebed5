#!/usr/bin/env bash
# Controller benchmark: a cold start against 1,000 DatabaseBackups in 20 namespaces on fabric8's
# mock API server (in the same JVM). Prints and writes backup-controller/target/benchmark-controller.txt.
# Override the size with COUNT=... NAMESPACES=...; the heap limit with HEAP=... (default 512m).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-1000}
NAMESPACES=${NAMESPACES:-20}
HEAP=${HEAP:-512m}
scripts/mvn -B -ntp -pl backup-controller -am test \
  -Dtest=ControllerBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -DargLine="-Xmx${HEAP} -Ddbbackup.bench.count=${COUNT} -Ddbbackup.bench.namespaces=${NAMESPACES}" \
  | grep -v '^\[INFO\] Download' 
cat backup-controller/target/benchmark-controller.txt
