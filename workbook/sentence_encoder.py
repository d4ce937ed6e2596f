"""A small BERT-style sentence encoder run with numpy: WordPiece tokens in, one mean-pooled vector per text out."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
MAX_TOKENS = 128  # longer texts are cut: the checker scores sentences, which are shorter
MAX_WORD_CHARS = 100  # as BERT's WordPiece: a longer "word" is one unknown token
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def basic_words(text: str) -> list[str]:
    """BERT's basic tokenizer (uncased): lower case, accents and control characters dropped, punctuation split off."""
    spaced = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in "\t\n\r" or category == "Zs" or ch.isspace():
            spaced.append(" ")
        elif ch in "\0\ufffd" or category.startswith("C"):
            continue
        elif _is_cjk(ord(ch)):
            spaced.append(f" {ch} ")
        else:
            spaced.append(ch)
    words: list[str] = []
    for raw in "".join(spaced).lower().split():
        plain = unicodedata.normalize("NFD", raw)
        piece = ""
        for ch in plain:
            if unicodedata.category(ch) == "Mn":
                continue
            if ch in _ASCII_PUNCTUATION or unicodedata.category(ch).startswith("P"):
                if piece:
                    words.append(piece)
                    piece = ""
                words.append(ch)
            else:
                piece += ch
        if piece:
            words.append(piece)
    return words


def _is_cjk(cp: int) -> bool:
    return any(
        low <= cp <= high
        for low, high in (
            (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
            (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F),
        )
    )  # fmt: skip


def word_pieces(word: str, vocab: Mapping[str, int]) -> list[str]:
    """Greedy longest-match WordPiece split of one word ("[UNK]" when it cannot be split)."""
    if len(word) > MAX_WORD_CHARS:
        return ["[UNK]"]
    pieces, start = [], 0
    while start < len(word):
        end, found = len(word), None
        while start < end:
            candidate = word[start:end] if start == 0 else "##" + word[start:end]
            if candidate in vocab:
                found = candidate
                break
            end -= 1
        if found is None:
            return ["[UNK]"]
        pieces.append(found)
        start = end
    return pieces


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: it holds the weights
class Encoder:
    """The encoder's vocabulary and weights (float32 matrices; word embeddings as int8 rows with scales)."""

    vocab: Mapping[str, int]
    word_rows: npt.NDArray[np.int8]  # (vocab, hidden)
    word_scales: FloatArray  # (vocab,)
    weights: Mapping[str, FloatArray]
    layers: int
    heads: int

    def token_ids(self, text: str) -> list[int]:
        """[CLS], the text's WordPiece ids (cut to MAX_TOKENS in all), [SEP]."""
        unknown = self.vocab["[UNK]"]
        ids = [
            self.vocab.get(piece, unknown)
            for word in basic_words(text)
            for piece in word_pieces(word, self.vocab)
        ]
        return [self.vocab["[CLS]"], *ids[: MAX_TOKENS - 2], self.vocab["[SEP]"]]

    def encode(self, texts: Sequence[str]) -> FloatArray:
        """One mean-pooled vector per text (batch, hidden)."""
        ids = [self.token_ids(t) for t in texts]
        width = max(len(i) for i in ids)
        batch = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.float32)
        for row, token_ids in enumerate(ids):
            batch[row, : len(token_ids)] = token_ids
            mask[row, : len(token_ids)] = 1.0
        hidden = self._forward(batch, mask)
        pooled: FloatArray = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled

    def _forward(self, batch: npt.NDArray[np.int64], mask: FloatArray) -> FloatArray:
        w = self.weights
        words = self.word_rows[batch].astype(np.float32) * self.word_scales[batch][..., None]
        x = words + w["position"][: batch.shape[1]] + w["token_type"][0]
        x = _layer_norm(x, w["embeddings.ln.weight"], w["embeddings.ln.bias"])
        size, width = x.shape[-1], batch.shape[1]
        head = size // self.heads
        # Padding positions get a large negative score so attention ignores them.
        ignore = (1.0 - mask)[:, None, None, :] * -1e9
        for i in range(self.layers):

            def linear(t: FloatArray, name: str, i: int = i) -> FloatArray:
                out: FloatArray = t @ w[f"{i}.{name}.weight"] + w[f"{i}.{name}.bias"]
                return out

            def split(t: FloatArray) -> FloatArray:
                return t.reshape(len(batch), width, self.heads, head).transpose(0, 2, 1, 3)

            q, k, v = (split(linear(x, n)) for n in ("query", "key", "value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head) + ignore
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(len(batch), width, size)
            x = _layer_norm(
                linear(context, "attention") + x, w[f"{i}.ln1.weight"], w[f"{i}.ln1.bias"]
            )
            inner = _gelu(linear(x, "intermediate"))
            x = _layer_norm(linear(inner, "output") + x, w[f"{i}.ln2.weight"], w[f"{i}.ln2.bias"])
        return x


def _layer_norm(x: FloatArray, gain: FloatArray, bias: FloatArray) -> FloatArray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    out: FloatArray = (x - mean) / np.sqrt(var + 1e-12) * gain + bias
    return out


def _gelu(x: FloatArray) -> FloatArray:
    # BERT's exact GELU; the tanh form differs by up to 1e-3, enough to move scores near a threshold.
    out: FloatArray = 0.5 * x * (1.0 + _erf(x / np.float32(math.sqrt(2.0))))
    return out


_ERFC_COEFFICIENTS = (
    -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
    0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
)  # fmt: skip


def _erf(x: FloatArray) -> FloatArray:
    # The Chebyshev fit of erfc from Numerical Recipes (relative error below 1.2e-7), so that
    # run time needs numpy only.
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = np.zeros_like(z)
    for c in reversed(_ERFC_COEFFICIENTS[1:]):
        poly = (poly + c) * t
    erfc = t * np.exp(-z * z + _ERFC_COEFFICIENTS[0] + poly)
    out: FloatArray = np.where(x >= 0, 1.0 - erfc, erfc - 1.0).astype(np.float32)
    return out
