#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests if it is missing (root on CI; skipped with a note otherwise).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then echo "chromium missing and not root: browser tests will be skipped" >&2; exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
