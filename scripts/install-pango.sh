#!/usr/bin/env bash
# Installs Pango, the text layout library WeasyPrint draws PDF text with (`charter report --format
# pdf`), when it is missing. Debian and Ubuntu only; elsewhere it says what to install.
set -euo pipefail

have_pango() {
  ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' && ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so'
}

have_pango && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null
else
  echo "warning: Pango is missing and cannot be installed here (need root and apt-get):" \
    "install libpango-1.0-0 and libpangoft2-1.0-0 for PDF reports" >&2
fi
