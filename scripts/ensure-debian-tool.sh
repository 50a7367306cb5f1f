#!/usr/bin/env bash
# Makes sure a tool the tests or CI need is there, installing its Debian package with apt-get when
# missing (as root, or through sudo), and prints its path on stdout.
# Usage: ensure-debian-tool.sh <command> <package> [<VAR naming an explicit binary>] [--recommends]
set -euo pipefail
cmd=$1 pkg=$2 var=${3:-} recommends=${4:-}
say() { printf 'ensure %s: %s\n' "$cmd" "$*" >&2; }

if [ -n "$var" ] && [ -n "${!var:-}" ]; then
  if [ -x "${!var}" ]; then echo "${!var}"; exit 0; fi
  say "$var=${!var} is not an executable file. Fix $var or unset it."
  exit 3
fi
if command -v "$cmd" >/dev/null 2>&1; then command -v "$cmd"; exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  say "not found and this is not a Debian-like system: install $pkg and put $cmd on PATH${var:+ (or set $var)}."
  exit 3
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then say "not found; run: apt-get install $pkg (as root)"; exit 3; fi
  sudo="sudo"
fi
flags=(-y -qq)
[ "$recommends" = --recommends ] || flags+=(--no-install-recommends)
say "installing Debian's $pkg (one time, about a minute)..."
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install "${flags[@]}" "$pkg" >&2
command -v "$cmd"
