#!/usr/bin/env bash
# Makes Debian's Chromium available for the docs site's browser test (tooling/scripts/docs-test.mjs,
# `pnpm docs:test`), which drives it through playwright-core with executablePath /usr/bin/chromium.
# Playwright's own browser download cannot work here (no internet), so it is never used.
# Idempotent: installs the package only when /usr/bin/chromium is missing. Prints the path.
set -euo pipefail

if [ ! -x /usr/bin/chromium ]; then
  echo "ci: installing chromium" >&2
  export DEBIAN_FRONTEND=noninteractive
  install_ok=0
  apt-get install -y -qq chromium >/dev/null 2>&1 && install_ok=1
  if [ "$install_ok" = 0 ]; then
    apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null && install_ok=1
  fi
  [ "$install_ok" = 1 ] || { echo "ci: could not install chromium" >&2; exit 1; }
fi

/usr/bin/chromium --version >&2 2>/dev/null || true
echo /usr/bin/chromium
