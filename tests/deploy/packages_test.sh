#!/usr/bin/env bash
# The Debian packages build from the build tree (cpack) and hold what docs/operations.md
# promises: baraza-server with barazad, the unit, /etc/baraza/barazad.conf as a conffile
# and the maintainer scripts; baraza-clients with the four role CLIs; both at the
# project's version, with dependencies from dpkg-shlibdeps. Nothing is installed: the
# server package is only unpacked into a temporary folder to run its barazad --version.
# Usage: packages_test.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
build="$1"; src="$2"; version="$3"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

command -v dpkg-shlibdeps >/dev/null || fail "dpkg-shlibdeps missing (apt-get install dpkg-dev)"
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out") >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; fail "cpack failed"; }
arch="$(dpkg --print-architecture)"
server="$work/out/baraza-server_${version}_${arch}.deb"
clients="$work/out/baraza-clients_${version}_${arch}.deb"
[ -f "$server" ] || { ls "$work/out" >&2; fail "no $(basename "$server")"; }
[ -f "$clients" ] || fail "no $(basename "$clients")"

# Control fields: names, the project's version, dependencies found by dpkg-shlibdeps.
for deb in "$server" "$clients"; do
  [ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "$(basename "$deb") is not version $version"
  deps="$(dpkg-deb -f "$deb" Depends)"
  grep -q 'libc6' <<<"$deps" || fail "$(basename "$deb") Depends lacks libc6 (shlibdeps did not run): $deps"
  grep -q 'libgrpc++' <<<"$deps" || fail "$(basename "$deb") Depends lacks libgrpc++: $deps"
done
[ "$(dpkg-deb -f "$server" Package)" = baraza-server ] || fail "server package misnamed"
[ "$(dpkg-deb -f "$clients" Package)" = baraza-clients ] || fail "clients package misnamed"
dpkg-deb -f "$server" Depends | grep -q 'adduser' || fail "baraza-server must depend on adduser (postinst)"

# Contents.
dpkg-deb -c "$server" | awk '{print $NF}' >"$work/server.list"
dpkg-deb -c "$clients" | awk '{print $NF}' >"$work/clients.list"
for f in ./usr/bin/barazad ./usr/lib/systemd/system/barazad.service ./etc/baraza/barazad.conf \
         ./usr/share/doc/baraza-server/operations.md; do
  grep -qx "$f" "$work/server.list" || fail "baraza-server lacks $f"
done
for role in mediator liaison commander observer; do
  grep -qx "./usr/bin/baraza-$role" "$work/clients.list" || fail "baraza-clients lacks baraza-$role"
  grep -qx "./usr/bin/baraza-$role" "$work/server.list" && fail "baraza-server holds baraza-$role"
done
grep -qx ./usr/bin/barazad "$work/clients.list" && fail "baraza-clients holds barazad"

# Control files: the conffile and the maintainer scripts.
dpkg-deb -e "$server" "$work/control"
grep -qx /etc/baraza/barazad.conf "$work/control/conffiles" || fail "barazad.conf is not a conffile"
[ -x "$work/control/postinst" ] || fail "no executable postinst"
grep -q 'adduser --system' "$work/control/postinst" || fail "postinst does not make the baraza user"
grep -q 'install -d -o baraza -g baraza -m 0700 /var/lib/baraza' "$work/control/postinst" ||
  fail "postinst does not make /var/lib/baraza for the baraza user"

# Unpacked (not installed): the files are the ones in deploy/, and barazad runs.
dpkg-deb -x "$server" "$work/root"
cmp -s "$work/root/usr/lib/systemd/system/barazad.service" "$src/deploy/systemd/barazad.service" ||
  fail "the packaged unit differs from deploy/systemd/barazad.service"
cmp -s "$work/root/etc/baraza/barazad.conf" "$src/deploy/barazad.conf" ||
  fail "the packaged barazad.conf differs from deploy/barazad.conf"
out="$("$work/root/usr/bin/barazad" --version)" || fail "the packaged barazad --version failed"
grep -q "^barazad $version" <<<"$out" || fail "the packaged barazad says \"$out\", not version $version"

# The unpacked barazad serves with the unpacked config file (its paths under
# /var/lib/baraza overridden by flags) and takes its data key from a systemd credential
# made as the postinst makes /etc/credstore/baraza-data-key: no <db>.key appears.
make_key='od -An -tx1 -N32 /dev/urandom'
grep -qF "$make_key" "$work/control/postinst" || fail "postinst no longer makes the key with: $make_key"
mkdir -m 0700 "$work/creds" "$work/state"
(umask 077; $make_key | tr -d ' \n' >"$work/creds/baraza-data-key"; echo >>"$work/creds/baraza-data-key")
CREDENTIALS_DIRECTORY="$work/creds" "$work/root/usr/bin/barazad" \
  --config "$work/root/etc/baraza/barazad.conf" --listen 127.0.0.1:0 \
  --db "$work/state/baraza.db" --mediator-token-file "$work/state/mediator.token" \
  >"$work/server.out" 2>&1 &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 200); do
  grep -q "barazad listening on" "$work/server.out" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.out" >&2; fail "the packaged barazad did not start"; }
  sleep 0.1
done
grep -q "barazad listening on" "$work/server.out" || fail "the packaged barazad did not start in 20 s"
kill -TERM "$pid"; wait "$pid" || fail "the packaged barazad did not stop cleanly"
[ -e "$work/state/baraza.db.key" ] && fail "barazad made <db>.key instead of using the credential"
[ -s "$work/state/mediator.token" ] || fail "no first mediator token"

echo "ok: $(basename "$server") and $(basename "$clients") build and hold what they should ($out)"
