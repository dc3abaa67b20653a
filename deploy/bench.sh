#!/usr/bin/env bash
# Builds Release and measures barazad against an empty gRPC echo server built in
# the same tree, on 127.0.0.1 only; prints the table and writes docs/benchmarks.md
# (with docs/benchmarks-notes.md appended). Extra arguments go to baraza-bench,
# e.g. ./deploy/bench.sh --runs 5 --seconds 5, or --smoke for a quick check.
# BARAZA_BENCH_METRICS=1 runs every barazad with --metrics (what metrics cost) and
# writes build-release/benchmarks-metrics.md instead of docs/benchmarks.md, so that
# each row can be compared with the same row measured without.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

BUILD="$ROOT/build-release"
# nghttp2-client: h2load, the outside load generator beside baraza-bench.
ensure_packages "${BARAZA_PACKAGES[@]}" nghttp2-client
build_tree "$BUILD" Release -DBUILD_TESTING=OFF
markdown="$ROOT/docs/benchmarks.md"
metrics=()
if [ "${BARAZA_BENCH_METRICS:-0}" = 1 ]; then
  markdown="$BUILD/benchmarks-metrics.md"
  metrics=(--barazad-metrics)
  say "barazad runs with --metrics; results go to ${markdown#$ROOT/}"
fi
out=(--markdown "$markdown" --notes "$ROOT/docs/benchmarks-notes.md")
for a in "$@"; do [ "$a" = --smoke ] && out=(); done
# --store postgresql://... (an empty database): the same workloads on PostgreSQL, written
# to docs/benchmarks-postgresql.md; the reach benchmark stays on SQLite and is skipped.
postgres=0
for a in "$@"; do [ "$a" = --store ] && postgres=1; done
[ $postgres = 1 ] && [ ${#out[@]} -gt 0 ] && out=(--markdown "$ROOT/docs/benchmarks-postgresql.md")
say "measuring (the load generator shares the cores with the servers; keep the machine idle)"
"$BUILD/bench/baraza-bench" --barazad "$BUILD/barazad" --echo "$BUILD/bench/bench-echo" \
  --work "${TMPDIR:-/tmp}/baraza-bench" "${metrics[@]}" "${out[@]}" "$@"
[ $postgres = 1 ] && exit 0
# Reach: durable writes with and without contact points, and the outbox's drain rate.
reach=(--work "${TMPDIR:-/tmp}/baraza-bench-reach" "${metrics[@]}")
for a in "$@"; do [ "$a" = --smoke ] && reach+=(--runs 1 --seconds 1 --inflight 32); done
[ ${#out[@]} -gt 0 ] && reach+=(--markdown "$markdown")
"$BUILD/bench/baraza-bench-reach" --barazad "$BUILD/barazad" "${reach[@]}"
