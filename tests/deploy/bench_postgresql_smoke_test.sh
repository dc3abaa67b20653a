#!/usr/bin/env bash
# The benchmark on PostgreSQL, as ./deploy/bench.sh --store postgresql runs it: a smoke run
# against a primary and synchronous standby from deploy/pg-local.sh answers without errors
# and reports each server's CPU per request beside barazad's (--pg-data): the primary's is
# not zero for the durable writes. No timing is asserted. Skipped (77) without PostgreSQL 15.
set -euo pipefail
pg_local="$1" bench="$2" barazad="$3" echo_bin="$4"
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  echo "SKIP: PostgreSQL 15 is not installed (apt-get install postgresql-15)"
  exit 77
fi
dir="$(mktemp -d "${TMPDIR:-/tmp}/baraza-bench-pg-test-XXXXXX")"  # empty, this user's
work="$(mktemp -d "${TMPDIR:-/tmp}/baraza-bench-pg-work-XXXXXX")"
# (stop refuses a folder its start did not mark: rmdir takes it back when start failed)
trap '"$pg_local" stop "$dir" >/dev/null 2>&1 || true; rmdir "$dir" 2>/dev/null || true; rm -rf "$work"' EXIT
uri="$("$pg_local" start "$dir")"
"$bench" --smoke --barazad "$barazad" --echo "$echo_bin" --work "$work/bench" --store "$uri" \
  --pg-data "$dir/primary" --pg-data "$dir/standby" >"$work/out" 2>"$work/err" ||
  { cat "$work/err"; echo "the smoke run failed"; exit 1; }
cat "$work/out"
grep -q "| PostgreSQL primary CPU µs/req | PostgreSQL standby CPU µs/req |$" "$work/out" ||
  { echo "no PostgreSQL CPU columns in the table"; exit 1; }
# The primary's CPU (column 11) summed over the durable-write rows: some 400 writes.
primary="$(awk -F'|' '/durable write/ { s += $11 } END { print s + 0 }' "$work/out")"
echo "primary CPU µs/req summed over the durable-write rows: $primary"
awk -v p="$primary" 'BEGIN { exit !(p > 0) }' || { echo "the primary's CPU was not counted"; exit 1; }
echo "ok: the smoke run on PostgreSQL reports each server's CPU"
