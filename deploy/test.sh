#!/usr/bin/env bash
# Installs what is missing, builds (Debug, with tests), runs every test with ctest,
# then runs the fuzz targets for a short fixed budget (BARAZA_FUZZ_SECONDS, default 20;
# 0 skips them). Extra arguments go to ctest, e.g. ./deploy/test.sh -R e2e
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

BUILD="$ROOT/build-test"
# chromium: the public page is checked in a real browser (tests/web/); systemd for
# systemd-analyze (the unit's hardening gate); python3-grpcio and python3-grpc-tools
# for the Python example (examples/python); prometheus: its promtool checks the
# alert rules (deploy/prometheus/); postgresql-15: the PostgreSQL store's tests
# start a real server (tests/fakes/postgres_server.cc) or a primary and a standby
# (postgres_cluster.cc); python3-yaml reads the Patroni recipe (deploy/patroni/).
ensure_packages "${BARAZA_PACKAGES[@]}" chromium systemd python3-grpcio python3-grpc-tools prometheus \
  postgresql-15 python3-yaml
build_tree "$BUILD" Debug -DBUILD_TESTING=ON
say "running the tests"
(cd "$BUILD" && ctest --output-on-failure -j"${BARAZA_JOBS:-$(nproc 2>/dev/null || echo 2)}" \
   --timeout 600 "$@")
FUZZ_SECONDS="${BARAZA_FUZZ_SECONDS:-20}"
if [ "$FUZZ_SECONDS" != 0 ] && [ $# -eq 0 ]; then
  "$ROOT/deploy/fuzz.sh" "$FUZZ_SECONDS"
fi
