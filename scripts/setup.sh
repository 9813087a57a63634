#!/usr/bin/env bash
# Sets up a fresh machine for the tests: Debian packages the tests drive (Chromium for the
# webview, Neovim for the other-editor test) and the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v nvim >/dev/null 2>&1 || need+=(neovim)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: please install ${need[*]} (Debian packages); the tests that need them will say so." >&2
  fi
fi
npm ci --no-audit --no-fund
