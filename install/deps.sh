#!/usr/bin/env bash
# Installs every Debian 12 package SKM Kiosk needs to build, run and test.
# Idempotent: asks apt only for what is missing, and runs `apt-get update` only then.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang git
  # libraries
  libimgui-dev libstb-dev libglfw3-dev libgl-dev libsqlite3-dev sqlite3 libcurl4-openssl-dev
  libsodium-dev nlohmann-json3-dev libtomlplusplus-dev libcpp-httplib-dev libcli11-dev
  libspdlog-dev zlib1g-dev libssl-dev catch2 libsystemd-dev
  # the QR code of the phone questionnaire's one-time link, drawn by the kiosk
  libqrencode-dev
  # the voice (docs/voice.md): espeak-ng and its voices, ALSA for the sound device; sox measures the
  # utterances in the window test
  libespeak-ng-dev espeak-ng-data libasound2-dev sox
  # the central office's PostgreSQL engine: the client library, and the server the tests start
  libpq-dev postgresql
  # the reverse proxy in front of several skm-central replicas (docs/operations.md, tested)
  nginx-light
  # run time: fonts from a Debian package, software OpenGL, a virtual X server for headless hosts
  fonts-noto-core libgl1-mesa-dri xvfb xauth x11-utils
  # on a kiosk device: the Wayland kiosk compositor the kiosk runs under (install/systemd/skm-kiosk.service),
  # with XWayland for the kiosk (an X11 client); grim reads cage's output in the boot test
  cage xwayland grim
  # tests and screenshots
  xdotool imagemagick util-linux procps jq openssl curl file debootstrap
  # the stand-in queue system the poller reads (python3's http.server); the kiosk's QR code read back
  # from a screenshot
  python3 zbar-tools
  # the alert tests' real SMTP receiver (aiosmtpd, with STARTTLS)
  python3-aiosmtpd
  # the HTML report, rendered in a real browser by the tests; the laporan's PDF printed by it and
  # read back (pdftotext, pdfinfo, pdftoppm) by the tests
  chromium poppler-utils
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing packages: ${missing[*]}" >&2
  echo "deps: run this script as root (or install them with sudo apt-get install)" >&2
  exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
