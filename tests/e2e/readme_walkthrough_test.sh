#!/usr/bin/env bash
# Runs the walk-through in README.md, as written, against the real barazad on
# 127.0.0.1 (port 0) with a fresh database, then checks the outcome it promises.
# Usage: readme_walkthrough_test.sh README.md BINARY_DIR
set -euo pipefail
readme="$1"
bindir="$2"
source "$(dirname "${BASH_SOURCE[0]}")/barazad.sh"
fail() { echo "FAIL: $*" >&2; echo "--- walk-through output:" >&2; cat "$work/walk.out" >&2 || true; exit 1; }

mkdir -p "$work/var"
ln -s "$bindir" "$work/build"
ln -s "$(cd "$(dirname "$readme")" && pwd)/deploy" "$work/deploy"
start_barazad "$work/var/baraza.db" "$work/var/mediator.token"
# The CLIs ask for the language of LANG: the walk-through's English checks need none.
export LANG=C.UTF-8
export BARAZA_SERVER="$address"

# The shell blocks between the walk-through markers, exactly as the README shows them.
awk '/<!-- walkthrough:begin -->/{on=1; next} /<!-- walkthrough:end -->/{on=0}
     on && /^```sh/{code=1; next} on && /^```/{code=0; next} on && code' "$readme" >"$work/walk.sh"
[ -s "$work/walk.sh" ] || fail "no walk-through found in $readme"
cat >>"$work/walk.sh" <<'CHECK'
echo "IDS $CASE $JVA $SNF $ACTION" >&2
CHECK

(cd "$work" && bash -euo pipefail walk.sh) >"$work/walk.out" 2>"$work/walk.err" ||
  { cat "$work/walk.err" >&2; fail "a walk-through command failed"; }
read -r _ case_id jva snf action < <(grep '^IDS ' "$work/walk.err")

# The French-speaking liaison read the call to negotiate in French, its deadline in
# Mogadishu time (UTC+3) with the UTC time beside it.
grep -q "\[fr\] affaire $case_id « Checkpoint on the port road » : votre partie est appelée à négocier" \
  "$work/walk.out" || fail "the liaison did not read the call to negotiate in French"
grep -Eq "au plus tard le .*UTC\+3 \([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC\)" "$work/walk.out" ||
  fail "the French notice does not show the deadline in Mogadishu time with UTC beside it"

# The silent party's liaison saw the call, two reminders and the judgement, in order.
kinds="$(grep -oE 'case [0-9]+  [a-z-]+$' "$work/walk.out" | awk '{print $3}' | tr '\n' ' ')"
[[ "$kinds" == *"call-to-negotiate reminder reminder default-judgement"* ]] ||
  fail "the watch did not show call, reminders and judgement in order (saw: $kinds)"

# The receiver on this machine got the call to negotiate for Abdi, signed; the
# outreach record shows the webhook delivery delivered.
grep -q "\"case_id\": $case_id" "$work/notices.log" ||
  grep -q "\"case_id\":$case_id" "$work/notices.log" || fail "the receiver got no notice of case $case_id"
grep -Eq "call-to-negotiate +webhook +delivered" "$work/walk.out" ||
  fail "case deliveries does not show the webhook delivery delivered"

# The history holds exactly one default judgement, against the silent party only.
history="$(cd "$work" && build/baraza-mediator --token-file var/mediator.token case history "$case_id")"
judgements="$(grep -c 'default-judgement-entered' <<<"$history" || true)"
[ "$judgements" = 1 ] || fail "expected one default judgement, found $judgements"
grep -q "default-judgement-entered party $snf " <<<"$history" || fail "judgement not against party $snf"
grep -q "responded  *party $jva " <<<"$history" || fail "the answer of party $jva is not in the history"

# And the case is closed.
state="$(cd "$work" && build/baraza-mediator --token-file var/mediator.token -o json case show "$case_id" |
         grep -o '"state": "[A-Z_]*"')"
[ "$state" = '"state": "CASE_STATE_CLOSED"' ] || fail "case state is $state, not closed"
# The emergency action was appealed by one party and overturned, with a remedy.
action_json="$(cd "$work" && build/baraza-mediator --token-file var/mediator.token -o json case show "$action")"
grep -q '"state": "CASE_STATE_RULED"' <<<"$action_json" || fail "the emergency action was not ruled on"
grep -q '"ruling": "RULING_OVERTURNED"' <<<"$action_json" || fail "the ruling is not overturned"
grep -q '"remedy": "The mission rebuilds' <<<"$action_json" || fail "the remedy is missing"

# `case list` shows the case in its table; its JSON leaves the answers out
# unless --full asks for whole cases.
listed="$(cd "$work" && build/baraza-mediator --token-file var/mediator.token case list)"
grep -Eq "^$case_id +[0-9]+ +closed" <<<"$listed" || fail "case list does not show case $case_id closed: $listed"
basic_json="$(cd "$work" && build/baraza-mediator --token-file var/mediator.token -o json case list)"
full_json="$(cd "$work" && build/baraza-mediator --token-file var/mediator.token -o json case list --full)"
! grep -q '"positions"' <<<"$basic_json" || fail "case list without --full carries positions"
grep -q '"positions"' <<<"$full_json" || fail "case list --full carries no positions"

# The participation records printed by the walk-through match the histories.
grep -A12 "^party: *$jva\$" "$work/walk.out" | grep -q "answered on time: *1" ||
  fail "party $jva's record does not show its answer on time"
grep -A12 "^party: *$jva\$" "$work/walk.out" | grep -q "1 filed: 1 overturned" ||
  fail "party $jva's record does not show its overturned appeal"
grep -A12 "^party: *$snf\$" "$work/walk.out" | grep -q "never answered: *1" ||
  fail "party $snf's record does not show the default judgement"

# The published report names the default judgement, and the observer lists it.
grep -q "^- \*\*Default judgement entered against:\*\* Somali National Front (armed faction)" "$work/walk.out" ||
  fail "the published report does not name the default judgement against the silent party"
grep -qF "# Report on case \\#$case_id" "$work/walk.out" || fail "the report's Markdown title is missing"
grep -Eq "^[0-9]+ +$case_id +[0-9]+ .*Report on case #$case_id" "$work/walk.out" ||
  fail "the observer's report list does not show the report"

echo "README walk-through ran as written: case $case_id, default judgement against party $snf only"
