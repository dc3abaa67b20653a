# Shared by the shell tests: a work directory removed on exit, and the real
# barazad started in it on 127.0.0.1 (port 0). Source it; then call
#   start_barazad DB TOKEN_FILE [more barazad flags]
# which sets $pid, $address and (with --public-page) $page. Needs $bindir and a
# fail() function; `work` is the temporary directory.
work="$(mktemp -d)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start_barazad() {
  local db="$1" token="$2"
  shift 2
  "$bindir/barazad" --listen 127.0.0.1:0 --db "$db" --mediator-token-file "$token" "$@" \
    >"$work/server.out" 2>"$work/server.err" &
  pid=$!
  for _ in $(seq 1 200); do
    grep -q "barazad listening on" "$work/server.out" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/server.err" >&2; fail "barazad exited at start-up"; }
    sleep 0.1
  done
  address="$(sed -n 's/^barazad listening on //p' "$work/server.out")"
  page="$(sed -n 's/^barazad public page on //p' "$work/server.out")"
  [ -n "$address" ] || fail "barazad did not report its address"
}
