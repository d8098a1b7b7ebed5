#!/usr/bin/env bash
# Prints a JAVA_HOME with a JDK or JRE >= 21: $JAVA_HOME when good enough, else the newest under
# /usr/lib/jvm (Debian 12's default java is 17, too old for this project).
set -euo pipefail

# The feature version of the java at $1: from the release file beside it when there is one (no
# JVM start: this runs before every scripts/backup-runner and mvn call), else from java itself.
java_major() {
  local release v
  release="$(dirname "$(dirname "$1")")/release"
  if [ -f "$release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
    if [ -n "$v" ]; then echo "$v"; return; fi
  fi
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n1
}

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME/bin/java")" -ge 21 ]; then
  echo "$JAVA_HOME"; exit 0
fi
best="" best_major=0
for home in /usr/lib/jvm/* /opt/java/*; do
  [ -x "$home/bin/java" ] || continue
  major=$(java_major "$home/bin/java"); major=${major:-0}
  if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best=$home; best_major=$major; fi
done
if [ -z "$best" ] && command -v java >/dev/null; then
  home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  [ "$(java_major "$home/bin/java")" -ge 21 ] && best=$home
fi
[ -n "$best" ] || { echo "no JDK >= 21 found: install one or set JAVA_HOME" >&2; exit 1; }
echo "$best"
