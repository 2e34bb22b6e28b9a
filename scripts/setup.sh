#!/usr/bin/env bash
# Set up pbdocs on a fresh Debian/Ubuntu machine: system packages, then the Python package.
#   bash scripts/setup.sh        run-time: CJK fonts, antiword for .doc, pbdocs with every extra
#   bash scripts/setup.sh test   also what the test suite needs: Chromium for the browser tests,
#                                LibreOffice writer to render the documents an office sends
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(fonts-wqy-zenhei fonts-wqy-microhei antiword)
pip_extras="all"
if [[ "${1:-}" == "test" ]]; then
  apt_packages+=(chromium poppler-utils libreoffice-writer)
  pip_extras="all,test"
fi

if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for pkg in "${apt_packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    sudo=""
    [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
    echo "setup: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "setup: no apt-get; install ${apt_packages[*]} (or equivalents) yourself" >&2
fi

# The PostgreSQL test (tests/test_office_postgres.py) starts a throwaway server from Debian's package; the
# suite skips it, saying so, where the package cannot be installed, so its absence fails nothing.
if [[ "${1:-}" == "test" ]] && command -v apt-get >/dev/null 2>&1 \
    && ! compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; then
  sudo=""
  [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      postgresql; } >/dev/null 2>&1 \
    || echo "setup: could not install postgresql; the PostgreSQL tests will be skipped" >&2
fi

python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore -e ".[${pip_extras}]"
# pyenv only sees a new console script after a rehash.
if command -v pyenv >/dev/null 2>&1; then pyenv rehash || true; fi
command -v pbdocs >/dev/null 2>&1 || echo "setup: pbdocs is installed but not on PATH; add $(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))') to PATH" >&2
