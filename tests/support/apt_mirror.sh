#!/usr/bin/env bash
# Prints the Debian package mirror this machine's apt already uses for bookworm's main archive
# (from /etc/apt/sources.list and /etc/apt/sources.list.d/*.list|*.sources, one-line or deb822),
# so that no registry host name is written into the project. SKM_DEBIAN_MIRROR overrides it.
# Exits 1 with a message when apt has no such source.
# Usage: apt_mirror.sh [SUITE]   (default bookworm; SKM_APT_ETC replaces /etc/apt, for its test)
set -euo pipefail
suite=${1:-bookworm}
if [ -n "${SKM_DEBIAN_MIRROR:-}" ]; then echo "$SKM_DEBIAN_MIRROR"; exit 0; fi
etc=${SKM_APT_ETC:-/etc/apt}
files=()
[ -f "$etc/sources.list" ] && files+=("$etc/sources.list")
for f in "$etc"/sources.list.d/*.list "$etc"/sources.list.d/*.sources; do [ -f "$f" ] && files+=("$f"); done
found=$(for f in "${files[@]}"; do
  case "$f" in
  *.sources)
    # deb822 stanzas: Types: deb, Suites holding SUITE, Components holding main, Enabled not "no".
    awk -v suite="$suite" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && (" " comps " ") ~ / main / && enabled != "no" && uris != "") {
          split(uris, u, " "); print u[1]; found = 1; exit
        }
        types = suites = comps = uris = ""; enabled = "yes"
      }
      BEGIN { enabled = "yes" }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      tolower($1) == "types:" { $1 = ""; types = $0 }
      tolower($1) == "uris:" { $1 = ""; sub(/^ +/, ""); uris = $0 }
      tolower($1) == "suites:" { $1 = ""; suites = $0 }
      tolower($1) == "components:" { $1 = ""; comps = $0 }
      tolower($1) == "enabled:" { enabled = tolower($2) }
      END { if (!found) flush() }
    ' "$f"
    ;;
  *)
    # deb [options] URI SUITE COMPONENT...
    awk -v suite="$suite" '
      $1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        if ($(i + 1) == suite) for (j = i + 2; j <= NF; j++) if ($j == "main") { print $i; exit }
      }
    ' "$f"
    ;;
  esac
done)
found=${found%%$'\n'*}
[ -n "$found" ] && { echo "$found"; exit 0; }
{ echo "apt_mirror.sh: no 'deb ... $suite main' source in /etc/apt/sources.list*; set SKM_DEBIAN_MIRROR" >&2; exit 1; }
