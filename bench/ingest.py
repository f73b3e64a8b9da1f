"""Ingest the whole shared corpus into a fresh archive and print speed, memory and stage costs.

    .venv/bin/python bench/ingest.py [--corpus ../shared/corpus] [--workers 2] [--no-baseline]
                                     [--no-embed]

Stages, each timed: reading without analysis (the baseline, in its own archive),
reading with analysis (NER and reference detection in the workers), authorities
and the link pass, embeddings, the search index, two new documents arriving in the
full archive (the Wilson Center pages, held back until then: read, analysed,
linked, indexed), and a re-ingest of the unchanged corpus. The added cost of
document intelligence is printed per document.
Targets: issue 2, reading + index under 60 s and peak memory under 1 GB;
issue 4, the whole corpus still completes with entities, references and embeddings.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from opis.archive import open_archive
from opis.ingest import ingest
from opis.linking import after_ingest
from opis.search import sync, update
from opis.search.linked_names import LinkedNames

ROOT = Path(__file__).resolve().parents[1]
NEW_ARRIVALS = "wilson"


def peak_rss_mib() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def timed(label: str, started: float, records: int, timings: dict[str, float]) -> float:
    elapsed = time.perf_counter() - started
    timings[label] = elapsed
    per = f", {1000 * elapsed / records:.1f} ms/record" if records else ""
    # The process's peak so far: which stage raised it (workers count apart).
    own, children = peak_rss_mib()
    memory = f"peak so far {own:.0f} MiB (workers {children:.0f} MiB)"
    print(f"{label:<28}{elapsed:7.1f} s{per:<20} {memory}", flush=True)
    return elapsed


def embed_in_child(home: Path) -> tuple[int, float]:
    """Run ``opis embed`` on ``home``: (documents embedded, its peak memory in MiB)."""
    command = [sys.executable, "-m", "opis.cli", "embed", "--home", str(home), "-q"]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"opis embed failed ({child.returncode})")
    embedded = re.search(r"(\d+) records embedded", output)
    return int(embedded.group(1)) if embedded else 0, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--home", type=Path, default=None, help="keep the archive here")
    parser.add_argument("--no-baseline", action="store_true", help="skip the reading-only run")
    parser.add_argument("--no-embed", action="store_true", help="skip the embeddings stage")
    args = parser.parse_args()
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if not args.no_baseline:
            baseline = open_archive(Path(tmp) / "baseline")
            started = time.perf_counter()
            plain = ingest(baseline.store, [args.corpus], workers=args.workers, analyse=False)
            timed("read, no analysis", started, plain.records, timings)
            baseline.close()

        archive = open_archive(args.home or Path(tmp) / "home")
        # Everything but the Wilson Center pages, which come last as the new arrivals
        # of an archive already full (the cost of adding a document or two).
        held_back = args.corpus / NEW_ARRIVALS
        first = [p for p in sorted(args.corpus.iterdir()) if p != held_back]
        started = time.perf_counter()
        report = ingest(archive.store, first, workers=args.workers)
        records = report.records
        timed("read + analysis", started, records, timings)

        started = time.perf_counter()
        after = after_ingest(archive.store, archive.links, first, collections_changed=True)
        timed("authorities + link pass", started, records, timings)

        embed_peak = None
        if not args.no_embed:
            # In its own process, as `opis embed` runs: torch's memory then does not
            # sit on top of what ingest and the link pass left in this one.
            started = time.perf_counter()
            embedded, embed_peak = embed_in_child(archive.home)
            timed(f"embeddings ({embedded} docs)", started, records, timings)

        started = time.perf_counter()
        archive.search_index().close()
        timed("search index", started, records, timings)

        started = time.perf_counter()
        arrivals = ingest(archive.store, [held_back], workers=1)
        arrived = after_ingest(
            archive.store, archive.links, [held_back], collections_changed=arrivals.collections > 0
        )
        backend = archive.open_index()
        sync(archive.store, backend, decorate=LinkedNames(archive.links))
        update(archive.store, backend, arrived.link.relinked, LinkedNames(archive.links))
        backend.close()
        timed(f"{arrivals.records} new documents, linked", started, 0, timings)

        started = time.perf_counter()
        again = ingest(archive.store, [args.corpus], workers=args.workers)
        timed("re-ingest (unchanged)", started, 0, timings)
        stats = archive.store.stats()
        counts = archive.links.link_counts()
        authorities = archive.links.authority_counts()
        placeholders = archive.links.placeholder_count()
        archive.close()
    own, children = peak_rss_mib()
    link = after.link
    print(f"corpus            {args.corpus}")
    failed = len(report.failed)
    print(f"files             {report.files} ({len(report.skipped)} skipped, {failed} failed)")
    print(f"records           {stats.records} held ({report.records} read)")
    for fmt, count in sorted(report.by_format.items()):
        print(f"  {fmt:<18}{count}")
    print(f"authorities       {after.authorities} built; by kind/status: {authorities}")
    print(
        f"links             {counts['entity_links']} names linked, {counts['reference_links']} "
        f"reference links ({counts['resolved_references']} to held records, {placeholders} "
        f"placeholders cited); {link.linked} records linked"
    )
    stages = timings["authorities + link pass"] + sum(
        v for k, v in timings.items() if k.startswith("embeddings")
    )
    analysis = 0.0
    if "read, no analysis" in timings:
        analysis = timings["read + analysis"] - timings["read, no analysis"]
        print(
            f"analysis cost     {analysis:.1f} s, {1000 * analysis / max(records, 1):.1f} ms per "
            f"record with {args.workers} workers (NER + reference detection)"
        )
    added = analysis + stages
    print(
        f"intelligence      {added:.1f} s added, {1000 * added / max(records, 1):.1f} ms per "
        f"record (analysis {analysis:.1f} s, link pass + embeddings {stages:.1f} s)"
    )
    total = sum(
        v
        for k, v in timings.items()
        if k not in ("read, no analysis", "re-ingest (unchanged)") and "new documents" not in k
    )
    print(f"total             {total:.1f} s with {args.workers} worker(s)")
    print(f"re-ingest         {again.unchanged_files} files unchanged")
    print(f"peak memory       {own:.0f} MiB main process, {children:.0f} MiB largest worker")
    if embed_peak is not None:
        print(f"                  {embed_peak:.0f} MiB the embeddings process (opis embed)")
    for path, message in report.failed[:20]:
        print(f"FAILED {path}: {message}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
