"""The model on real documents: unit vectors, reproducible, and neighbours by subject."""

from __future__ import annotations

import numpy as np
import pytest

from opis.model import Record
from opis.semantic.embedder import DIMENSIONS, MiniLMEmbedder, Vectors, document_text

GROUPS = {"frus1949v07p2": "korea", "frus1961-63v06": "kennedy", "dfat-v1": "iron ore"}


def group(record: Record) -> str:
    return next((g for prefix, g in GROUPS.items() if record.id.startswith(prefix)), "seed")


@pytest.fixture(scope="module")
def vectors(model: MiniLMEmbedder, sample: list[Record]) -> Vectors:
    return model.embed([document_text(r) for r in sample])


def test_unit_float32_vectors_offline(vectors: Vectors, sample: list[Record]) -> None:
    import huggingface_hub.constants

    assert vectors.dtype == np.float32 and vectors.shape == (len(sample), DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert huggingface_hub.constants.HF_HUB_OFFLINE  # the model never asks the network


def test_same_text_same_vector_alone_or_in_a_batch(
    model: MiniLMEmbedder, vectors: Vectors, sample: list[Record]
) -> None:
    again = model.embed([document_text(sample[3])])[0]
    assert np.array_equal(model.embed([document_text(sample[3])])[0], again)
    # Padded in a batch, the same text: equal to float32 rounding, or bfloat16's (cosine 1e-4).
    assert float(again @ vectors[3]) > 0.9999
    assert np.allclose(again, vectors[3], atol=5e-3)
    assert model.embed([]).shape == (0, DIMENSIONS)


def test_nearest_neighbour_shares_the_subject(vectors: Vectors, sample: list[Record]) -> None:
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -1.0)
    groups = [group(r) for r in sample]
    assert groups.count("korea") == 4 and groups.count("kennedy") == 5
    for row, record in enumerate(sample):
        nearest = int(np.argmax(similarity[row]))
        if groups[row] == "seed":
            # Malik to Stalin on Korea, 1947: nearest to the State Department on Korea, 1949.
            assert groups[nearest] == "korea", sample[nearest].id
        else:
            assert groups[nearest] == groups[row], (record.id, sample[nearest].id)


def test_korea_cables_nearer_each_other_than_to_an_iron_ore_cable(
    vectors: Vectors, sample: list[Record]
) -> None:
    by_id = {r.id: vectors[i] for i, r in enumerate(sample)}
    withdrawal = float(by_id["frus1949v07p2-d213"] @ by_id["frus1949v07p2-d240"])
    iron_ore = max(
        float(by_id[k] @ by_id[d])
        for k in ("frus1949v07p2-d213", "frus1949v07p2-d240")
        for d in ("dfat-v1-186", "dfat-v1-202")
    )
    assert withdrawal > 0.6 > 0.3 > iron_ore
    assert float(by_id["dfat-v1-186"] @ by_id["dfat-v1-202"]) > 0.75  # both on the 1938 ban
