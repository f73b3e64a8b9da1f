"""Search benchmark: opis (tantivy) against SQLite FTS5 on the same recombined real documents.

    .venv/bin/python bench/search.py --sizes 100000,1000000 --out /tmp/opis-bench

For each size N it generates N documents by recombining real paragraphs from
../shared/corpus (DFAT, all FRUS volumes, the Wilson cable and the Russian
transcript), each under the metadata of a real document (title, date with time
of day, sender, recipient, place, type, classification, repository), with a
fixed seed, streamed (never all in memory). It indexes them with opis, runs
the query mix, then loads the same documents into SQLite FTS5 (porter
unicode61, remove_diacritics 2, via sqlean) and runs the equivalent queries.

Printed per query class: p50/p95 latency for opis and FTS5 and their ratio;
then index build rate, index size and peak memory (RSS).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
sys.path.insert(0, str(REPO))

from lxml import etree  # noqa: E402
from tests.search.corpus_sample import (  # noqa: E402
    TEI,
    dfat_record,
    frus_record,
    kennan_long_telegram,
    wilson_cable,
    wilson_transcript,
)

from opis.model import Record  # noqa: E402
from opis.search import FACET_FIELDS, TantivyBackend  # noqa: E402
from opis.search.fields import index_fields  # noqa: E402
from opis.search.names import TABLE, WORD, word_key  # noqa: E402

SEED = 1947
BATCH = 5_000
REPEATS = 5

# name: (opis query, FTS5 MATCH expression or None, SQL filter) per query in the class
QUERIES: dict[str, list[tuple[str, str | None, str]]] = {
    "common word": [
        ("government", "government", ""),
        ("Soviet", "soviet", ""),
        ("telegram", "telegram", ""),
        ("committee", "committee", ""),
    ],
    "rare word": [
        ("Pushinka", "pushinka", ""),
        ("Novosibirsk", "novosibirsk", ""),
        ("Sillitoe", "sillitoe", ""),
        ("Baguio", "baguio", ""),
    ],
    "phrase": [
        ('"joint commission"', '"joint commission"', ""),
        ('"peace treaty"', '"peace treaty"', ""),
        ('"security council"', '"security council"', ""),
    ],
    "field + date range": [
        ("from:Evatt date:1948", "header:evatt", "d.date_start BETWEEN '1948' AND '1948-12-31T99'"),
        (
            "type:cablegram date:1945-08-01..1945-08-31",
            "header:cablegram",
            "d.date_start BETWEEN '1945-08-01' AND '1945-08-31T99'",
        ),
        ("title:Korea date:1949", "title:korea", "d.date_start BETWEEN '1949' AND '1949-12-31T99'"),
    ],
    "prefix": [("khru*", "khru*", ""), ("trustee*", "trustee*", ""), ("indones*", "indones*", "")],
    "fuzzy": [("goverment~1", None, ""), ("Menzeis~1", None, ""), ("Khrushchyev~2", None, "")],
    "cyrillic": [
        ("правительство", "правительство", ""),
        ("Мао Цзэдун", "мао цзэдун", ""),
        ("Сталин", "сталин", ""),
    ],
    "cross-script name": [("Хрущёв", "", ""), ("Chruschtschow", "", ""), ("Vishinsky", "", "")],
    "facets, common word": [("government", "government", "")],
}
FACETS_CLASS = "facets, common word"


# --- documents ---------------------------------------------------------------


@dataclass
class Material:
    templates: list[Record]
    english: list[str]
    russian: list[str]


def harvest() -> Material:
    """Real documents (as metadata templates) and their paragraphs."""
    templates: list[Record] = [wilson_cable(CORPUS), kennan_long_telegram(CORPUS)]
    parser = etree.XMLParser(collect_ids=False, huge_tree=True)
    for path in sorted((CORPUS / "frus" / "volumes").glob("*.xml")):
        for div in etree.parse(str(path), parser).iter(f"{TEI}div"):
            if div.get("type") == "document":
                record = frus_record(div, path.stem, path)
                if record is not None:
                    templates.append(record)
    for path in sorted((CORPUS / "dfat" / "volumes").glob("*/*.md")):
        templates.append(dfat_record(path))
    english = [p for r in templates for p in r.body.split("\n\n") if len(p) > 80]
    russian = [p for p in wilson_transcript(CORPUS).body.split("\n\n") if len(p) > 40]
    return Material(templates, english, russian)


def documents(material: Material, n: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """N documents as plain dicts, deterministic for a seed; 2% Russian."""
    rng = random.Random(seed)
    templates, english, russian = material.templates, material.english, material.russian
    for i in range(n):
        template = templates[rng.randrange(len(templates))]
        ru = rng.random() < 0.02
        pool = russian if ru else english
        paragraphs = [pool[rng.randrange(len(pool))] for _ in range(rng.randint(2, 10))]
        if not ru:
            # Keep the template's own opening so names and dates stay with their document.
            paragraphs[0] = template.body.split("\n\n", 1)[0]
        data = template.model_dump(by_alias=True)
        data.update(
            id=f"bench-{i:07d}",
            body="\n\n".join(paragraphs),
            languages=["ru"] if ru else ["en"],
            summary=None,
            annotations=[],
        )
        yield data


# --- opis --------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn: Callable[[], object], repeats: int = REPEATS) -> list[float]:
    fn()  # warm-up: first touch of the files
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_split_mb() -> dict[str, float]:
    """Current resident memory split into anonymous (heap) and file-backed (mmap'd index)."""
    out: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("RssAnon", "RssFile", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return out


def dir_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def bench_opis(material: Material, n: int, out: Path) -> dict[str, Any]:
    path = out / f"opis-{n}"
    shutil.rmtree(path, ignore_errors=True)
    backend = TantivyBackend(path)
    batch: list[tuple[Record, int]] = []
    busy = 0.0
    t0 = time.perf_counter()
    for data in documents(material, n):
        batch.append((Record.model_validate(data), 1))
        if len(batch) >= BATCH:
            start = time.perf_counter()
            backend.index(batch)
            busy += time.perf_counter() - start
            batch = []
    start = time.perf_counter()
    backend.index(batch)
    backend.commit()
    backend.wait_merging()
    busy += time.perf_counter() - start
    wall = time.perf_counter() - t0
    rss_index = peak_rss_mb()
    rss_split = rss_split_mb()
    latencies: dict[str, list[float]] = {}
    totals: dict[str, int] = {}
    for cls, queries in QUERIES.items():
        samples: list[float] = []
        for query, _, _ in queries:
            facets = list(FACET_FIELDS) if cls == FACETS_CLASS else []
            samples += timed(lambda q=query, f=facets: backend.search(q, facets=f, limit=10))
            totals[query] = backend.search(query, limit=1).total
        latencies[cls] = samples
    backend.close()
    return {
        "latencies": latencies,
        "totals": totals,
        "index_seconds": busy,
        "wall_seconds": wall,
        "docs_per_second": n / busy,
        "index_mb": dir_size_mb(path),
        "peak_rss_mb_after_index": rss_index,
        "rss_after_index": rss_split,
        "peak_rss_mb": peak_rss_mb(),
    }


# --- SQLite FTS5 -------------------------------------------------------------


def _key_of(name: str) -> tuple[str, ...]:
    return tuple(word_key(w) for w in WORD.findall(name))


def cross_script_fts(query: str) -> str:
    """What a plain FTS5 app must do for a cross-script name: OR every known spelling."""
    keys = tuple(word_key(w) for w in WORD.findall(query))
    target = TABLE.lookup(keys) or keys
    spellings: set[str] = set()
    for line in (REPO / "src/opis/search/data/name_variants.tsv").read_text().splitlines():
        forms = [f for f in line.split("\t") if f.strip()]
        if forms and not line.startswith("#") and _key_of(forms[0]) == target:
            spellings.update(f.lower() for f in forms)
    return " OR ".join(f'"{s}"' for s in sorted(spellings))


def bench_fts5(material: Material, n: int, out: Path) -> dict[str, Any]:
    import sqlean as sqlite3

    path = out / f"fts5-{n}.sqlite"
    path.unlink(missing_ok=True)
    db = sqlite3.connect(str(path))
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, header, body, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.execute("CREATE TABLE docs (rowid INTEGER PRIMARY KEY, id TEXT, date_start TEXT)")
    db.execute("CREATE TABLE facet_values (rowid INTEGER, facet TEXT, value TEXT)")
    t0 = time.perf_counter()
    rows, docs, facets = [], [], []
    for rowid, data in enumerate(documents(material, n), start=1):
        fields = index_fields(Record.model_validate(data))
        rows.append((rowid, fields.title, fields.header, fields.body))
        docs.append((rowid, fields.id, data.get("date_start")))
        facets += [(rowid, k, v) for k, vs in fields.facets.items() for v in vs]
        if len(rows) >= BATCH:
            _flush(db, rows, docs, facets)
            rows, docs, facets = [], [], []
    _flush(db, rows, docs, facets)
    db.execute("CREATE INDEX facet_values_rowid ON facet_values (rowid)")
    db.execute("CREATE INDEX docs_date ON docs (date_start)")
    db.commit()
    wall = time.perf_counter() - t0
    latencies: dict[str, list[float]] = {}
    for cls, queries in QUERIES.items():
        samples: list[float] = []
        for query, match, where in queries:
            if match is None:
                continue  # FTS5 has no fuzzy matching
            expression = match or cross_script_fts(query)
            if cls == FACETS_CLASS:
                samples += timed(lambda m=expression: _fts_facets(db, m))
            else:
                samples += timed(lambda m=expression, w=where: _fts_top10(db, m, w))
        latencies[cls] = samples
    db.close()
    return {"latencies": latencies, "load_seconds": wall, "db_mb": path.stat().st_size / 2**20}


def _flush(db: Any, rows: list[Any], docs: list[Any], facets: list[Any]) -> None:
    db.executemany("INSERT INTO fts (rowid, title, header, body) VALUES (?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO docs VALUES (?, ?, ?)", docs)
    db.executemany("INSERT INTO facet_values VALUES (?, ?, ?)", facets)
    db.commit()


def _fts_top10(db: Any, match: str, where: str) -> list[Any]:
    # Ranked top 10 with a snippet and the total, as opis returns.
    sql = (
        "SELECT d.id, snippet(fts, 2, '<b>', '</b>', '…', 24) FROM fts JOIN docs d "
        f"ON d.rowid = fts.rowid WHERE fts MATCH ? {'AND ' + where if where else ''} "
        "ORDER BY rank LIMIT 10"
    )
    hits = db.execute(sql, (match,)).fetchall()
    count_sql = (
        f"SELECT count(*) FROM fts JOIN docs d ON d.rowid = fts.rowid WHERE fts MATCH ? "
        f"{'AND ' + where if where else ''}"
    )
    db.execute(count_sql, (match,)).fetchone()
    return list(hits)


def _fts_facets(db: Any, match: str) -> dict[str, list[tuple[str, int]]]:
    counts = db.execute(
        "SELECT facet, value, count(*) FROM facet_values WHERE rowid IN "
        "(SELECT rowid FROM fts WHERE fts MATCH ?) GROUP BY facet, value",
        (match,),
    ).fetchall()
    by_facet: dict[str, Counter[str]] = {}
    for facet, value, count in counts:
        by_facet.setdefault(facet, Counter())[value] = count
    return {f: c.most_common(20) for f, c in by_facet.items()}


# --- report ------------------------------------------------------------------


def report(n: int, opis: dict[str, Any], fts: dict[str, Any] | None) -> str:
    lines = [
        f"## {n:,} documents",
        "",
        "| query class | opis p50 ms | opis p95 ms | FTS5 p50 ms | FTS5 p95 ms "
        "| opis/FTS5 p50 (speed-up) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for cls, samples in opis["latencies"].items():
        p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
        other = (fts or {}).get("latencies", {}).get(cls) or []
        if other:
            f50, f95 = percentile(other, 0.5), percentile(other, 0.95)
            cells = f"{f50:.1f} | {f95:.1f} | {p50 / f50:.3f} ({f50 / p50:.1f}x)"
        else:
            cells = "n/a | n/a | n/a"
        lines.append(f"| {cls} | {p50:.1f} | {p95:.1f} | {cells} |")
    lines += [
        "",
        f"- opis index build: {opis['docs_per_second']:,.0f} docs/s "
        f"({opis['index_seconds']:.0f} s in opis; {opis['wall_seconds']:.0f} s wall with "
        "document generation)",
        f"- opis index size: {opis['index_mb']:,.0f} MiB",
        f"- peak RSS: {opis['peak_rss_mb_after_index']:,.0f} MiB after indexing, "
        f"{opis['peak_rss_mb']:,.0f} MiB after the opis queries "
        f"(whole benchmark process, including the harvested corpus); resident after indexing: "
        f"{opis['rss_after_index'].get('RssAnon', 0):,.0f} MiB anonymous + "
        f"{opis['rss_after_index'].get('RssFile', 0):,.0f} MiB file-backed (mmap'd index)",
    ]
    if fts:
        lines.append(
            f"- FTS5 load: {n / fts['load_seconds']:,.0f} docs/s, database {fts['db_mb']:,.0f} MiB"
        )
    lines.append(
        "- hits per query (opis totals): " + json.dumps(opis["totals"], ensure_ascii=False)
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000", help="comma-separated corpus sizes")
    parser.add_argument("--out", type=Path, default=Path("/tmp/opis-bench"))
    parser.add_argument("--skip-fts5", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the indexes afterwards")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    material = harvest()
    print(
        f"# material: {len(material.templates):,} real documents, {len(material.english):,} "
        f"English and {len(material.russian)} Russian paragraphs "
        f"({time.perf_counter() - start:.0f} s)",
        flush=True,
    )
    for n in (int(s) for s in args.sizes.split(",")):
        opis = bench_opis(material, n, args.out)
        print(f"# opis done for {n:,}: {opis['docs_per_second']:,.0f} docs/s", flush=True)
        fts = None if args.skip_fts5 else bench_fts5(material, n, args.out)
        text = report(n, opis, fts)
        print(text, flush=True)
        (args.out / f"results-{n}.md").write_text(text + "\n")
        (args.out / f"results-{n}.json").write_text(
            json.dumps({"opis": opis, "fts5": fts}, indent=1, ensure_ascii=False)
        )
        if not args.keep:
            shutil.rmtree(args.out / f"opis-{n}", ignore_errors=True)
            (args.out / f"fts5-{n}.sqlite").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
