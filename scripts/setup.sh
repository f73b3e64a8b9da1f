#!/usr/bin/env bash
# Set up everything opis needs on a fresh machine with Python 3.11:
# a virtual environment in .venv with opis and its dependencies (dev tools too).
# Idempotent: a second run with an unchanged pyproject.toml does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
"$PYTHON" - <<'PY'
import sys
if sys.version_info[:2] < (3, 11):
    sys.exit(f"opis needs Python 3.11 or newer, found {sys.version.split()[0]}")
PY

# Debian packages (OCR, browser tests, ...): install what is missing, once.
missing=()
while read -r package; do
  case "$package" in ""|\#*) continue ;; esac
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done < scripts/debian-packages.txt
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages: ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "warning: missing Debian packages (install them as root): ${missing[*]}" >&2
  fi
fi

stamp=".venv/.opis-setup-$(sha256sum pyproject.toml constraints.txt 2>/dev/null | sha256sum | cut -c1-16)"
if [ -f "$stamp" ]; then
  exit 0
fi
[ -d .venv ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
constraint=()
[ -f constraints.txt ] && constraint=(-c constraints.txt)
.venv/bin/python -m pip install --quiet "${constraint[@]}" -e ".[dev]"
rm -f .venv/.opis-setup-*
touch "$stamp"
echo "opis is set up in .venv"
