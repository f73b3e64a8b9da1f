"""The fine-tuned MiniLM tagger (``opis.analysis.cable_transformer``) on History Lab gold.

    nice -n 10 .venv/bin/python bench/ner_transformer.py [--corpus ../shared/corpus]
        [--folds 5] [--seeds 7 8] [--cache /tmp/nerx] [--epochs 5] [--lr 1e-4]

Same protocol and scoring as ``bench/ner_cable.py`` (``ner_eval.evaluate_spans``; its
exact spans; folds of ``cable_ner.folds``, grouped by telegram), for:

- the transformer alone (out-of-fold): one fine-tuning per seed, their label
  probabilities averaged (as the shipped ensemble does); each seed also alone;
- the CRF of ``cable_ner`` alone (same folds);
- union: the CRF's spans plus the transformer's people where the CRF found nothing;
- stacked: a CRF over ``cable_ner`` features plus the transformer's out-of-fold labels
  and probabilities. A record's transformer features always come from the fold model
  that did not see it; the CRF of fold k is trained on records whose features came
  from fold models that did see fold k's records (the usual one-level stacking: no
  record's own features leak, but it is not nested cross-fitting);
- ``train`` (+ ``ToBeFixed``) -> ``unittest``, transformer alone and union.

``--cache DIR`` keeps each seed's out-of-fold transformer output in ``DIR/seed-N.pkl``
(the slow part: about 10 minutes a fold and seed on 2 cores) so the combinations can
be rerun without training.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ner_cable import print_scores, train_to_unittest

from opis.analysis import cable_transformer as ct
from opis.analysis.cable_ner import (
    cross_validate,
    gold_spans,
    read_gold,
    views,
)
from opis.analysis.entities import Span
from opis.analysis.ner_eval import Evaluation
from opis.analysis.ner_eval import evaluate_spans as score

ROOT = Path(__file__).resolve().parents[1]


def person_line(name: str, result: Evaluation) -> str:
    line = next(row for row in result.table() if row.strip().startswith("person "))
    return f"{name:<28}{line.strip()[len('person') :]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=None, help="folder of seed-N.pkl")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(ct.SEEDS))
    parser.add_argument("--epochs", type=int, default=ct.Options.epochs)
    parser.add_argument("--lr", type=float, default=ct.Options.lr)
    parser.add_argument("--skip-unittest", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(2)
    options = ct.Options(epochs=args.epochs, lr=args.lr)
    records = read_gold(args.corpus)
    record_views = views([r.body for r in records])
    runs = []
    for seed in args.seeds:
        cache = args.cache / f"seed-{seed}.pkl" if args.cache else None
        if cache and cache.exists():
            cached = pickle.loads(cache.read_bytes())
            outputs, seconds, used = cached["outputs"], cached["seconds"], cached["options"]
            print(f"transformer out-of-fold output from {cache}")
        else:
            used = replace(options, seed=seed)
            outputs, seconds = ct.cross_validate(
                records, args.folds, used, log=lambda m: print(f"  {m}", flush=True)
            )
            if cache:
                cache.parent.mkdir(parents=True, exist_ok=True)
                cache.write_bytes(
                    pickle.dumps({"outputs": outputs, "seconds": seconds, "options": used})
                )
        print(f"{used}")
        print("seconds per fold (training + tagging): " + ", ".join(f"{s:.0f}" for s in seconds))
        runs.append(outputs)
    outputs = ct.average(runs)
    summary: list[str] = []

    def report(short: str, spans: dict[int, list[Span]], title: str = "") -> None:
        """Score ``spans``: the whole table under ``title`` if given, the person row kept."""
        result = score(records, spans)
        if title:
            print_scores(title, result)
        summary.append(person_line(short, result))

    # Labels decoded again from the probabilities: the cache may hold another decoding.
    labels = {i: ct.decode_labels(o.probabilities) for i, o in outputs.items()}
    viterbi = {i: ct.decode_labels(o.probabilities, "viterbi") for i, o in outputs.items()}
    report(
        "transformer, B/I Viterbi",
        {i: ct.spans_from(records[i].body, viterbi[i]) for i in viterbi},
    )
    transformer = {i: ct.spans_from(records[i].body, labels[i]) for i in labels}
    report("transformer", transformer, f"transformer, {args.folds}-fold CV grouped by telegram")
    if len(runs) > 1:
        for seed, run in zip(args.seeds, runs, strict=True):
            alone = {i: ct.decode_labels(o.probabilities) for i, o in run.items()}
            report(
                f"transformer, seed {seed} alone",
                {i: ct.spans_from(records[i].body, alone[i]) for i in alone},
            )
    report(
        "transformer, no propagation",
        {i: ct.spans_from(records[i].body, labels[i], False) for i in labels},
    )

    started = time.perf_counter()
    crf = cross_validate(records, record_views, args.folds)
    report("CRF", crf, f"CRF (cable_ner), same folds ({time.perf_counter() - started:.0f} s)")
    report(
        "union",
        {i: ct.union_people(crf[i], transformer[i]) for i in crf},
        "union: CRF + transformer people where the CRF has nothing",
    )

    gold = [gold_spans(r) for r in records]
    started = time.perf_counter()
    stacked = ct.stacked_cross_validation(records, record_views, outputs, args.folds)
    report(
        "stacked CRF",
        stacked,
        f"stacked CRF (cable_ner features + transformer output) "
        f"({time.perf_counter() - started:.0f} s)",
    )
    report(
        "stacked CRF + union",
        {i: ct.union_people(stacked[i], transformer[i]) for i in stacked},
    )

    if not args.skip_unittest:
        held = [i for i, r in enumerate(records) if r.extra.get("split") == "unittest"]
        numbers = {records[i].number for i in held}
        training = [i for i, r in enumerate(records) if i not in held and r.number not in numbers]
        started = time.perf_counter()
        tagger = ct.ensemble(
            [
                ct.train(
                    [(records[i].body, gold[i]) for i in training],
                    replace(options, seed=seed),
                    log=lambda m, seed=seed: print(f"  unittest model {seed}: {m}", flush=True),
                )
                for seed in args.seeds
            ]
        )
        train_seconds = time.perf_counter() - started
        tf_unittest = {i: tagger.tag(records[i].body) for i in held}
        report(
            "transformer -> unittest",
            tf_unittest,
            f"transformer trained on {len(training)} files -> unittest/ "
            f"({train_seconds:.0f} s training)",
        )
        with tempfile.TemporaryDirectory() as folder:
            crf_unittest, _, _ = train_to_unittest(records, record_views, Path(folder))
        report("CRF -> unittest", crf_unittest)
        report(
            "union -> unittest",
            {i: ct.union_people(crf_unittest[i], tf_unittest[i]) for i in held},
            "union -> unittest/",
        )
        started = time.perf_counter()
        for record in records:
            tagger.tag(record.body)
        seconds = time.perf_counter() - started
        chars = sum(len(r.body) for r in records)
        print(
            f"\ntransformer tagging (2 threads): {1000 * seconds / len(records):.0f} ms/document, "
            f"{chars / seconds:,.0f} chars/s"
        )
        with tempfile.TemporaryDirectory() as folder:
            size = ct.save(tagger, Path(folder))
        print(f"saved model (float16 + tokenizer): {size:,} bytes")

    print(f"\nperson (exact, names), {args.folds}-fold CV unless marked:")
    print(f"{'':<28}    P     R    F1      tp   fp   fn   overlap P/R/F1")
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
