#!/usr/bin/env bash
# Installs what the tests and the demo need on a fresh Debian machine when it is missing:
# PostgreSQL server and client binaries, the stock tools used as oracles, and libdeflate.
set -euo pipefail

missing=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || missing+=(postgresql)
command -v psql >/dev/null || missing+=(postgresql-client)
command -v gpg >/dev/null || missing+=(gnupg)
command -v zstd >/dev/null || missing+=(zstd)
command -v gzip >/dev/null || missing+=(gzip)
command -v sha256sum >/dev/null || missing+=(coreutils)
command -v runuser >/dev/null || missing+=(util-linux)
command -v mvn >/dev/null || missing+=(maven)
# libdeflate: the runner's gzip engine (the JDK's zlib is the fallback; the tests use both).
ldconfig -p 2>/dev/null | grep -q 'libdeflate\.so\.0' || [ -e /usr/lib/x86_64-linux-gnu/libdeflate.so.0 ] ||
  [ -e /usr/lib/aarch64-linux-gnu/libdeflate.so.0 ] || missing+=(libdeflate0)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "ensure-deps: missing ${missing[*]}; install them (Debian: apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "ensure-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's postgresql package starts a cluster of its own; the tests start throwaway ones and
# do not need it, so leave it alone. PostgreSQL refuses to run as root: tests run it as postgres.
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi
exit 0
