#!/usr/bin/env bash
# Loads a published report's page from the real barazad in headless Chromium
# (Debian's `chromium`) and checks what the browser rendered: the report's text
# is there, and a title holding a <script> sentinel shows as text and never runs.
# Usage: report_page_chromium_test.sh BINARY_DIR [SCREENSHOT.png]
set -euo pipefail
bindir="$1"
screenshot="${2:-}"
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/barazad.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }

chromium="${CHROMIUM:-$(command -v chromium || true)}"
[ -n "$chromium" ] || fail "chromium is not installed; ./deploy/test.sh installs it (apt-get install chromium)"

start_barazad "$work/baraza.db" "$work/m.token" --public-page 127.0.0.1:0
[ -n "$page" ] || fail "barazad did not report the public page's address"

m() { "$bindir/baraza-mediator" --server "$address" --token-file "$work/m.token" "$@"; }
group=$(m -o id group create --name "Kismayo contact group" --kind standing)
women=$(m -o id party add --group "$group" --name "Kismayo Women's Association" --category womens-group)
jva=$(m -o id party add --group "$group" --name "Juba Valley Alliance" --category armed-faction)
m liaison register --party "$jva" --name "Abdi Warsame" --token-out "$work/jva.token" >/dev/null 2>&1
case_id=$(m -o id case file --group "$group" \
  --title "<script>document.title='PWNED'</script>Checkpoint on the port road" \
  --description "A checkpoint at km 12 stops aid convoys to the camps." \
  --standard peace-process --dimension humanitarian-aid \
  --filed-by "$women" --respondent "$jva" --window 2d)
m case support "$case_id" --party "$jva" --kind translation \
  --description "An interpreter for the meeting in Somali and English." >/dev/null
"$bindir/baraza-liaison" --server "$address" --token-file "$work/jva.token" case respond "$case_id" \
  --position "We will move the checkpoint to km 15 and let convoys pass." >/dev/null
m case settle "$case_id" --text "The checkpoint moves to km 15; convoys pass from 06:00 to 18:00." \
  --accepted-by "$jva" >/dev/null
report=$(m -o id report publish "$case_id")

browse() {
  timeout 90 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" "$@" 2>"$work/chromium.err"
}
browse --dump-dom "${page}reports/$report" >"$work/dom.html" ||
  { tail -20 "$work/chromium.err" >&2; fail "chromium could not load the page"; }

grep -q "Checkpoint on the port road" "$work/dom.html" || fail "the report's title is not on the page"
grep -q "We will move the checkpoint to km 15" "$work/dom.html" || fail "the group position is missing"
grep -q "translation: An interpreter" "$work/dom.html" || fail "the capacity support is missing"
grep -q "History head" "$work/dom.html" || fail "the history head is missing"
# The sentinel is text in the heading, and no script element exists or ran.
grep -q "<h1 dir=\"auto\">Report on case #$case_id: &lt;script&gt;document.title='PWNED'&lt;/script&gt;" "$work/dom.html" ||
  fail "the <script> sentinel in the title was not rendered as text"
if grep -qi "<script" "$work/dom.html"; then fail "a script element reached the page"; fi
if grep -q "<title>PWNED" "$work/dom.html"; then fail "the sentinel script ran"; fi

# In every shipped language (?lang=): the page's lang and dir, Arabic right to
# left, and the sentinel still text that never ran.
for lang in en fr ar pt sw; do
  browse --dump-dom "${page}reports/$report?lang=$lang" >"$work/dom-$lang.html" ||
    fail "chromium could not load the page in $lang"
  dir=ltr; [ "$lang" = ar ] && dir=rtl
  grep -q "<html lang=\"$lang\" dir=\"$dir\">" "$work/dom-$lang.html" ||
    fail "the $lang page does not say lang=\"$lang\" dir=\"$dir\""
  grep -q "&lt;script&gt;document.title='PWNED'&lt;/script&gt;Checkpoint on the port road" "$work/dom-$lang.html" ||
    fail "the <script> sentinel is not text on the $lang page"
  if grep -qi "<script" "$work/dom-$lang.html"; then fail "a script element reached the $lang page"; fi
  if grep -q "<title>PWNED" "$work/dom-$lang.html"; then fail "the sentinel script ran on the $lang page"; fi
done
grep -q "<h2>القضية</h2>" "$work/dom-ar.html" || fail "the Arabic page's headings are not in Arabic"

if [ -n "$screenshot" ]; then
  browse --screenshot="$screenshot" --window-size=900,1500 --hide-scrollbars "${page}reports/$report" >/dev/null ||
    fail "chromium could not take the screenshot"
  # The same report in Arabic, right to left, beside it.
  browse --screenshot="${screenshot%.png}-ar.png" --window-size=900,1500 --hide-scrollbars \
    "${page}reports/$report?lang=ar" >/dev/null || fail "chromium could not take the Arabic screenshot"
fi
echo "ok: chromium rendered report $report in en, fr, ar, pt and sw with the sentinel as text"
