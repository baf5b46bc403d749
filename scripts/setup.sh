#!/usr/bin/env bash
# Set up everything deckgen needs on a Debian machine: system fonts and libraries, then a
# virtual environment in .venv with deckgen installed in editable mode.
#   scripts/setup.sh          what building needs
#   scripts/setup.sh test     also what the tests need (poppler-utils, LibreOffice Impress, and
#                             Chromium with its WebDriver for the preview's browser test)
set -euo pipefail
cd "$(dirname "$0")/.."

# fonts-noto-core: Latin, Greek, Cyrillic, and Arabic (Noto Naskh Arabic, Noto Sans Arabic);
# fonts-noto-cjk: Chinese (SC, TC), Japanese and Korean (Noto Sans/Serif CJK, Regular and Bold)
packages=(fonts-noto-core fonts-noto-cjk fonts-crosextra-carlito fonts-liberation2 libharfbuzz-subset0 libfribidi0)
if [ "${1:-}" = "test" ]; then
  packages+=(poppler-utils libreoffice-impress chromium chromium-driver)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fc-cache -f >/dev/null 2>&1 || true
fi

stamp=.venv/.deckgen-installed
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test]'
  touch "$stamp"
fi
