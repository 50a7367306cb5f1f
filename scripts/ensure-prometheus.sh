#!/usr/bin/env bash
# Makes sure a Prometheus is there for the remote-write test (test/integration/prometheus-*.ts),
# installing Debian's package with apt-get when missing (as root, or through sudo). Prints its
# path on stdout. Used by CI, like scripts/ensure-chromium.sh. Order: $PROMETHEUS_BIN, then PATH.
# The package's service is not started here (nor needed): the test runs its own Prometheus.
set -euo pipefail
say() { printf 'ensure-prometheus: %s\n' "$*" >&2; }

if [ -n "${PROMETHEUS_BIN:-}" ]; then
  if [ -x "$PROMETHEUS_BIN" ]; then echo "$PROMETHEUS_BIN"; exit 0; fi
  say "PROMETHEUS_BIN=$PROMETHEUS_BIN is not an executable file. Fix PROMETHEUS_BIN or unset it."
  exit 3
fi
if command -v prometheus >/dev/null 2>&1; then command -v prometheus; exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  say "prometheus not found and this is not a Debian-like system: install Prometheus and put it on PATH (or set PROMETHEUS_BIN)."
  exit 3
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then say "prometheus not found; run: apt-get install prometheus (as root)"; exit 3; fi
  sudo="sudo"
fi
say "installing Debian's prometheus (one time, under a minute)..."
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus >&2
command -v prometheus
