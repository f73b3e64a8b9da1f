"""The fine-tuned MiniLM for cables and the CRF stacked on it (``cable_transformer``).

Their accuracy is measured by ``bench/ner_transformer.py`` (five fine-tunings take
about 25 minutes on 2 cores: too slow for a test); these tests check that the shipped
models load and are the ones ``entities`` uses on upper-case cables, that decoding,
stacking and saving behave, and that training runs end to end on two real telegrams.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from opis.analysis import cable_ner, cable_transformer
from opis.analysis.cable_transformer import (
    LABEL_INDEX,
    LABELS,
    MODEL_DIR,
    OUT_OF_FOLD_FILE,
    Options,
    decode_labels,
    default_stacked,
    default_tagger,
    ensemble,
    load,
    save,
    stack_features,
    train,
)
from opis.analysis.entities import find_entities
from opis.model import Record

SEEN_TWICE = "1973BONN07634"


@pytest.fixture(scope="module")
def gold(corpus: Path) -> list[Record]:
    return cable_ner.read_gold(corpus)


@pytest.fixture
def transformer_off(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OPIS_CABLE_TRANSFORMER", "off")
    default_tagger.cache_clear()
    default_stacked.cache_clear()
    yield
    monkeypatch.delenv("OPIS_CABLE_TRANSFORMER")
    default_tagger.cache_clear()
    default_stacked.cache_clear()


def _probabilities(rows: list[dict[str, float]]) -> np.ndarray:
    out = np.full((len(rows), len(LABELS)), 0.0, dtype=np.float32)
    for n, row in enumerate(rows):
        for label, p in row.items():
            out[n, LABEL_INDEX[label]] = p
        out[n, 0] = 1.0 - sum(row.values())
    return out


def test_io_decoding_keeps_a_name_whole_where_viterbi_cuts_it() -> None:
    # "IAN SEYMOUR SAID": the model is sure both words are a person, unsure which starts.
    probs = _probabilities(
        [{"B-person": 0.8, "I-person": 0.1}, {"B-person": 0.5, "I-person": 0.4}, {}]
    )
    assert decode_labels(probs) == ["B-person", "I-person", "O"]
    assert decode_labels(probs, "viterbi") == ["B-person", "B-person", "O"]


def test_io_decoding_starts_a_new_span_where_the_type_changes() -> None:
    probs = _probabilities([{"B-person": 0.9}, {"I-place": 0.9}, {"I-place": 0.9}, {}])
    assert decode_labels(probs) == ["B-person", "B-place", "I-place", "O"]


def test_stack_features_add_the_transformer_output_to_the_crf_features() -> None:
    probs = _probabilities([{"B-person": 0.7}, {"I-person": 0.6}])
    items = stack_features([["w=ian"], ["w=seymour"]], ["B-person", "I-person"], probs)
    assert items[0]["w=ian"] == 1.0 and items[0]["tf=B-person"] == 1.0
    assert items[0]["-1tf=edge"] == 1.0 and items[0]["+1tf=I-person"] == 1.0
    assert items[1]["tf.type=person"] == 1.0
    assert items[0]["tf.p.B-person"] == pytest.approx(0.7)


def test_the_shipped_models_tag_cables_for_entities(gold: list[Record]) -> None:
    assert (MODEL_DIR / "model-0.safetensors").exists(), (
        "rebuild with: python -m opis.analysis.cable_transformer --stacked"
    )
    assert default_tagger() is not None and default_stacked() is not None
    # Names are voted on by their occurrences' person probabilities in the stacked
    # tagger only (bench/ner_transformer.py: it helps there, not in the CRF alone).
    assert default_stacked().crf.vote == cable_ner.PERSON_VOTE  # type: ignore[union-attr]
    assert cable_ner.default_tagger().vote is None  # type: ignore[union-attr]
    record = next(r for r in gold if r.number == SEEN_TWICE)
    view = cable_ner.views([record.body])[0]
    stacked = cable_transformer.tag_stacked(view)
    assert stacked is not None
    assert cable_ner.tag_cable(view.text, view.recased, view.spacy, view.rules) == stacked
    found = find_entities(record.model_copy(update={"mentions": []}))
    assert {(m.position, m.end, m.type) for m in found} == {
        (s.start, s.end, s.type) for s in stacked
    }
    assert "HERMES" in {m.text for m in found if m.type == "person"}


def test_without_the_transformer_the_crf_tags_alone(
    gold: list[Record], transformer_off: None
) -> None:
    record = next(r for r in gold if r.number == SEEN_TWICE)
    view = cable_ner.views([record.body])[0]
    assert cable_transformer.tag_stacked(view) is None
    crf = cable_ner.default_tagger()
    assert crf is not None
    assert cable_ner.tag_cable(view.text, view.recased, view.spacy, view.rules) == (
        crf.tag_views(view)
    )


def test_training_saving_and_loading_on_two_real_telegrams(
    gold: list[Record], tmp_path: Path
) -> None:
    pair = [r for r in gold if r.extra.get("split") == "train"][:2]
    options = Options(epochs=1, window=64, stride=48, batch=8)
    tagger = train([(r.body, cable_ner.gold_spans(r)) for r in pair], options)
    size = save(tagger, tmp_path / "model", options)
    # float16 MiniLM and tokenizer; the frozen word-piece table (23 MB) is read back
    # from the bundled base model, not stored.
    assert 20_000_000 < size < 30_000_000
    settings = json.loads((tmp_path / "model" / "cable_transformer.json").read_text())
    assert [m["word_pieces"] for m in settings["models"]] == ["base model"]
    assert settings["models"][0]["options"]["seed"] == options.seed
    config = json.loads((tmp_path / "model" / "config.json").read_text())
    assert config["architectures"] == ["BertForTokenClassification"]
    loaded = load(tmp_path / "model")
    text = pair[0].body
    tokens, before = tagger.probabilities(text)
    _, after = loaded.probabilities(text)
    assert len(tokens) == len(before) == len(after) > 100
    # Saved in float16: probabilities move by rounding only.
    assert np.abs(before - after).max() < 0.02
    assert np.allclose(after.sum(axis=1), 1.0, atol=1e-4)
    spans = loaded.tag(text)
    assert all(text[s.start : s.end].strip() == text[s.start : s.end] for s in spans)
    assert loaded.tag("") == []

    # Another seed, and the two as one tagger: probabilities averaged, saved as two models.
    reseeded = replace(options, seed=options.seed + 1)
    other = train([(r.body, cable_ner.gold_spans(r)) for r in pair], reseeded)
    _, own = other.probabilities(text)
    assert np.abs(own - before).max() > 0.01  # the seed made a different model
    both = ensemble([tagger, other])
    _, averaged = both.probabilities(text)
    assert np.abs(averaged - (before + own) / 2).max() < 1e-5
    save(both, tmp_path / "both", [options, reseeded])
    settings = json.loads((tmp_path / "both" / "cable_transformer.json").read_text())
    assert [m["options"]["seed"] for m in settings["models"]] == [options.seed, reseeded.seed]
    reloaded = load(tmp_path / "both")
    assert len(reloaded.models) == 2
    assert np.abs(reloaded.probabilities(text)[1] - averaged).max() < 0.02


def test_the_shipped_models_read_their_own_training_telegrams_back(gold: list[Record]) -> None:
    """A wiring check, not an accuracy figure (the models saw these telegrams): if
    the features ``cable_ner`` computes drifted from those the stacked CRF was
    trained on, or the transformer's decoding changed, this falls far below.
    Measured 0.923 on every sixth telegram (the CRF alone: 0.916)."""
    from opis.analysis.ner_eval import evaluate_spans

    sample = gold[::6]
    tagged = {}
    for n, view in enumerate(cable_ner.views([r.body for r in sample])):
        spans = cable_transformer.tag_stacked(view)
        assert spans is not None
        tagged[n] = spans
    total = evaluate_spans(sample, tagged)
    assert total.counts["person"].exact()[2] >= 0.90, total.counts["person"]


def test_a_long_cable_is_tagged_a_few_windows_at_a_time(
    gold: list[Record], monkeypatch: pytest.MonkeyPatch
) -> None:
    tagger = default_tagger()
    assert tagger is not None
    text = "\n\n".join(r.body for r in gold[:12])  # about 30,000 characters
    tokens, few = tagger.probabilities(text)
    assert len(tokens) > 4_000
    monkeypatch.setattr(cable_transformer, "INFERENCE_BATCH", 1_000)
    _, all_at_once = tagger.probabilities(text)
    assert np.abs(few - all_at_once).max() < 1e-3


def test_the_saved_out_of_fold_output_covers_every_gold_telegram(
    gold: list[Record], tmp_path: Path
) -> None:
    outputs = cable_transformer.load_out_of_fold(gold, MODEL_DIR / OUT_OF_FOLD_FILE)
    assert sorted(outputs) == list(range(len(gold)))
    for i in (0, len(gold) // 2, len(gold) - 1):
        assert len(outputs[i].probabilities) == len(cable_ner.tokenize(gold[i].body))
        assert np.allclose(outputs[i].probabilities.sum(axis=1), 1.0, atol=0.01)
    # Written and read back by record id, whatever the order of the records.
    few = {0: outputs[0], 1: outputs[1]}
    cable_transformer.save_out_of_fold(gold, few, tmp_path / "oof.npz")
    back = cable_transformer.load_out_of_fold(gold[1::-1], tmp_path / "oof.npz")
    assert np.array_equal(back[0].probabilities, outputs[1].probabilities)
    assert back[1].labels == outputs[0].labels


PERSON_F1_TARGET = 0.85
"""Issue 4's target for person names on the History Lab telegrams (exact spans)."""


def test_the_stacked_tagger_meets_the_person_target_in_cross_validation(corpus: Path) -> None:
    """5-fold cross-validation of the stacked CRF, vote included, on the out-of-fold
    MiniLM output the shipped one was trained on (``out_of_fold.npz``; the five
    fine-tunings that make it take 40 minutes, so ``bench/ner_transformer.py`` alone
    reruns them). Measured 0.856 on this float16 copy (the bench's 0.852 is on
    the float32 output). In a process with PYTHONHASHSEED=0, as the bench
    runs: the order CRFsuite numbers features in follows set order in the rules, and
    moves the score by a few thousandths."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "opis.analysis.cable_transformer",
            "--corpus",
            str(corpus),
            "--score-stacked",
        ],
        env={**os.environ, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:]}
    precision, recall, f1 = (float(x) for x in rows["person"][1:4])
    assert f1 >= PERSON_F1_TARGET, result.stdout
    assert precision > 0.85 and recall > 0.8, result.stdout
