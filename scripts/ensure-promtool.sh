#!/usr/bin/env bash
# promtool, Prometheus' rule checker, for the chart's alert tests (deploy-tests
# PrometheusRulesTest): taken from Debian's prometheus package without installing or starting the
# Prometheus server. Best effort: without promtool those tests are skipped with a message.
set -uo pipefail
command -v promtool >/dev/null && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
  echo "ensure-promtool: promtool missing; the alert rule tests will be skipped (Debian: apt-get install prometheus)" >&2
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 0
if ! apt-get download prometheus >/dev/null 2>&1; then
  apt-get update -qq >/dev/null 2>&1
  if ! apt-get download prometheus >/dev/null 2>&1; then
    echo "ensure-promtool: could not download Debian's prometheus package; the alert rule tests will be skipped" >&2
    exit 0
  fi
fi
dpkg-deb -x prometheus_*.deb pkg && install -m 0755 pkg/usr/bin/promtool /usr/local/bin/promtool \
  && echo "ensure-promtool: installed /usr/local/bin/promtool ($(promtool --version 2>&1 | head -n1))"
exit 0
