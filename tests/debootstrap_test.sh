#!/usr/bin/env bash
# Installs the skm-kiosk and skm-central packages into a throwaway Debian 12 root made with
# debootstrap (from the Debian mirror this machine's apt uses), as apt would on a new device, and checks the result: the
# users, the directories and their modes, the conffile, and the programs running as their users
# (`skm-kiosk status --json`, a roster import, `skm-central report`). Slow (a few minutes, a few
# hundred MB downloaded): not part of every CI run. Run it by hand, or configure with
# -DSKM_SLOW_TESTS=ON to have CTest run it. Needs root.
# Usage: debootstrap_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: debootstrap_test.sh BUILD_DIR}" && pwd)
mirror=$(bash "$(dirname "$0")/support/apt_mirror.sh") # the mirror apt already uses here
root=$(mktemp -d /tmp/skm-root-XXXXXX)
chmod 0755 "$root" # it becomes "/": every user must be able to walk it
debs=$(mktemp -d /tmp/skm-debs-XXXXXX)
cleanup() {
  umount "$root/dev/shm" 2>/dev/null || true
  umount "$root/proc" 2>/dev/null || true
  rm -rf "$root" "$debs"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root (debootstrap, chroot)"

(cd "$build" && cpack -G DEB -B "$debs" >"$debs/cpack.log" 2>&1) || { cat "$debs/cpack.log"; fail "cpack"; }
echo "debootstrap: Debian 12 minbase from $mirror (takes a few minutes)"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$debs/debootstrap.log" 2>&1 || { tail -20 "$debs/debootstrap.log"; fail "debootstrap"; }
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
cp "$debs"/skm-kiosk_*.deb "$debs"/skm-central_*.deb "$root/tmp/"
in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }
in_root apt-get update -q >"$debs/apt.log" 2>&1 || { tail -20 "$debs/apt.log"; fail "apt-get update"; }
in_root sh -c 'apt-get install -y -q --no-install-recommends /tmp/skm-kiosk_*.deb /tmp/skm-central_*.deb' >>"$debs/apt.log" 2>&1 ||
  { tail -30 "$debs/apt.log"; fail "apt-get install of the packages"; }

for p in skm-kiosk skm-central; do
  [ "$(in_root dpkg-query -W -f='${Status}' "$p")" = "install ok installed" ] || fail "$p is not installed"
done
in_root getent passwd skm >/dev/null || fail "no skm user"
in_root getent passwd skm-central >/dev/null || fail "no skm-central user"
mode() { in_root stat -c '%U:%G %a' "$1"; }
[ "$(mode /var/lib/skm)" = "skm:skm 750" ] || fail "/var/lib/skm is $(mode /var/lib/skm)"
[ "$(mode /etc/skm)" = "root:skm 750" ] || fail "/etc/skm is $(mode /etc/skm)"
[ "$(mode /etc/skm/skm-kiosk.toml)" = "root:skm 640" ] || fail "/etc/skm/skm-kiosk.toml is $(mode /etc/skm/skm-kiosk.toml)"
[ "$(mode /var/lib/skm-central)" = "skm-central:skm-central 750" ] || fail "/var/lib/skm-central is $(mode /var/lib/skm-central)"
[ "$(mode /etc/skm-central/tls)" = "root:skm-central 750" ] || fail "/etc/skm-central/tls is $(mode /etc/skm-central/tls)"
in_root grep -qx /etc/skm/skm-kiosk.toml /var/lib/dpkg/info/skm-kiosk.conffiles || fail "the configuration is not registered as a conffile"

status=$(in_root runuser -u skm -- skm-kiosk status --json --data-dir /var/lib/skm) || fail "skm-kiosk status as skm"
echo "$status" | jq -e '.db_exists == false and .error == null' >/dev/null || fail "status: $status"
in_root runuser -u skm -- skm-kiosk roster import /usr/share/doc/skm-kiosk/examples/demo-roster.toml --data-dir /var/lib/skm \
  --config /etc/skm/skm-kiosk.toml >/dev/null || fail "roster import as skm"
status=$(in_root runuser -u skm -- skm-kiosk status --json --data-dir /var/lib/skm)
echo "$status" | jq -e '.db_exists == true and .schema_version == .latest_schema_version' >/dev/null || fail "status after the import: $status"
[ "$(mode /var/lib/skm/skm.db)" = "skm:skm 644" ] || [ "$(mode /var/lib/skm/skm.db)" = "skm:skm 600" ] || fail "skm.db is $(mode /var/lib/skm/skm.db)"
in_root runuser -u skm-central -- skm-central report --data-dir /var/lib/skm-central | jq -e '.ratings_total == 0' >/dev/null ||
  fail "skm-central report as skm-central"
# Reinstalling (an upgrade to the same version) keeps the data and the site's configuration edit.
in_root sh -c 'echo "# site edit" >> /etc/skm/skm-kiosk.toml'
in_root sh -c 'apt-get install -y -q --reinstall /tmp/skm-kiosk_*.deb' >>"$debs/apt.log" 2>&1 || fail "reinstall"
in_root grep -q '# site edit' /etc/skm/skm-kiosk.toml || fail "the reinstall overwrote the configuration"
[ "$(in_root runuser -u skm -- skm-kiosk status --json --data-dir /var/lib/skm | jq .db_exists)" = true ] || fail "the reinstall lost the data"

# The appliance boots: skm-kiosk.service's start, exactly as installed (ExecStartPre, cage with the
# package's XWayland, the kiosk as skm), on cage's headless backend, checked against the Xvfb attract
# screen (tests/cage_boot_test.sh). grim is the test's screenshot tool, not the product's.
in_root apt-get install -y -q --no-install-recommends grim >>"$debs/apt.log" 2>&1 || { tail -20 "$debs/apt.log"; fail "apt-get install grim"; }
mkdir -p "$root/dev/shm" && mount -t tmpfs -o mode=1777 shm "$root/dev/shm"
bash "$(dirname "$0")/cage_boot_test.sh" "$build/bin" --root "$root" || fail "the packaged kiosk did not boot under cage"
# Without XWayland (the package before this check existed): the check names it and backs off.
in_root dpkg -r --force-depends xwayland >>"$debs/apt.log" 2>&1 || fail "dpkg -r xwayland"
# The boot test tells the difference: the same boot now fails.
if bash "$(dirname "$0")/cage_boot_test.sh" "$build/bin" --root "$root" >"$debs/boot-without-xwayland.log" 2>&1; then
  fail "the boot test passed without XWayland"
fi
grep -q "FAIL: ExecStartPre failed" "$debs/boot-without-xwayland.log" || { cat "$debs/boot-without-xwayland.log"; fail "the boot without XWayland failed for another reason"; }
bash "$(dirname "$0")/cage_boot_test.sh" "$build/bin" --root "$root" --broken || fail "without XWayland"
echo "ok: both packages installed in a fresh Debian 12 root; users, modes, conffile; skm-kiosk and skm-central run as their users;" \
     "the kiosk boots under cage as the unit starts it, and without XWayland says so and backs off"
