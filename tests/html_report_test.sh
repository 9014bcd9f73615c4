#!/usr/bin/env bash
# The HTML report of a real skm-central, fed by a real kiosk's sync: access control with curl (no
# session -> sign-in; wrong password; a device's credentials grant nothing; a unit head sees only their
# unit; a sign-in link works once), then the pages in headless Chromium (Debian's chromium): they load
# without errors, the SVG charts are there, screenshots at desktop and phone width and a PDF are made.
# Usage: html_report_test.sh BIN_DIR [OUT_DIR]   (screenshots go to OUT_DIR, default a temporary one)
set -euo pipefail
bin=${1:?usage: html_report_test.sh BIN_DIR [OUT_DIR]}
work=$(mktemp -d /tmp/skm-html-XXXXXX)
out=${2:-$work/out}
mkdir -p "$out"
root=$(cd "$(dirname "$0")/.." && pwd)
central_pid=
cleanup() { [ -n "$central_pid" ] && kill "$central_pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The central office with the demo roster, an admin and the head of Bidang Kependudukan.
mkdir -p "$work/central/publish"
cp "$root/config/demo-roster.toml" "$work/central/publish/roster.toml"
echo "sandi-admin-123" | "$bin/skm-central" user add admin --data-dir "$work/central" >/dev/null
# Refused, with the reason, and nothing added: a short password, a unit head without a unit, a taken name.
set +e
echo "pendek" | "$bin/skm-central" user add x --data-dir "$work/central" >/dev/null 2>"$work/err"; rc1=$?
grep -q "at least 10 characters" "$work/err" || rc1=0
echo "sandi-panjang-123" | "$bin/skm-central" user add y --role unit-head --data-dir "$work/central" >/dev/null 2>"$work/err"; rc2=$?
grep -q "needs --unit" "$work/err" || rc2=0
echo "sandi-panjang-123" | "$bin/skm-central" user add admin --data-dir "$work/central" >/dev/null 2>"$work/err"; rc3=$?
grep -q "already exists" "$work/err" || rc3=0
set -e
[ "$rc1$rc2$rc3" = 222 ] || fail "bad accounts were not refused with their reason ($rc1 $rc2 $rc3)"
[ "$(sqlite3 "$work/central/central.db" "SELECT count(*) FROM users")" = 1 ] || fail "a refused account was stored"
echo "sandi-kepala-123" | "$bin/skm-central" user add kepala --role unit-head --unit "Bidang Kependudukan" --data-dir "$work/central" >/dev/null
"$bin/skm-central" serve --listen 127.0.0.1:0 --data-dir "$work/central" >"$work/central.log" 2>&1 &
central_pid=$!
for _ in $(seq 1 50); do grep -q "listening on" "$work/central.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/central.log" | head -1)
[ -n "$url" ] || fail "skm-central did not start: $(cat "$work/central.log")"

# A kiosk with 400 ratings of the demo officers (and 30 survey responses), synced for real.
"$bin/skm-central" device add kiosk-html --out "$work/prov.json" --url "$url" --data-dir "$work/central" >/dev/null
"$bin/skm-kiosk" provision "$work/prov.json" --data-dir "$work/kiosk" >/dev/null
"$bin/skm-loadgen" --data-dir "$work/kiosk" --device-id kiosk-html --ratings 400 --surveys 30 >/dev/null
"$bin/skm-sync" --once --data-dir "$work/kiosk" >/dev/null || fail "the sync did not complete"
month=$(date +%Y-%m)

code() { curl -s -o "$work/body" -w '%{http_code} %{redirect_url}' "$@"; }
# A form from the server's own page: browsers send its Origin (a form without one is refused, below).
login() { curl -s -c "$work/$1.jar" -o /dev/null -w '%{http_code}' -H "Origin: $url" --data-urlencode "username=$1" --data-urlencode "password=$2" "$url/login"; }

