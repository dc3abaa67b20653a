#!/usr/bin/env bash
# Installs what is missing, builds, and starts barazad on 127.0.0.1:50051 with its
# database in ./var/. Usage: ./deploy/run.sh [start|stop|status|--foreground]
# BARAZA_PUBLIC_PAGE=127.0.0.1:8080 also serves the public page of published reports;
# BARAZA_SMTP_RELAY, BARAZA_MAIL_FROM, BARAZA_SMS_GATEWAY and BARAZA_DELIVERY_REPORTS
# pass on where notices go out (docs/notifications.md).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

LISTEN="${BARAZA_LISTEN:-127.0.0.1:50051}"
VAR="$ROOT/var"
BUILD="$ROOT/build"
PIDFILE="$VAR/barazad.pid"
LOG="$VAR/barazad.log"
TOKEN="$VAR/mediator.token"

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

case "${1:-start}" in
  stop)
    if running; then
      kill -TERM "$(cat "$PIDFILE")"
      for _ in $(seq 1 100); do running || break; sleep 0.1; done
      say "barazad stopped"
    else
      say "barazad is not running"
    fi
    rm -f "$PIDFILE"; exit 0 ;;
  status)
    if running; then say "barazad is running (pid $(cat "$PIDFILE")) on $LISTEN; log: var/barazad.log"; exit 0; fi
    say "barazad is not running"; exit 3 ;;
  start|--foreground) ;;
  -h|--help)
    sed -n '2,6p' "$0" | sed 's/^# //'; exit 0 ;;
  *) say "unknown command '$1'; use start, stop, status or --foreground"; exit 2 ;;
esac

ensure_packages "${BARAZA_PACKAGES[@]}"
build_tree "$BUILD" RelWithDebInfo -DBUILD_TESTING=OFF
mkdir -p "$VAR"; chmod 700 "$VAR"

ARGS=(--listen "$LISTEN" --db "$VAR/baraza.db" --mediator-token-file "$TOKEN")
PAGE="${BARAZA_PUBLIC_PAGE:-}"
[ -n "$PAGE" ] && ARGS+=(--public-page "$PAGE")
[ -n "${BARAZA_SMTP_RELAY:-}" ] && ARGS+=(--smtp-relay "$BARAZA_SMTP_RELAY")
[ -n "${BARAZA_MAIL_FROM:-}" ] && ARGS+=(--mail-from "$BARAZA_MAIL_FROM")
[ -n "${BARAZA_SMS_GATEWAY:-}" ] && ARGS+=(--sms-gateway "$BARAZA_SMS_GATEWAY")
[ -n "${BARAZA_DELIVERY_REPORTS:-}" ] && ARGS+=(--delivery-reports "$BARAZA_DELIVERY_REPORTS")
if [ "${1:-start}" = "--foreground" ]; then
  exec "$BUILD/barazad" "${ARGS[@]}"
fi

if running; then
  say "barazad is already running (pid $(cat "$PIDFILE")); restarting it with the new build"
  "$0" stop
fi
setsid "$BUILD/barazad" "${ARGS[@]}" >>"$LOG" 2>&1 < /dev/null &
echo $! > "$PIDFILE"
for _ in $(seq 1 100); do
  grep -q "barazad listening on" "$LOG" 2>/dev/null && [ -f "$TOKEN" ] && break
  running || { tail -20 "$LOG" >&2; say "error: barazad did not start; see var/barazad.log"; exit 1; }
  sleep 0.1
done
running || { say "error: barazad did not start; see var/barazad.log"; exit 1; }

cat <<MSG
barazad is running on $LISTEN (pid $(cat "$PIDFILE")).
  database:        var/baraza.db
  log:             var/barazad.log
  mediator token:  var/mediator.token  (readable only by $(id -un); keep it safe)
  public page:     ${PAGE:+http://$PAGE/}${PAGE:-off (BARAZA_PUBLIC_PAGE=127.0.0.1:8080 ./deploy/run.sh turns it on)}

Try it:
  ./build/baraza-mediator --token-file var/mediator.token group create --name "Kismayo contact group" --kind standing

The walk-through of a whole case is in README.md. Stop the server with: ./deploy/run.sh stop
MSG
