#!/usr/bin/env bash
# Makes sure Debian's headless Chromium is there for the report's browser test, installing it with
# apt-get when missing (as root, or through sudo). Prints its path on stdout. Used by CI and by the
# test setup, like scripts/ensure-k6.sh.
set -euo pipefail
say() { printf 'ensure-chromium: %s\n' "$*" >&2; }

if command -v chromium >/dev/null 2>&1; then command -v chromium; exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  say "chromium not found and this is not a Debian-like system: install Chromium and put it on PATH."
  exit 3
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then say "chromium not found; run: apt-get install chromium (as root)"; exit 3; fi
  sudo="sudo"
fi
say "installing Debian's chromium (one time, about a minute)..."
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >&2
command -v chromium
