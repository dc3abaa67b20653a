#!/usr/bin/env bash
# The Prometheus alert rules shipped in deploy/prometheus/: `promtool check rules`
# (syntax, PromQL) and `promtool test rules` (each alert fires on the series it is
# for, and not before). promtool is Debian's `prometheus` package, installed by
# deploy/test.sh; without it locally the test is skipped (exit 77), never passed.
set -euo pipefail
dir="$1"
if ! command -v promtool >/dev/null; then
  echo "SKIP: promtool not found; install Debian's prometheus package (deploy/test.sh does)"
  exit 77
fi
promtool check rules "$dir/baraza-alerts.yml"
cd "$dir" && promtool test rules baraza-alerts.test.yml