# No session: to the sign-in page. A device's signed headers are not a session either.
[ "$(code "$url/report")" = "303 $url/login?next=%2Freport" ] || fail "no session: $(code "$url/report")"
[ "$(code -H 'X-SKM-Device: kiosk-html' -H 'X-SKM-Signature: 00' "$url/report/unit/Bidang%20Kependudukan")" = "303 $url/login?next=%2Freport%2Funit%2FBidang%20Kependudukan" ] ||
  fail "device headers opened a report"
[ "$(login admin wrong-password)" = 401 ] || fail "a wrong password was accepted"
[ "$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode username=admin --data-urlencode password=sandi-admin-123 "$url/login")" = 403 ] ||
  fail "a sign-in form from no page was accepted"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Origin: http://evil.test' --data-urlencode username=admin --data-urlencode password=sandi-admin-123 "$url/login")" = 403 ] ||
  fail "a sign-in form from another site was accepted"
[ "$(login admin sandi-admin-123)" = 303 ] || fail "the admin could not sign in"
[ "$(login kepala sandi-kepala-123)" = 303 ] || fail "the unit head could not sign in"
grep -q 'skm_session' "$work/admin.jar" || fail "no session cookie"

# The admin reads everything.
[ "$(code -b "$work/admin.jar" "$url/report?period=month:$month")" = "200 " ] || fail "overview"
grep -q '<svg class="chart faces"' "$work/body" || fail "no face chart on the overview"
grep -q '<svg class="chart trend"' "$work/body" || fail "no trend chart on the overview"
grep -q '<svg class="chart nrr"' "$work/body" || fail "no NRR chart on the overview (surveys were synced)"
grep -q 'Budi Santoso' "$work/body" || fail "the officers are not listed"
[ "$(code -b "$work/admin.jar" "$url/report/officer/198503302010011002?period=month:$month&lang=en")" = "200 " ] || fail "officer page"
grep -q 'SKM report' "$work/body" || fail "no English"
[ "$(code -b "$work/admin.jar" "$url/report?period=month:2026-13")" = "400 " ] || fail "a bad period was not refused"

# The unit head: their unit only.
[ "$(code -b "$work/kepala.jar" "$url/report")" = "303 $url/report/unit/Bidang%20Kependudukan" ] || fail "the unit head was not sent to their unit: $(code -b "$work/kepala.jar" "$url/report")"
[ "$(code -b "$work/kepala.jar" "$url/report/unit/Bidang%20Kependudukan")" = "200 " ] || fail "the unit head cannot read their unit"
[ "$(code -b "$work/kepala.jar" "$url/report/unit/Bidang%20Perizinan%20Usaha")" = "403 " ] || fail "the unit head read another unit"
[ "$(code -b "$work/kepala.jar" "$url/report/officer/198503302010011002")" = "403 " ] || fail "the unit head read another unit's officer"
[ "$(code -b "$work/kepala.jar" "$url/report/officer/198811202012121003")" = "200 " ] || fail "the unit head cannot read their officer"

# Signing out ends the session.
curl -s -b "$work/admin.jar" -o /dev/null -H "Origin: $url" -d '' "$url/logout"
[ "$(code -b "$work/admin.jar" "$url/report")" = "303 $url/login?next=%2Freport" ] || fail "the session outlived the sign-out"

