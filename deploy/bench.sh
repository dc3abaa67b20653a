#!/usr/bin/env bash
# Builds Release and measures barazad against an empty gRPC echo server built in
# the same tree, on 127.0.0.1 only; prints the table and writes docs/benchmarks.md
# (with docs/benchmarks-notes.md appended). Extra arguments go to baraza-bench,
# e.g. ./deploy/bench.sh --runs 5 --seconds 5, or --smoke for a quick check.
# BARAZA_BENCH_METRICS=1 runs every barazad with --metrics (what metrics cost) and
# writes build-release/benchmarks-metrics.md instead of docs/benchmarks.md, so that
# each row can be compared with the same row measured without.
# --store postgresql: the same workloads on a local PostgreSQL primary with a synchronous
# standby, started and removed by this script (deploy/pg-local.sh); results in
# docs/benchmarks-postgresql.md. --store postgresql://... measures an existing database.
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
# --store postgresql (no URI): a local primary and synchronous standby on 127.0.0.1 are
# started for the run in a temporary folder (deploy/pg-local.sh) and removed afterwards.
postgres=0
local_pg=""
watch=()
args=()
prev=""
for a in "$@"; do
  if [ "$prev" = --store ]; then
    postgres=1
    if [ "$a" = postgresql ]; then
      ensure_packages postgresql-15
      local_pg="$(mktemp -d "${TMPDIR:-/tmp}/baraza-bench-pg-XXXXXX")"  # empty, ours: pg-local.sh takes it
      trap '"$ROOT/deploy/pg-local.sh" stop "$local_pg"' EXIT
      say "starting a local PostgreSQL primary and synchronous standby in $local_pg"
      a="$("$ROOT/deploy/pg-local.sh" start "$local_pg")"
      # its CPU a request, beside barazad's and the load generator's
      watch=(--pg-data "$local_pg/primary" --pg-data "$local_pg/standby")
    fi
  fi
  args+=("$a")
  prev="$a"
done
set -- "${args[@]}" "${watch[@]}"
[ $postgres = 1 ] && [ ${#out[@]} -gt 0 ] &&
  out=(--markdown "$ROOT/docs/benchmarks-postgresql.md"
       --notes "$ROOT/docs/benchmarks-postgresql-notes.md")
say "measuring (the load generator shares the cores with the servers; keep the machine idle)"
"$BUILD/bench/baraza-bench" --barazad "$BUILD/barazad" --echo "$BUILD/bench/bench-echo" \
  --work "${TMPDIR:-/tmp}/baraza-bench" "${metrics[@]}" "${out[@]}" "$@"
if [ -n "$local_pg" ] && [ ${#out[@]} -gt 0 ]; then
  cat >>"$ROOT/docs/benchmarks-postgresql.md" <<'NOTE'

## The PostgreSQL it ran on

`./deploy/bench.sh --store postgresql`: PostgreSQL 15 (Debian) started for the run by
`deploy/pg-local.sh` on this machine: a primary and a synchronous streaming standby on
127.0.0.1 (`synchronous_standby_names = 'standby'`, `synchronous_commit = on`, `fsync = on`),
barazad on `postgresql://...@127.0.0.1:P1,127.0.0.1:P2/baraza?target_session_attrs=read-write`.
A commit is answered once the primary and the standby both have it on disk: the cost of
replication here is a loopback round trip and the standby's fsync, on the same disk and cores
as everything else; across a network add the round trip to the standby. The SQLite figures of
the same build are in [benchmarks.md](benchmarks.md).
NOTE
fi
[ $postgres = 1 ] && exit 0
# Reach: durable writes with and without contact points, and the outbox's drain rate.
reach=(--work "${TMPDIR:-/tmp}/baraza-bench-reach" "${metrics[@]}")
for a in "$@"; do [ "$a" = --smoke ] && reach+=(--runs 1 --seconds 1 --inflight 32); done
[ ${#out[@]} -gt 0 ] && reach+=(--markdown "$markdown")
"$BUILD/bench/baraza-bench-reach" --barazad "$BUILD/barazad" "${reach[@]}"
