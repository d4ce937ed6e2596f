"""The checker's learned part: a fine-tuned sentence encoder with one score per kind, read from data/."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from workbook.content import ContentError, data_dir
from workbook.sentence_encoder import MAX_TOKENS, Encoder

MODEL_FILE = "checker_model.npz"
MODEL_FORMAT = 2
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_LOAD_LOCK = threading.Lock()
# Matrices of each encoder layer, stored (in, out) as int8 columns with one scale per column.
LAYER_MATRICES = ("query", "key", "value", "attention", "intermediate", "output")
LAYER_VECTORS = ("ln1.weight", "ln1.bias", "ln2.weight", "ln2.bias")
EMBEDDING_ARRAYS = ("position", "token_type", "embeddings.ln.weight", "embeddings.ln.bias")

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Model:
    """The encoder, a linear head per kind, and the score from which a kind is flagged."""

    kinds: tuple[str, ...]
    encoder: Encoder
    head: FloatArray  # (hidden, kinds)
    bias: FloatArray  # (kinds,)
    thresholds: FloatArray  # (kinds,), on the logit scale
    data_sha256: str

    def scores(self, sentence: str) -> FloatArray:
        """Each kind's logit for one sentence."""
        logits: FloatArray = self.scores_of([sentence])[0]
        return logits

    def scores_of(self, sentences: list[str]) -> FloatArray:
        """Logits (sentences, kinds) for several sentences at once."""
        pooled = self.encoder.encode(sentences)
        logits: FloatArray = pooled @ self.head + self.bias
        return logits


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a text, without the spaces around it."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start = match.start()
        part = match.group()
        stripped = part.strip()
        if not any(c.isalnum() for c in stripped):
            continue
        start += len(part) - len(part.lstrip())
        spans.append((start, start + len(stripped)))
    return spans


def reading_chunks(text: str, encoder: Encoder) -> list[tuple[int, int]]:
    """(start, end) of the pieces the model reads: whole sentences, as many together as fit in the
    encoder's limit (a short draft is one piece; a longer one is read piece by piece)."""
    chunks: list[tuple[int, int]] = []
    room = MAX_TOKENS - 2
    used = 0
    for start, end in sentence_spans(text):
        size = _token_count(text[start:end], encoder)
        if chunks and used + size <= room:
            chunks[-1] = (chunks[-1][0], end)
            used += size
        else:
            chunks.append((start, end))
            used = size
    return chunks


@lru_cache(maxsize=8192)
def _token_count(sentence: str, encoder: Encoder) -> int:
    return len(encoder.token_ids(sentence)) - 2


def load_model() -> Model:
    """The shipped model, loaded and validated once per process (raises ContentError naming the problem)."""
    with _LOAD_LOCK:
        return _load_model()


@cache
def _load_model() -> Model:
    return read_model(data_dir() / MODEL_FILE)


def read_model(path: Path) -> Model:
    """Read and validate a model file (raises ContentError naming the file, field and problem)."""
    try:
        with np.load(path, allow_pickle=False) as raw:
            arrays = {name: raw[name] for name in raw.files}
    except FileNotFoundError:
        raise ContentError(path.name, "file", "not found") from None
    except (OSError, ValueError, EOFError) as exc:
        raise ContentError(path.name, "file", f"not a readable .npz file ({exc})") from None
    return _ModelReader(path.name, arrays).model()


class _ModelReader:
    """Checks every array of a model file for presence, shape and finite values as it builds the model."""

    def __init__(self, name: str, arrays: dict[str, npt.NDArray[np.generic]]) -> None:
        self.name, self.arrays = name, arrays

    def field(self, key: str) -> npt.NDArray[np.generic]:
        if key not in self.arrays:
            raise ContentError(self.name, key, "missing")
        return self.arrays[key]

    def floats(self, key: str, shape: tuple[int, ...]) -> FloatArray:
        array = self.field(key)
        if array.shape != shape:
            raise ContentError(self.name, key, f"shape must be {shape}, found {array.shape}")
        if not np.issubdtype(array.dtype, np.floating) or not np.isfinite(array).all():
            raise ContentError(self.name, key, "must be finite numbers")
        return array.astype(np.float32)

    def matrix(self, key: str, shape: tuple[int, int]) -> FloatArray:
        values = self.field(key + ".int8")
        if values.shape != shape or values.dtype != np.int8:
            raise ContentError(self.name, key + ".int8", f"must be int8 of shape {shape}")
        scales = self.floats(key + ".scale", (shape[1],))
        out: FloatArray = values.astype(np.float32) * scales
        return out

    def model(self) -> Model:
        version = self.field("format")
        if version.shape != () or int(version) != MODEL_FORMAT:
            raise ContentError(self.name, "format", f"must be {MODEL_FORMAT}, found {version}")
        kinds = tuple(str(k) for k in self.field("kinds"))
        if not kinds or len(set(kinds)) != len(kinds):
            raise ContentError(self.name, "kinds", "must be distinct names")
        tokens = [str(t) for t in self.field("vocab")]
        if len(set(tokens)) != len(tokens) or not {"[CLS]", "[SEP]", "[UNK]"} <= set(tokens):
            raise ContentError(
                self.name, "vocab", "must be distinct tokens with [CLS], [SEP], [UNK]"
            )
        layers, heads = int(self.field("layers")), int(self.field("heads"))
        words = self.field("words.int8")
        if words.dtype != np.int8 or words.ndim != 2 or words.shape[0] != len(tokens):
            raise ContentError(self.name, "words.int8", "must be int8, one row per token")
        hidden = words.shape[1]
        if layers < 1 or heads < 1 or hidden % heads:
            raise ContentError(self.name, "layers", "need at least one layer and whole heads")
        inner = self.field("0.intermediate.int8").shape[-1]
        weights = {
            "position": self.floats("position", (self.field("position").shape[0], hidden)),
            "token_type": self.floats("token_type", (2, hidden)),
            "embeddings.ln.weight": self.floats("embeddings.ln.weight", (hidden,)),
            "embeddings.ln.bias": self.floats("embeddings.ln.bias", (hidden,)),
        }
        for i in range(layers):
            for name in LAYER_MATRICES:
                rows, cols = (
                    (hidden, inner)
                    if name == "intermediate"
                    else (inner, hidden)
                    if name == "output"
                    else (hidden, hidden)
                )
                weights[f"{i}.{name}.weight"] = self.matrix(f"{i}.{name}", (rows, cols))
                weights[f"{i}.{name}.bias"] = self.floats(f"{i}.{name}.bias", (cols,))
            for name in LAYER_VECTORS:
                weights[f"{i}.{name}"] = self.floats(f"{i}.{name}", (hidden,))
        encoder = Encoder(
            vocab={t: i for i, t in enumerate(tokens)},
            word_rows=words.astype(np.int8),
            word_scales=self.floats("words.scale", (len(tokens),)),
            weights=weights,
            layers=layers,
            heads=heads,
        )
        return Model(
            kinds,
            encoder,
            self.floats("head", (hidden, len(kinds))),
            self.floats("bias", (len(kinds),)),
            self.floats("thresholds", (len(kinds),)),
            str(self.field("data_sha256")),
        )
