"""Named-entity recognition against History Lab's gold telegrams, and NER speed.

    .venv/bin/python bench/ner.py [--corpus ../shared/corpus] [--errors N] [--speed N]
    .venv/bin/python bench/ner.py --build-case-table   # regenerate the truecasing table

Prints, for train/, train/ToBeFixed/, unittest/ and all files: precision, recall and F1
per type on exact spans (and, for information, on overlapping spans), the counts, and
the time per document. ``person`` scores names (titles and pronoun-only mentions set
aside, see ``opis.analysis.ner_eval``); ``person-strict`` scores every PER.IND mention
as annotated, pronouns included. Target (issue 4): person F1 >= 0.85.

``--speed N`` times ``find_entities`` on N FRUS and DFAT bodies (docs/s, chars/s).
``--errors N`` lists up to N person misses and false alarms on train/.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections import Counter
from pathlib import Path

from opis.analysis.entities import _DATA, MAX_CHARS, build_case_table, find_entities
from opis.analysis.ner_eval import Evaluation, evaluate_record, gold_type, trim_name
from opis.ingest import read_file
from opis.model import Record
from opis.readers.base import make_source
from opis.readers.historylab import read_telegram

ROOT = Path(__file__).resolve().parents[1]
GROUPS = ("train", "ToBeFixed", "unittest")


def read_gold(corpus: Path) -> dict[str, list[Record]]:
    root = corpus / "historylab-ner"
    groups: dict[str, list[Record]] = {group: [] for group in GROUPS}
    for path in sorted((root / "gt").rglob("*.txt")):
        raw = path.read_bytes()
        source = make_source(raw, str(path.relative_to(root)), "historylab-ner")
        try:
            records = list(read_telegram(raw, source))
        except Exception as exc:  # a bad file is reported, never stops the run
            print(f"FAILED {path}: {exc}")
            continue
        for record in records:
            if isinstance(record, Record):
                groups[record.extra.get("split", "train")].append(record)
    return groups


def print_evaluation(name: str, result: Evaluation) -> None:
    per_doc = result.seconds / result.documents * 1000 if result.documents else 0.0
    print(
        f"\n{name}: {result.documents} documents, {result.characters} chars, "
        f"{per_doc:.0f} ms/document; {result.set_aside} PER.IND mentions with no name set aside"
    )
    print("\n".join(result.table()))


def print_errors(records: list[Record], limit: int) -> None:
    misses: Counter[str] = Counter()
    alarms: Counter[str] = Counter()
    for record in records:
        body = record.body
        found = find_entities(record.model_copy(update={"mentions": []}))
        gold = set()
        for m in record.mentions:
            if m.position is not None and gold_type(m.type) == "person":
                gold.add(trim_name(body, m.position, m.position + len(m.text)))
        other = [
            (m.position, m.position + len(m.text))
            for m in record.mentions
            if m.position is not None and gold_type(m.type) != "person"
        ]
        got = {(m.position, m.end) for m in found if m.type == "person"}
        for start, end in gold - got:
            misses[body[start:end]] += 1
        for start, end in got - gold:
            assert start is not None and end is not None
            inside = next((body[s:e] for s, e in other if s < end and start < e), "")
            alarms[f"{body[start:end]}  [gold: {inside or '-'}]"] += 1
    print("\nperson misses (gold, trimmed):")
    for text, count in misses.most_common(limit):
        print(f"  {count:3} {text}")
    print("\nperson false alarms:")
    for text, count in alarms.most_common(limit):
        print(f"  {count:3} {text}")


def speed(corpus: Path, sample: int) -> None:
    bodies: list[str] = []
    for folder in ("frus/volumes", "dfat/volumes"):
        for path in sorted((corpus / folder).rglob("*")):
            if path.is_file():
                result = read_file(path)
                bodies.extend(
                    item.body
                    for item in result.items or ()
                    if isinstance(item, Record) and item.body
                )
    random.Random(4).shuffle(bodies)
    chosen = bodies[:sample]
    find_entities(
        Record.model_validate(
            {"id": "warm", "title": "", "body": "Warm up.", "source": _dummy_source()}
        )
    )
    started = time.perf_counter()
    mentions = 0
    for body in chosen:
        record = Record.model_validate(
            {"id": "x", "title": "", "body": body, "source": _dummy_source()}
        )
        mentions += len(find_entities(record))
    elapsed = time.perf_counter() - started
    chars = sum(min(len(b), MAX_CHARS) for b in chosen)
    total = sum(len(b) for b in bodies)
    capped = sum(1 for b in bodies if len(b) > MAX_CHARS)
    print(
        f"\nspeed on {len(chosen)} random FRUS+DFAT bodies ({chars} chars tagged): "
        f"{elapsed:.1f} s, {len(chosen) / elapsed:.1f} docs/s, {chars / elapsed:,.0f} chars/s, "
        f"{mentions} mentions"
    )
    print(
        f"  all {len(bodies)} FRUS+DFAT bodies: {total:,} chars; {capped} longer than "
        f"{MAX_CHARS:,} (only their start is tagged); estimated single-process time "
        f"{sum(min(len(b), MAX_CHARS) for b in bodies) / (chars / elapsed):.0f} s"
    )


def _dummy_source() -> dict[str, object]:
    return {"format": "bench", "sha256": "0" * 64, "filename": "bench", "size": 0}


def main() -> int:
    # The rules' own figures: the shipped cable model was trained on these very
    # telegrams, so its score here would be training accuracy. Its held-out figures
    # come from bench/ner_cable.py (cross-validation).
    os.environ.setdefault("OPIS_CABLE_NER", "off")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--errors", type=int, default=0)
    parser.add_argument("--speed", type=int, default=300)
    parser.add_argument("--build-case-table", action="store_true")
    args = parser.parse_args()
    if args.build_case_table:
        bodies: list[str] = []
        for folder in ("frus/volumes", "dfat/volumes", "frus-history"):
            for path in sorted((args.corpus / folder).rglob("*")):
                if path.is_file():
                    result = read_file(path, analyse=False)  # bodies only: minutes faster
                    bodies.extend(
                        item.body for item in result.items or () if isinstance(item, Record)
                    )
        table = build_case_table(bodies)
        out = _DATA / "truecase.json"
        out.write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":")))
        print(f"{out}: {len(table['lower'])} lower-case words, {len(table['upper'])} acronyms")
        return 0
    groups = read_gold(args.corpus)
    total = Evaluation()
    for group in GROUPS:
        result = Evaluation()
        for record in groups[group]:
            result.add(evaluate_record(record))
        print_evaluation(group, result)
        total.add(result)
    print_evaluation("all", total)
    if args.errors:
        print_errors(groups["train"], args.errors)
    if args.speed:
        speed(args.corpus, args.speed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
