#!/usr/bin/env bash
# tests/support/apt_mirror.sh finds the mirror in apt's own sources, in both formats, skipping
# disabled files, security and other suites, and says so when there is none.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/skm-apt-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
find_mirror() { SKM_APT_ETC=$work bash "$here/support/apt_mirror.sh" "$@"; }
mkdir -p "$work/sources.list.d"

# deb822, with the security archive first and a disabled third-party file beside it.
cat >"$work/sources.list.d/debian.sources" <<'S'
Types: deb
URIs: http://security.mirror.test/debian-security
Suites: bookworm-security
Components: main

Types: deb-src
URIs: http://src.mirror.test/debian
Suites: bookworm
Components: main

Types: deb
# a comment
URIs: http://one.mirror.test/debian http://two.mirror.test/debian
Suites: bookworm bookworm-updates
Components: main contrib
S
echo 'deb http://other.test/apt stable main' >"$work/sources.list.d/other.list.disabled"
[ "$(find_mirror)" = http://one.mirror.test/debian ] || fail "deb822: got '$(find_mirror)'"

# one-line format, with options, in sources.list.
rm "$work/sources.list.d/debian.sources"
cat >"$work/sources.list" <<'S'
# deb http://commented.test/debian bookworm main
deb http://security.mirror.test/debian-security bookworm-security main
deb [arch=amd64 signed-by=/usr/share/keyrings/k.gpg] http://line.mirror.test/debian bookworm main non-free
S
[ "$(find_mirror)" = http://line.mirror.test/debian ] || fail "one-line: got '$(find_mirror)'"
[ "$(find_mirror bookworm-security)" = http://security.mirror.test/debian-security ] || fail "suite argument"

# none: a message and exit 1; the override wins.
rm "$work/sources.list"
if out=$(find_mirror 2>&1); then fail "no source, yet it printed '$out'"; fi
echo "$out" | grep -q "SKM_DEBIAN_MIRROR" || fail "no message: '$out'"
[ "$(SKM_DEBIAN_MIRROR=http://override.test/debian find_mirror)" = http://override.test/debian ] || fail "override"
echo "ok: the mirror comes from apt's sources"
