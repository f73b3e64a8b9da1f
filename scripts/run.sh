#!/usr/bin/env bash
# Set up opis and run it on its embedded default (SQLite + tantivy in ./opis-data):
# ingest the shared corpus (or the paths given), then show a summary and a sample record.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export OPIS_HOME="${OPIS_HOME:-$PWD/opis-data}"
if [ "$#" -eq 0 ]; then
  set -- ../shared/corpus
fi
status=0
.venv/bin/opis ingest "$@" || status=$?
.venv/bin/opis stats
seed=$(.venv/bin/opis list --limit 100000 | awk '$1 ~ /^wilson-1947-09-12/ {print $1; exit}')
if [ -n "$seed" ]; then
  .venv/bin/opis show "$seed"
fi
# Exit 1 from ingest means some files failed and the rest is stored: not fatal here.
[ "$status" -le 1 ] || exit "$status"
