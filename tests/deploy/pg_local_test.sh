#!/usr/bin/env bash
# deploy/pg-local.sh, which ./deploy/bench.sh --store postgresql runs against: `start`
# gives a primary and a synchronous standby on 127.0.0.1 that answer `select 1`, with the
# standby's sync_state sync, and a URI that writes on the primary; `stop` leaves no process
# and no folder. Skipped (77) where PostgreSQL 15 is not installed.
set -euo pipefail
script="$1"
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  echo "SKIP: PostgreSQL 15 is not installed (apt-get install postgresql-15)"
  exit 77
fi
dir="$(mktemp -d "${TMPDIR:-/tmp}/baraza-pg-local-test-XXXXXX")"  # empty, this user's
trap '"$script" stop "$dir" >/dev/null 2>&1 || true; rm -rf "$dir.link" "$dir.other"' EXIT
# Where another local user could read the password or redirect a write, it refuses:
# a symbolic link, and (as root) a folder that belongs to someone else.
ln -s "$dir" "$dir.link"
if "$script" start "$dir.link" 2>/dev/null; then echo "a link was accepted"; exit 1; fi
if [ "$(id -u)" -eq 0 ]; then
  mkdir "$dir.other" && chown nobody: "$dir.other"
  if "$script" start "$dir.other" 2>/dev/null; then echo "another user's folder was accepted"; exit 1; fi
fi
[ -z "$(ls -A "$dir")" ] || { echo "a refused start wrote into $dir"; exit 1; }
uri="$("$script" start "$dir")"
status="$("$script" status "$dir")"
echo "$status"
grep -q "^primary .*select 1 -> 1$" <<<"$status"
grep -q "^standby .*select 1 -> 1, in recovery: t$" <<<"$status"
grep -q "sync_state=sync" <<<"$status"
case "$uri" in
  postgresql://*target_session_attrs=read-write*) ;;
  *) echo "unexpected URI: $uri"; exit 1 ;;
esac
[ "$(psql -X -A -t "$uri" -c 'select pg_is_in_recovery()')" = f ]
# A second start into the same folder is refused and changes nothing.
if "$script" start "$dir" 2>/dev/null; then echo "a second start was accepted"; exit 1; fi
"$script" stop "$dir"
[ ! -e "$dir" ] || { echo "$dir is left"; exit 1; }
if pgrep -f -- "$dir" >/dev/null; then echo "a process of $dir is left"; exit 1; fi
echo "ok: started, synchronous, stopped, nothing left"