# Headless Chromium signs in with a one-time link (skm-central user link) and renders the overview.
runs=0
chrome() { # chrome OPTIONS...: one run, its own profile and its own single-use link
  runs=$((runs + 1))
  local link
  link=$("$bin/skm-central" user link admin --data-dir "$work/central" 2>/dev/null)
  timeout 90 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr --v=0 \
    --user-data-dir="$work/chrome-$runs" "$@" "$url$link&next=%2Freport%3Fperiod%3Dmonth%3A$month"
}
rm -f "$out/report-overview-1280.png" "$out/report-overview-phone.png" "$out/report-overview.pdf"
chrome --dump-dom >"$work/dom.html" 2>"$work/chrome.log" || fail "chromium failed: $(tail -5 "$work/chrome.log")"
grep -q '<svg class="chart faces"' "$work/dom.html" || fail "Chromium's page has no face chart (signed in?)"
grep -q '<svg class="chart nrr"' "$work/dom.html" || fail "Chromium's page has no NRR chart"
# Errors in the page: blocked resources, CSP refusals, script errors (there is no script at all).
if grep -E "Refused to|Uncaught|Failed to load resource|net::ERR_" "$work/chrome.log"; then fail "the page logged errors"; fi
chrome --window-size=1280,2400 --screenshot="$out/report-overview-1280.png" 2>>"$work/chrome.log" >/dev/null || fail "no screenshot"
chrome --window-size=390,1600 --screenshot="$out/report-overview-phone.png" 2>>"$work/chrome.log" >/dev/null || fail "no phone screenshot"
chrome --print-to-pdf="$out/report-overview.pdf" --no-pdf-header-footer 2>>"$work/chrome.log" >/dev/null || fail "no PDF"
# A link works once.
link=$("$bin/skm-central" user link admin --data-dir "$work/central")
[ "$(code "$url$link")" = "303 $url/report" ] || fail "a fresh link did not sign in"
[ "$(code "$url$link")" = "401 " ] || fail "a link worked twice"
for f in report-overview-1280.png report-overview-phone.png report-overview.pdf; do
  [ -s "$out/$f" ] || fail "$f is empty"
done
[ "$(identify -format '%w' "$out/report-overview-phone.png")" = 390 ] || fail "the phone screenshot is not 390 px wide"

# The public pages (issue 19): no sign-in, no personal data, cacheable; in Chromium at 390 and 1280 px
# and the waiting-room screen at 1920x1080, without errors.
year=$(date +%Y)
[ "$(code "$url/publik")" = "200 " ] || fail "/publik wants a sign-in"
curl -s -D "$work/publik.head" -o "$work/publik.html" "$url/publik"
grep -qi '^Cache-Control: public, max-age=300' "$work/publik.head" || fail "/publik is not cacheable: $(cat "$work/publik.head")"
grep -qi "^Content-Security-Policy: default-src 'none'" "$work/publik.head" || fail "/publik has not the report's policy"
grep -q "Bidang Kependudukan" "$work/publik.html" || fail "/publik lists no unit"
grep -q "Semester II" "$work/publik.html" || fail "/publik has no semesters"
grep -q "bobot 1/9" "$work/publik.html" || fail "/publik does not name the IKM's weight"
for secret in 198503302010011002 199007152015032001 198811202012121003 "Budi Santoso" "Dewi Lestari" "Agus Pratama" "antri lama sekali" "ruang tunggu panas"; do
  if grep -q "$secret" "$work/publik.html"; then fail "/publik shows personal data or a comment: $secret"; fi
done
[ "$(code "$url/publik?tahun=abc")" = "400 " ] || fail "a bad year was not refused"
public_shot() { # public_shot PATH WxH FILE
  runs=$((runs + 1))
  timeout 90 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr --v=0 \
    --user-data-dir="$work/chrome-$runs" --window-size="$2" --screenshot="$3" "$url$1" 2>>"$work/public.log" >/dev/null || fail "no screenshot of $1"
}
public_shot /publik 1280,2000 "$out/publik-1280.png"
public_shot /publik 390,2400 "$out/publik-phone.png"
public_shot /publik/layar 1920,1080 "$out/publik-layar-1920x1080.png"
if grep -E "Refused to|Uncaught|Failed to load resource|net::ERR_" "$work/public.log"; then fail "a public page logged errors"; fi
curl -s "$url/publik/layar" | grep -q '<meta http-equiv="refresh" content="300">' || fail "the waiting-room screen does not refresh itself"
[ "$(identify -format '%w' "$out/publik-phone.png")" = 390 ] || fail "the public phone screenshot is not 390 px wide"
echo "ok: access control, pages, charts, no errors in Chromium; screenshots and PDF in $out"
