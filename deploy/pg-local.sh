#!/usr/bin/env bash
# A local PostgreSQL 15 primary and a synchronous streaming standby on 127.0.0.1, in a
# folder of their own: what ./deploy/bench.sh --store postgresql measures against, and a
# place to try a failover by hand (docs/operations.md, "Fail over"). For benchmarks and
# trials only; a mission's servers are set up as in deploy/patroni/.
#
#   deploy/pg-local.sh start DIR    # creates DIR, starts both; prints barazad's --store URI
#   deploy/pg-local.sh status DIR   # `select 1` on both, and the standby's sync_state
#   deploy/pg-local.sh stop DIR     # stops both and removes DIR
#
# Debian's /usr/lib/postgresql/15/bin (postgresql-15). Run as root, the servers run as
# `nobody` (PostgreSQL refuses root), so DIR must be where nobody can reach (under /tmp).
# Password authentication (scram) on 127.0.0.1 only, with a random password kept in
# DIR/pgpass (mode 0600), which the printed URI names (passfile=).
set -euo pipefail

BIN=/usr/lib/postgresql/15/bin
MARK=.baraza-pg-local  # only a folder that holds it is ever removed by `stop`

say() { printf '%s\n' "$*" >&2; }
usage() { say "usage: $0 start|status|stop DIR"; exit 2; }
[ $# -eq 2 ] || usage
cmd="$1"
dir="$2"
[ -x "$BIN/initdb" ] || { say "error: PostgreSQL 15 is not installed ($BIN); apt-get install postgresql-15"; exit 1; }

run_as=()
[ "$(id -u)" -eq 0 ] && run_as=(runuser -u nobody --)
pg() { "${run_as[@]}" env PGPASSFILE="$dir/pgpass" "$BIN/$1" "${@:2}"; }
sql() {  # sql PORT QUERY: one value, unaligned
  PGPASSFILE="$dir/pgpass" "$BIN/psql" -X -A -t -h 127.0.0.1 -p "$1" -U baraza -d postgres -c "$2"
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  # A new folder, or an empty one of this user's made by mktemp -d: never a link
  # or someone else's folder, where another local user could read the password
  # written below or make it overwrite a file of theirs.
  if [ -L "$dir" ]; then
    say "error: $dir is a symbolic link; give a new folder (e.g. \$(mktemp -d))"; exit 1
  elif [ -e "$dir" ]; then
    if [ ! -d "$dir" ] || [ ! -O "$dir" ] || [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
      say "error: $dir exists and is not an empty folder of yours; give a new folder (e.g. \$(mktemp -d))"
      exit 1
    fi
  else
    mkdir -p -- "$(dirname -- "$dir")"
    mkdir -m 700 -- "$dir"  # fails if someone made it meanwhile
  fi
  chmod 700 "$dir"
  dir="$(cd "$dir" && pwd -P)"
  set -o noclobber  # every file below is new: never written through one planted there
  : >"$dir/$MARK"
  local p1 p2 password
  p1="$(free_port)"
  p2="$(free_port)"
  while [ "$p2" = "$p1" ]; do p2="$(free_port)"; done
  password="$(openssl rand -hex 24)"
  (umask 077; printf '%s\n' "$password" >"$dir/password"
   printf '127.0.0.1:*:*:baraza:%s\n' "$password" >"$dir/pgpass")
  [ ${#run_as[@]} -gt 0 ] && chown nobody: "$dir/password" "$dir/pgpass"
  echo "$p1 $p2" >"$dir/ports"
  [ ${#run_as[@]} -gt 0 ] && chown nobody: "$dir"  # the servers' own files go in as nobody

  pg initdb -D "$dir/primary" -U baraza --pwfile="$dir/password" --auth-local=peer \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-instructions >"$dir/tools.log"
  # Durable as in production: fsync, synchronous_commit on, and (below, once the
  # standby streams) a commit answered only when the standby has it on disk too.
  cat >>"$dir/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $p1
unix_socket_directories = '$dir'
fsync = on
synchronous_commit = on
wal_level = replica
max_wal_senders = 4
wal_keep_size = 256MB
max_connections = 200
shared_buffers = 256MB
hot_standby = on
CONF
  pg pg_ctl start -w -t 60 -D "$dir/primary" -l "$dir/primary.log" >>"$dir/tools.log"
  sql "$p1" "CREATE DATABASE baraza" >/dev/null
  # The standby: a copy that follows the primary (-R), known to it as "standby".
  pg pg_basebackup -D "$dir/standby" -h 127.0.0.1 -p "$p1" -U baraza -X stream -c fast -R \
    >>"$dir/tools.log" 2>&1
  cat >>"$dir/standby/postgresql.conf" <<CONF
port = $p2
cluster_name = 'standby'
CONF
  pg pg_ctl start -w -t 60 -D "$dir/standby" -l "$dir/standby.log" >>"$dir/tools.log"
  sql "$p1" "ALTER SYSTEM SET synchronous_standby_names = 'standby'" >/dev/null
  sql "$p1" "SELECT pg_reload_conf()" >/dev/null
  local state="" i
  for i in $(seq 100); do
    state="$(sql "$p1" "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'")"
    [ "$state" = sync ] && break
    sleep 0.1
  done
  if [ "$state" != sync ]; then
    say "error: the standby is not synchronous (sync_state '$state'); see $dir/*.log"; exit 1
  fi
  say "primary on 127.0.0.1:$p1, synchronous standby on 127.0.0.1:$p2, in $dir"
  echo "postgresql://baraza@127.0.0.1:$p1,127.0.0.1:$p2/baraza?target_session_attrs=read-write&passfile=$dir/pgpass"
}

status() {
  [ -f "$dir/$MARK" ] || { say "error: $dir was not made by $0 start"; exit 1; }
  local p1 p2
  read -r p1 p2 <"$dir/ports"
  echo "primary 127.0.0.1:$p1: select 1 -> $(sql "$p1" 'select 1')"
  echo "standby 127.0.0.1:$p2: select 1 -> $(sql "$p2" 'select 1'), in recovery: $(sql "$p2" 'select pg_is_in_recovery()')"
  echo "replication: $(sql "$p1" "SELECT application_name || ' ' || state || ' sync_state=' || sync_state FROM pg_stat_replication")"
}

stop() {
  [ -d "$dir" ] || return 0
  [ -f "$dir/$MARK" ] || { say "error: $dir was not made by $0 start; not removing it"; exit 1; }
  local node
  for node in standby primary; do
    if [ -f "$dir/$node/postmaster.pid" ]; then
      pg pg_ctl stop -m fast -w -t 60 -D "$dir/$node" >>"$dir/tools.log" 2>&1 ||
        pg pg_ctl stop -m immediate -w -t 30 -D "$dir/$node" >>"$dir/tools.log" 2>&1 || true
    fi
  done
  rm -rf "$dir"
}

case "$cmd" in
  start) start ;;
  status) status ;;
  stop) stop ;;
  *) usage ;;
esac
