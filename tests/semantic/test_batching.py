"""Batching is the embedder's business: it must not change a vector or whose vector it is.

``MiniLMEmbedder.embed`` runs the model itself, longest texts first, in batches
padded to a multiple of ``PAD_TO`` word pieces; the reference is the
sentence-transformers ``encode`` the vectors were first made with.
"""

from __future__ import annotations

import numpy as np
import pytest

from opis.model import Record
from opis.semantic.embedder import MiniLMEmbedder, document_text, shared_model


@pytest.fixture(scope="module")
def texts(frus_korea: dict[str, Record], sample: list[Record]) -> list[str]:
    """Korea 1949 documents, and their bare titles: a few word pieces to the full window."""
    korea = list(frus_korea.values())[:40]
    documents = [t for t in (document_text(r) for r in korea) if t]
    titles = [r.title for r in korea if len(r.title.split()) >= 4]
    mixed = [t for pair in zip(documents, titles, strict=False) for t in pair]
    # No twins (the model is uncased: "(sebald)" and "(Sebald)" are one text to it).
    unique = {t.lower(): t for t in [*mixed, *(document_text(r) for r in sample)]}
    mixed = list(unique.values())
    lengths = [len(t) for t in mixed]
    assert min(lengths) < 200 and max(lengths) > 1_500  # short and long in one call
    return mixed


def test_vectors_are_those_of_sentence_transformers_encode(
    model: MiniLMEmbedder, texts: list[str]
) -> None:
    ours = model.embed(texts)
    reference = (
        shared_model()
        .encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
        .astype(np.float32)
    )
    reference /= np.linalg.norm(reference, axis=1, keepdims=True)  # as the embedder did
    cosines = np.sum(ours * reference, axis=1)
    # Equal to bfloat16 rounding (float32 rounding on a CPU without AMX).
    assert cosines.min() > 0.9999
    assert np.allclose(ours, reference, atol=5e-3)


def test_batching_and_order_do_not_move_vectors_between_texts(texts: list[str]) -> None:
    whole = MiniLMEmbedder(batch_size=32).embed(texts)
    # Small batches of another composition, the texts in reverse order.
    reverse = MiniLMEmbedder(batch_size=5).embed(texts[::-1])[::-1]
    assert np.min(np.sum(whole * reverse, axis=1)) > 0.9999
    # Each text's vector is nearest its own twin, not a neighbour's.
    assert (np.argmax(whole @ reverse.T, axis=1) == np.arange(len(texts))).all()
    alone = np.stack([MiniLMEmbedder().embed([t])[0] for t in texts[:8]])
    assert np.min(np.sum(whole[:8] * alone, axis=1)) > 0.9999
