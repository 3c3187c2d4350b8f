#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks for iso_portal, then the Python environment.
#   scripts/setup.sh        — what the portal needs to run (make run)
#   scripts/setup.sh dev    — plus what the test suite needs (make test): Chromium, poppler, Java for vnu,
#                             libatomic for Playwright's driver, redis-server, libfaketime, Node.js
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"

packages=(ca-certificates python3-venv gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core
  fonts-dejavu-core)
if [ "$mode" = "dev" ]; then
  # libatomic1: Playwright's bundled Node.js driver links it. redis-server: without REDIS_URL the Celery
  # integration tests start their own. faketime: beat at a set time, and `make test-clock`.
  packages+=(chromium poppler-utils default-jre-headless libatomic1 redis-server faketime)
  command -v npm >/dev/null || packages+=(nodejs npm)
fi
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null || python=python3
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
requirements=requirements.txt
[ "$mode" = "dev" ] && requirements=requirements-dev.txt
stamp=".venv/.installed-$(sha256sum requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)-$mode"
if [ ! -f "$stamp" ]; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -r "$requirements"
  touch "$stamp"
fi
if [ "$mode" = "dev" ] && [ ! -x node_modules/.bin/vnu ] && [ -f package.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
DEBUG=1 .venv/bin/python manage.py compilemessages --ignore=.venv -v 0
