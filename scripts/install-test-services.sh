#!/usr/bin/env bash
# Installs what the tests need beyond Python packages, when it is missing: PostgreSQL's server
# binaries (the tests start a throwaway cluster themselves) and the SARIF 2.1.0 JSON Schema.
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
