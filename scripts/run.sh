#!/usr/bin/env bash
# Set up opis and run it on its embedded default (SQLite + tantivy in ./opis-data):
# ingest the shared corpus (or the paths given; unchanged files are not read again)
# with names, references, authorities, OCR of the scans and embeddings, show a
# summary and the model record with its links, then serve the reading room on
# http://127.0.0.1:8000/ in OPIS_WORKERS processes (2; OPIS_NO_SERVE=1 stops after the summary).
# The first run on the whole corpus takes minutes (NER, OCR, embeddings: see the
# README); OPIS_QUICK=1 leaves out OCR and embeddings.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export OPIS_HOME="${OPIS_HOME:-$PWD/opis-data}"
if [ "$#" -eq 0 ]; then
  set -- ../shared/corpus
fi
status=0
extra=(--ocr --embed)
[ -z "${OPIS_QUICK:-}" ] || extra=()
.venv/bin/opis ingest "${extra[@]}" "$@" || status=$?
# Exit 1 from ingest means some files failed and the rest is stored: not fatal here.
[ "$status" -le 1 ] || exit "$status"
.venv/bin/opis stats
seed=wilson-1947-09-12-incoming-cable-no-16-malik-to-cde-stalin
if .venv/bin/opis show "$seed" >/dev/null 2>&1; then
  .venv/bin/opis show "$seed"
  .venv/bin/opis entities "$seed"
  .venv/bin/opis refs "$seed"
fi
if [ -z "${OPIS_NO_SERVE:-}" ]; then
  exec .venv/bin/opis serve --host 127.0.0.1 --port "${OPIS_PORT:-8000}" --workers "${OPIS_WORKERS:-2}"
fi
