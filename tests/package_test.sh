#!/usr/bin/env bash
# The Debian packages CPack makes: contents, owners and modes, the conffile, the maintainer script,
# the dependencies; and the installed layout's promise that the binaries find their assets
# (skm-kiosk's catalogues under /usr/share/skm-kiosk, found relative to /usr/bin).
# Usage: package_test.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: package_test.sh BUILD_DIR}
work=$(mktemp -d /tmp/skm-package-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$work" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
kiosk=$(ls "$work"/skm-kiosk_*_*.deb)
central=$(ls "$work"/skm-central_*_*.deb)

has() { # has DEB MODE OWNER PATH
  dpkg-deb -c "$1" | awk '{print $1, $2, $6}' | grep -qxF -- "$2 $3 $4" || fail "$(basename "$1") lacks $2 $3 $4"
}
has "$kiosk" -rwxr-xr-x root/root ./usr/bin/skm-kiosk
has "$kiosk" -rwxr-xr-x root/root ./usr/bin/skm-sync
has "$kiosk" -rw-r--r-- root/root ./lib/systemd/system/skm-kiosk.service
has "$kiosk" -rw-r--r-- root/root ./lib/systemd/system/skm-sync.service
has "$kiosk" -rw-r--r-- root/root ./lib/systemd/system/skm-sync.timer
has "$kiosk" -rw-r--r-- root/root ./lib/systemd/system/skm-sync-live.service
has "$kiosk" -rw-r--r-- root/root ./etc/skm/skm-kiosk.toml
has "$kiosk" -rw-r--r-- root/root ./usr/share/skm-kiosk/assets/i18n/id.toml
has "$kiosk" -rw-r--r-- root/root ./usr/share/skm-kiosk/assets/i18n/en.toml
has "$central" -rwxr-xr-x root/root ./usr/bin/skm-central
has "$central" -rw-r--r-- root/root ./lib/systemd/system/skm-central.service
if dpkg-deb -c "$kiosk" | grep -q 'skm-central'; then fail "skm-central is in the kiosk package"; fi
if dpkg-deb -c "$central" | grep -q 'skm-kiosk'; then fail "skm-kiosk is in the central package"; fi

# The control part: the configuration is a conffile (an upgrade keeps the site's edits), postinst
# is there, executable, valid sh, and makes the users and the tight modes.
dpkg-deb -e "$kiosk" "$work/kiosk-control"
dpkg-deb -e "$central" "$work/central-control"
grep -qx /etc/skm/skm-kiosk.toml "$work/kiosk-control/conffiles" || fail "the configuration is not a conffile"
for c in kiosk central; do
  [ -x "$work/$c-control/postinst" ] || fail "$c: postinst missing or not executable"
  sh -n "$work/$c-control/postinst" || fail "$c: postinst is not valid sh"
done
grep -q 'adduser --system --ingroup skm ' "$work/kiosk-control/postinst" || fail "kiosk postinst makes no skm user"
grep -q 'install -d -o skm -g skm -m 0750 /var/lib/skm' "$work/kiosk-control/postinst" || fail "kiosk postinst: /var/lib/skm"
grep -q 'chmod 0600 /var/lib/skm/provision.json' "$work/kiosk-control/postinst" || fail "kiosk postinst: the device secret"
grep -q 'adduser --system --ingroup skm-central ' "$work/central-control/postinst" || fail "central postinst makes no user"
dpkg-deb -f "$kiosk" Depends | grep -q 'cage' || fail "skm-kiosk does not depend on cage"

# What the unit runs is what the package brings. Every program of skm-kiosk.service's Exec lines is
# in this package or in a package among its Depends (found with dpkg -S on this machine), and so is
# every piece `skm-kiosk session needs` lists for the screen (XWayland above all: cage's own package
# does not bring it, and without it cage exits at once and the unit loops behind a blank screen).
depends=$(dpkg-deb -f "$kiosk" Depends | tr ',' '\n' | sed 's/^ *//; s/[ (].*//' | sort -u)
depends_on() { echo "$depends" | grep -qx "$1"; }
unit_file="$work/unit.service"
dpkg-deb --fsys-tarfile "$kiosk" | tar -xO ./lib/systemd/system/skm-kiosk.service >"$unit_file"
programs=$(sed -n 's/^Exec[A-Za-z]*=[-@+!:]*\([^ ]*\).*/\1/p' "$unit_file" | sort -u)
[ -n "$programs" ] || fail "no Exec lines in skm-kiosk.service"
for prog in $programs; do
  if dpkg-deb -c "$kiosk" | awk '{print $6}' | grep -qxF ".$prog"; then continue; fi
  owner=$(dpkg -S "$prog" 2>/dev/null | head -1 | cut -d: -f1) || true
  [ -n "$owner" ] || fail "skm-kiosk.service runs $prog, which neither this package nor any installed package here provides"
  depends_on "$owner" || fail "skm-kiosk.service runs $prog (package $owner), which is not among skm-kiosk's Depends: $depends"
done
needs=$("$build/bin/skm-kiosk" session needs || true)
[ "$(echo "$needs" | grep -c .)" -ge 4 ] || fail "skm-kiosk session needs lists too little: $needs"
while IFS=$'\t' read -r package present path what; do
  depends_on "$package" || fail "the screen needs $what ($path, package $package), which is not among skm-kiosk's Depends: $depends"
done <<<"$needs"
depends_on xwayland || fail "skm-kiosk does not depend on xwayland"
dpkg-deb -f "$kiosk" Depends | grep -q 'libsqlite3' || fail "shared-library dependencies missing"

# The binaries are stripped, and run from the package's layout: unpack and ask for --help and status.
dpkg-deb -x "$kiosk" "$work/root"
dpkg-deb -x "$central" "$work/root"
file "$work/root/usr/bin/skm-kiosk" | grep -q 'stripped' && ! file "$work/root/usr/bin/skm-kiosk" | grep -q 'not stripped' || fail "skm-kiosk is not stripped"
"$work/root/usr/bin/skm-kiosk" status --json --data-dir "$work/data" | jq -e '.db_exists == false' >/dev/null || fail "skm-kiosk status from the package"
"$work/root/usr/bin/skm-central" --help >/dev/null || fail "skm-central --help from the package"
echo "ok: $(basename "$kiosk") ($(du -h "$kiosk" | cut -f1)), $(basename "$central") ($(du -h "$central" | cut -f1))"
