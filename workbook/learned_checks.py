"""The checker's learned part: a small per-kind linear model over hashed n-grams of each sentence."""

from __future__ import annotations

import itertools
import re
import threading
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from workbook.content import ContentError, data_dir

MODEL_FILE = "checker_model.npz"
MODEL_FORMAT = 1
CHAR_NGRAMS = (3, 6)  # character n-grams over the words joined by single spaces (across words)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_WORD = re.compile(r"[a-z0-9']+|[?!]")
_LOAD_LOCK = threading.Lock()

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Model:
    """Weights per kind over hashed features, the bias and the score from which a kind is flagged."""

    kinds: tuple[str, ...]
    buckets: int
    weights: FloatArray  # (buckets, kinds)
    bias: FloatArray  # (kinds,)
    thresholds: FloatArray  # (kinds,), on the logit scale
    data_sha256: str

    def scores(self, normalised: str) -> FloatArray:
        """Each kind's logit for one (normalised) sentence."""
        index, value = features(normalised, self.buckets)
        scores: FloatArray = value @ self.weights[index] + self.bias
        return scores


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


def features(normalised: str, buckets: int) -> tuple[IntArray, FloatArray]:
    """Hashed word 1–3-grams and character n-grams of a sentence, as sorted indices and L2-normed values."""
    words = _WORD.findall(normalised)
    grams = {"w" + w for w in words}
    marked = ["<s>", *words, "</s>"]
    grams.update(f"b{a} {b}" for a, b in itertools.pairwise(marked))
    grams.update(f"t{a} {b} {c}" for a, b, c in zip(marked, marked[1:], marked[2:], strict=False))
    joined = f" {' '.join(words)} "
    low, high = CHAR_NGRAMS
    for n in range(low, high + 1):
        grams.update("c" + joined[i : i + n] for i in range(len(joined) - n + 1))
    hashed = np.fromiter((zlib.crc32(g.encode()) for g in grams), dtype=np.int64, count=len(grams))
    index, counts = np.unique(hashed % buckets, return_counts=True)
    value = counts.astype(np.float32)
    norm = float(np.sqrt(value @ value))
    return index, value / norm if norm else value


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
    except (OSError, ValueError) as exc:
        raise ContentError(path.name, "file", f"not a readable .npz file ({exc})") from None

    def field(name: str) -> npt.NDArray[np.generic]:
        if name not in arrays:
            raise ContentError(path.name, name, "missing")
        array: npt.NDArray[np.generic] = arrays[name]
        return array

    version = field("format")
    if version.shape != () or int(version) != MODEL_FORMAT:
        raise ContentError(path.name, "format", f"must be {MODEL_FORMAT}, found {version}")
    kinds = tuple(str(k) for k in field("kinds"))
    buckets = int(field("buckets"))
    rows, weights = field("rows"), field("weights")
    bias, thresholds = field("bias"), field("thresholds")
    if buckets <= 0 or buckets & (buckets - 1):
        raise ContentError(path.name, "buckets", "must be a power of two")
    if not kinds or len(set(kinds)) != len(kinds):
        raise ContentError(path.name, "kinds", "must be distinct names")
    if rows.ndim != 1 or not np.issubdtype(rows.dtype, np.integer):
        raise ContentError(path.name, "rows", "must be a list of feature indices")
    if rows.size and (rows.min() < 0 or rows.max() >= buckets):
        raise ContentError(path.name, "rows", f"indices must lie in [0, {buckets})")
    if weights.shape != (rows.size, len(kinds)):
        raise ContentError(path.name, "weights", f"shape must be ({rows.size}, {len(kinds)})")
    for name, array in (("bias", bias), ("thresholds", thresholds)):
        if array.shape != (len(kinds),):
            raise ContentError(path.name, name, f"must hold one number per kind ({len(kinds)})")
    for name, array in (("weights", weights), ("bias", bias), ("thresholds", thresholds)):
        if not np.issubdtype(array.dtype, np.floating) or not np.isfinite(array).all():
            raise ContentError(path.name, name, "must be finite numbers")
    dense = np.zeros((buckets, len(kinds)), dtype=np.float32)
    dense[rows] = weights
    return Model(
        kinds,
        buckets,
        dense,
        bias.astype(np.float32),
        thresholds.astype(np.float32),
        str(field("data_sha256")),
    )
