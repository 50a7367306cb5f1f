#!/usr/bin/env bash
# Prometheus for the remote-write test: $PROMETHEUS_BIN, PATH, or Debian's package (ensure-debian-tool.sh).
exec bash "$(dirname "${BASH_SOURCE[0]}")/ensure-debian-tool.sh" prometheus prometheus PROMETHEUS_BIN
