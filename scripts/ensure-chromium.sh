#!/usr/bin/env bash
# Debian's headless Chromium for the report's browser test; prints its path (ensure-debian-tool.sh).
exec bash "$(dirname "${BASH_SOURCE[0]}")/ensure-debian-tool.sh" chromium chromium '' --recommends
