#!/usr/bin/env bash
# Builds Release and measures barazad against an empty gRPC echo server built in
# the same tree, on 127.0.0.1 only; prints the table and writes docs/benchmarks.md
# (with docs/benchmarks-notes.md appended). Extra arguments go to baraza-bench,
# e.g. ./deploy/bench.sh --runs 5 --seconds 5, or --smoke for a quick check.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

BUILD="$ROOT/build-release"
ensure_packages "${BARAZA_PACKAGES[@]}"
build_tree "$BUILD" Release -DBUILD_TESTING=OFF
out=(--markdown "$ROOT/docs/benchmarks.md" --notes "$ROOT/docs/benchmarks-notes.md")
for a in "$@"; do [ "$a" = --smoke ] && out=(); done
# --store postgresql://... (an empty database): the same workloads on PostgreSQL, written
# to docs/benchmarks-postgresql.md; the reach benchmark stays on SQLite and is skipped.
postgres=0
for a in "$@"; do [ "$a" = --store ] && postgres=1; done
[ $postgres = 1 ] && [ ${#out[@]} -gt 0 ] && out=(--markdown "$ROOT/docs/benchmarks-postgresql.md")
say "measuring (the load generator shares the cores with the servers; keep the machine idle)"
"$BUILD/bench/baraza-bench" --barazad "$BUILD/barazad" --echo "$BUILD/bench/bench-echo" \
  --work "${TMPDIR:-/tmp}/baraza-bench" "${out[@]}" "$@"
[ $postgres = 1 ] && exit 0
# Reach: durable writes with and without contact points, and the outbox's drain rate.
reach=(--work "${TMPDIR:-/tmp}/baraza-bench-reach")
for a in "$@"; do [ "$a" = --smoke ] && reach+=(--runs 1 --seconds 1 --inflight 32); done
[ ${#out[@]} -gt 0 ] && reach+=(--markdown "$ROOT/docs/benchmarks.md")
"$BUILD/bench/baraza-bench-reach" --barazad "$BUILD/barazad" "${reach[@]}"
