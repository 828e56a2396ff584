#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine: Chromium (Debian's, never a downloaded
# browser), PostgreSQL 15 with pgTAP and pg_prove, and the npm packages. Installs only what is
# missing, so it is fast when run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(chromium postgresql-15 postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
