#!/usr/bin/env bash
# The Python client in examples/python (Debian's python3-grpcio, stubs generated from
# proto/ at run time) against the real barazad on 127.0.0.1: the mediator files a
# dispute, the respondent's liaison sees its call to negotiate and answers it.
# Usage: python_example_test.sh EXAMPLE_DIR BINARY_DIR
set -euo pipefail
example="$1"
bindir="$2"
source "$(dirname "${BASH_SOURCE[0]}")/barazad.sh"
fail() { echo "FAIL: $*" >&2; echo "--- example output:" >&2; cat "$work/example.out" "$work/example.err" >&2 || true; exit 1; }

/usr/bin/python3 -c 'import grpc, grpc_tools' 2>/dev/null ||
  fail "python3-grpcio and python3-grpc-tools are not installed (deploy/test.sh installs them)"
start_barazad "$work/baraza.db" "$work/mediator.token"

# Debian's interpreter, where apt puts grpcio (not a user's pyenv or venv).
timeout 60 /usr/bin/python3 "$example/baraza_example.py" --server "$address" \
  --token-file "$work/mediator.token" >"$work/example.out" 2>"$work/example.err" ||
  fail "the example exited with status $?"

case_id="$(sed -n 's/^mediator: filed dispute case \([0-9]*\) .*/\1/p' "$work/example.out")"
[ -n "$case_id" ] || fail "the example filed no dispute"
grep -q "^liaison: notice [0-9]* for case $case_id: NOTICE_KIND_CALL_TO_NEGOTIATE" "$work/example.out" ||
  fail "the liaison's watch did not show the call to negotiate of case $case_id"
grep -q "^liaison: saw the call to negotiate of case $case_id" "$work/example.out" ||
  fail "the example did not report the liaison seeing the notice"

# The server agrees: the liaison's answer is recorded and the case awaits a decision.
json="$("$bindir/baraza-mediator" --server "$address" --token-file "$work/mediator.token" \
          -o json case show "$case_id")"
grep -q '"state": "CASE_STATE_AWAITING_DECISION"' <<<"$json" ||
  fail "case $case_id is not awaiting a decision after the liaison's answer: $json"
grep -q 'lift the toll' <<<"$json" || fail "the liaison's position is not in case $case_id"
# Nothing generated was left in the source tree.
[ ! -e "$example/baraza" ] || fail "stubs were written into $example"
echo "ok: the Python example filed case $case_id and its liaison saw and answered the notice"
