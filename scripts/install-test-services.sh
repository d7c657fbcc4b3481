#!/usr/bin/env bash
# Installs what the tests need beyond Python packages, when it is missing: PostgreSQL's server
# binaries (the tests start a throwaway cluster themselves), promtool and the SARIF 2.1.0 JSON Schema.
set -euo pipefail
cd "$(dirname "$0")/.."

have_postgres() {
  command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}

apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "warning: cannot install $* (need root and apt-get); the tests that need it will skip" >&2
  fi
}

have_postgres || apt_install postgresql

# promtool (Debian package `prometheus`): tests/integration checks and unit-tests the rules that
# `charter slo rules` generates with the real `promtool check rules` and `promtool test rules`.
command -v promtool >/dev/null 2>&1 || apt_install prometheus

# `charter report`: Pango for WeasyPrint's PDF; Debian's Chromium, which the tests drive with
# Playwright (never `playwright install`: no browser is downloaded), and poppler's pdftotext and
# pdftoppm, which read the PDF back.
bash scripts/install-pango.sh
[ -x /usr/bin/chromium ] || apt_install chromium
command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || apt_install poppler-utils

# The official SARIF 2.1.0 JSON Schema (sarif-2.1.0-rtm.5.json, the OASIS standard's final schema),
# as Microsoft's SARIF SDK ships it on npm; tests/outputs validates Charter's SARIF against it.
SARIF_SCHEMA=.tools/node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json
if [ ! -f "$SARIF_SCHEMA" ]; then
  if command -v npm >/dev/null 2>&1; then
    npm install --prefix .tools --no-audit --no-fund --ignore-scripts @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null \
      || echo "warning: could not install the SARIF schema; the SARIF schema test will skip" >&2
  else
    echo "warning: npm is missing; the SARIF schema test will skip" >&2
  fi
fi

# Debian's Chromium: Playwright drives it through the dashboard (tests/integration/serve); the
# browser builds `playwright install` would download are never used.
command -v chromium >/dev/null 2>&1 || apt_install chromium
