#!/usr/bin/env bash
# Installs what is missing, builds (Debug, with tests), and runs every test with ctest.
# Extra arguments go to ctest, e.g. ./deploy/test.sh -R e2e
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

BUILD="$ROOT/build-test"
ensure_packages "${BARAZA_PACKAGES[@]}"
build_tree "$BUILD" Debug -DBUILD_TESTING=ON
say "running the tests"
cd "$BUILD"
ctest --output-on-failure -j"${BARAZA_JOBS:-$(nproc 2>/dev/null || echo 2)}" --timeout 300 "$@"
