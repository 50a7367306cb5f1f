#!/usr/bin/env bash
# Finds k6 at the pinned version (package.json config.k6Version) and prints its path on stdout;
# installs it with Go when it is missing. One script for CI, the tests and the demo.
# Order: $K6_BIN, then PATH, then $(go env GOPATH)/bin.
# Usage: scripts/ensure-k6.sh [--no-install]      exit 0 found, 3 missing (messages on stderr)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pinned=$(sed -n 's/.*"k6Version": *"\(v[0-9.]*\)".*/\1/p' "$root/package.json")
want=${pinned#v}
install=1
[ "${1:-}" = "--no-install" ] && install=0

say() { printf 'ensure-k6: %s\n' "$*" >&2; }
version_of() { "$1" version 2>/dev/null | sed -n 's/^k6 v\([0-9][0-9.]*\).*/\1/p' | head -n 1; }

# An explicit K6_BIN is the user's choice: it must work, and any v2 is accepted.
if [ -n "${K6_BIN:-}" ]; then
  if [ ! -x "$K6_BIN" ]; then
    say "K6_BIN=$K6_BIN is not an executable file. Fix K6_BIN or unset it to use k6 from PATH."
    exit 3
  fi
  v=$(version_of "$K6_BIN")
  case "$v" in
    2.*) [ "$v" = "$want" ] || say "K6_BIN is k6 $v; the toolkit is tested with $want."
         echo "$K6_BIN"; exit 0 ;;
    *) say "K6_BIN=$K6_BIN is k6 ${v:-of unknown version}; odoo-capacity needs k6 v2 ($pinned)."; exit 3 ;;
  esac
fi

candidates=()
if command -v k6 >/dev/null 2>&1; then candidates+=("$(command -v k6)"); fi
if command -v go >/dev/null 2>&1; then
  gobin=$(go env GOBIN); [ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
  candidates+=("$gobin/k6")
fi
for bin in "${candidates[@]}"; do
  if [ -x "$bin" ] && [ "$(version_of "$bin")" = "$want" ]; then echo "$bin"; exit 0; fi
done

if [ "$install" = 0 ] || ! command -v go >/dev/null 2>&1; then
  say "k6 $pinned not found (looked at K6_BIN, PATH${gobin:+ and $gobin})."
  say "Install it: with Go, 'go install go.k6.io/k6/v2@$pinned' (or run scripts/ensure-k6.sh);"
  say "or a k6 v2 package or binary from https://grafana.com/docs/k6/latest/set-up/install-k6/ ;"
  say "then put it on PATH or set K6_BIN=/path/to/k6."
  exit 3
fi

say "installing k6 $pinned with Go (a few minutes on a cold module cache)..."
if ! go install "go.k6.io/k6/v2@$pinned" >&2; then
  # Some module mirrors serve versions but not the module's version list, which 'go install
  # pkg@version' reads for its deprecation check. Fetch the version, then install with the local
  # module cache answering first.
  say "retrying through the local module cache"
  go mod download "go.k6.io/k6/v2@$pinned" >&2
  GOPROXY="file://$(go env GOMODCACHE)/cache/download,$(go env GOPROXY)" go install "go.k6.io/k6/v2@$pinned" >&2
fi
bin="$gobin/k6"
if [ "$(version_of "$bin")" != "$want" ]; then say "go install finished but $bin is not k6 $want"; exit 3; fi
say "installed $bin"
echo "$bin"
