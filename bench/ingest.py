"""Ingest the whole shared corpus into a fresh archive and print speed and memory.

    .venv/bin/python bench/ingest.py [--corpus ../shared/corpus] [--workers 2]

Prints files, records by outcome and format, wall time, documents per second,
and peak resident memory of this process and its worker processes.
Target (issue 2): the whole corpus in under 60 s with peak memory under 1 GB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from opis.archive import open_archive
from opis.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]


def peak_rss_mib() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--home", type=Path, default=None, help="keep the archive here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        archive = open_archive(args.home or Path(tmp) / "home")
        started = time.perf_counter()
        report = ingest(archive.store, [args.corpus], workers=args.workers)
        elapsed = time.perf_counter() - started
        index_started = time.perf_counter()
        archive.search_index().close()
        index_elapsed = time.perf_counter() - index_started
        again_started = time.perf_counter()
        again = ingest(archive.store, [args.corpus], workers=args.workers)
        again_elapsed = time.perf_counter() - again_started
        stats = archive.store.stats()
        archive.close()
    own, children = peak_rss_mib()
    print(f"corpus            {args.corpus}")
    print(f"files             {report.files} ({len(report.skipped)} skipped, "
          f"{len(report.failed)} failed)")
    print(f"records read      {report.records}: created {report.created}, catalogue entries "
          f"completed by full text {report.completed}, updated {report.updated}, covered "
          f"{report.covered}, unchanged {report.unchanged}")
    print(f"store holds       {stats.records} records, {stats.versions} earlier versions")
    for fmt, count in sorted(report.by_format.items()):
        print(f"  {fmt:<18}{count}")
    print(f"wall time         {elapsed:.1f} s with {args.workers} worker(s)")
    print(f"rate              {report.records / elapsed:.0f} records/s, "
          f"{report.files / elapsed:.0f} files/s")
    print(f"search index      {index_elapsed:.1f} s to index {stats.records} records")
    print(f"total             {elapsed + index_elapsed:.1f} s (target: under 60 s)")
    print(f"re-ingest         {again_elapsed:.1f} s ({again.unchanged_files} files unchanged)")
    print(f"peak memory       {own:.0f} MiB main process, {children:.0f} MiB largest worker"
          " (target: under 1 GB)")
    for path, message in report.failed[:20]:
        print(f"FAILED {path}: {message}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
