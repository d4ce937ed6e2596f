"""Train the checker's learned model from the development drafts (needs the `train` extra).

Each draft is cut into sentences. A sentence is a positive example of a kind when the draft is
labelled with that kind and either the rules flag that kind inside the sentence or the draft is a
single sentence; every sentence of a draft not labelled with a kind is a negative example of it;
other sentences of a labelled draft (the kind may or may not be in them) are left out for that kind.
One linear support-vector classifier per kind (classes weighted by their size; in cross-validation
it ranked drafts better than logistic regression, and scoring is the same dot product).
Thresholds come from leave-one-set-out cross-validation: each
set is scored by a model trained on the others, and each kind's threshold is the lowest that keeps
its share of healthy drafts flagged within a budget, the budget being the largest that keeps the
model's healthy drafts flagged overall within HEALTHY_BUDGET (and self-harm within SAFETY_BUDGET).

Usage: python -m workbook.train_checker [--check] [--out data/checker_model.npz]
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from workbook.checks import LEARNED_KINDS, normalise, rule_flags
from workbook.content import data_dir
from workbook.learned_checks import (
    MODEL_FILE,
    MODEL_FORMAT,
    features,
    read_model,
    sentence_spans,
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
}
BUCKETS = 2**18
C = 1.0  # inverse regularisation strength of each classifier
HEALTHY_BUDGET = 0.04  # share of healthy drafts the model alone may flag, cross-validated
SAFETY_BUDGET = 0.01  # the same for self_harm_threat, which lights the safety panel
PER_KIND_BUDGETS = [b / 1000 for b in range(1, 41)]


@dataclass(frozen=True)
class Draft:
    """One labelled draft: the set it is from, its text and kinds, and its sentences."""

    set_name: str
    text: str
    kinds: frozenset[str]
    spans: tuple[tuple[int, int], ...]


def data_hash(paths: Sequence[Path]) -> str:
    """SHA-256 over the development files' bytes, in order (recorded in the model)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def dev_paths() -> list[Path]:
    """The development files, in training order."""
    return [DATA / name for name in SETS.values()]


def read_drafts() -> list[Draft]:
    """Every development draft with its sentences."""
    drafts = []
    for set_name, name in SETS.items():
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                spans = tuple(sentence_spans(row["text"]))
                drafts.append(Draft(set_name, row["text"], frozenset(row["kinds"]), spans))
    return drafts


def examples(drafts: Sequence[Draft]) -> tuple[Any, np.ndarray, np.ndarray]:
    """Sentence features (sparse rows), labels per kind (1, 0, or -1 for left out) and each row's draft."""
    from scipy.sparse import csr_matrix

    indptr, indices, values, labels, owner = [0], [], [], [], []
    for number, draft in enumerate(drafts):
        flagged = rule_flags(draft.text)
        for start, end in draft.spans:
            index, value = features(normalise(draft.text[start:end]), BUCKETS)
            indices.append(index)
            values.append(value)
            indptr.append(indptr[-1] + index.size)
            row = []
            for kind in LEARNED_KINDS:
                if kind not in draft.kinds:
                    row.append(0)
                elif len(draft.spans) == 1 or any(
                    f.kind == kind and f.start < end and start < f.end for f in flagged
                ):
                    row.append(1)
                else:
                    row.append(-1)
            labels.append(row)
            owner.append(number)
    matrix = csr_matrix(
        (np.concatenate(values), np.concatenate(indices), np.array(indptr)),
        shape=(len(labels), BUCKETS),
        dtype=np.float64,
    )
    return matrix, np.array(labels, dtype=np.int8), np.array(owner)


def fit(matrix: Any, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One linear classifier per kind: weights (buckets, kinds) and bias (kinds,)."""
    from sklearn.svm import LinearSVC

    weights = np.zeros((BUCKETS, len(LEARNED_KINDS)))
    bias = np.zeros(len(LEARNED_KINDS))
    for k in range(len(LEARNED_KINDS)):
        keep = labels[:, k] >= 0
        model = LinearSVC(C=C, class_weight="balanced", max_iter=5000, random_state=0)
        model.fit(matrix[keep], labels[keep, k])
        weights[:, k], bias[k] = model.coef_[0], model.intercept_[0]
    return weights, bias


def draft_scores(matrix: Any, owner: np.ndarray, n: int, weights: Any, bias: Any) -> np.ndarray:
    """Each draft's highest sentence logit per kind (-inf for a draft with no sentence)."""
    logits = matrix @ weights + bias
    best = np.full((n, len(LEARNED_KINDS)), -np.inf)
    np.maximum.at(best, owner, logits)
    return best


def cross_validated(
    drafts: Sequence[Draft], matrix: Any, labels: np.ndarray, owner: np.ndarray
) -> np.ndarray:
    """Draft scores where each set is scored by a model trained on the other sets."""
    sets = np.array([d.set_name for d in drafts])
    scores = np.full((len(drafts), len(LEARNED_KINDS)), -np.inf)
    for name in SETS:
        held = sets[owner] == name
        weights, bias = fit(matrix[~held], labels[~held])
        rows = np.flatnonzero(held)
        part = draft_scores(matrix[rows], owner[rows], len(drafts), weights, bias)
        mine = sets == name
        scores[mine] = part[mine]
    return scores


def choose_thresholds(drafts: Sequence[Draft], scores: np.ndarray) -> np.ndarray:
    """Per-kind thresholds: the largest common per-kind healthy budget within the overall budgets."""
    healthy = np.array([not d.kinds for d in drafts])
    safety = LEARNED_KINDS.index("self_harm_threat")
    chosen = None
    for budget in PER_KIND_BUDGETS:
        thresholds = np.array(
            [_threshold(scores[healthy, k], budget) for k in range(len(LEARNED_KINDS))]
        )
        thresholds[safety] = max(
            thresholds[safety], _threshold(scores[healthy, safety], SAFETY_BUDGET)
        )
        flagged = (scores[healthy] >= thresholds).any(axis=1).mean()
        if flagged > HEALTHY_BUDGET:
            break
        chosen = thresholds
    assert chosen is not None, "even the smallest budget flags too many healthy drafts"
    return chosen


def _threshold(healthy_scores: np.ndarray, budget: float) -> float:
    # The lowest threshold flagging at most `budget` of the healthy drafts (strictly above the
    # highest healthy score that must stay unflagged).
    allowed = int(np.floor(budget * healthy_scores.size))
    ordered = np.sort(healthy_scores)[::-1]
    return float(np.nextafter(ordered[allowed], np.inf))


@dataclass(frozen=True)
class Training:
    """The model's arrays and the cross-validated numbers behind its thresholds."""

    arrays: dict[str, np.ndarray]
    recall: dict[str, tuple[int, float, float, float]]  # kind: (drafts, rules, model, either)
    healthy: tuple[int, float, float, float, float]  # drafts, rules, model, either, self-harm

    def report(self) -> str:
        """The cross-validated numbers as a Markdown table and a summary line."""
        lines = ["| kind | drafts | rules | model (cv) | either |", "|---|---:|---:|---:|---:|"]
        for kind, (n, rules, model, either) in self.recall.items():
            lines.append(f"| {kind} | {n} | {rules:.2f} | {model:.2f} | {either:.2f} |")
        n, rules, model, either, safety = self.healthy
        lines += [
            "",
            f"Healthy drafts: {n}; flagged by the rules {rules:.1%}, by the model (cv) {model:.1%}, "
            f"by either {either:.1%}; self_harm_threat by the model (cv) {safety:.1%}.",
        ]
        return "\n".join(lines)


def measure(drafts: Sequence[Draft], scores: np.ndarray, thresholds: np.ndarray) -> Training:
    """Recall per kind (rules alone, model alone cross-validated, either) and healthy drafts flagged."""
    found = [{f.kind for f in rule_flags(d.text)} for d in drafts]
    learned = scores >= thresholds
    recall = {}
    for k, kind in enumerate(LEARNED_KINDS):
        rows = [i for i, d in enumerate(drafts) if kind in d.kinds]
        by_rules = np.array([kind in found[i] for i in rows])
        recall[kind] = (
            len(rows),
            float(by_rules.mean()),
            float(learned[rows, k].mean()),
            float((by_rules | learned[rows, k]).mean()),
        )
    healthy = [i for i, d in enumerate(drafts) if not d.kinds]
    by_rules = np.array([bool(found[i]) for i in healthy])
    by_model = learned[healthy].any(axis=1)
    safety = learned[healthy, LEARNED_KINDS.index("self_harm_threat")]
    rates = (by_rules.mean(), by_model.mean(), (by_rules | by_model).mean(), safety.mean())
    return Training({}, recall, (len(healthy), *map(float, rates)))  # type: ignore[arg-type]


def train() -> Training:
    """The model trained on every development set, with its cross-validated numbers."""
    drafts = read_drafts()
    matrix, labels, owner = examples(drafts)
    scores = cross_validated(drafts, matrix, labels, owner)
    thresholds = choose_thresholds(drafts, scores)
    weights, bias = fit(matrix, labels)
    rows = np.flatnonzero(np.abs(weights).max(axis=1) > 0)
    arrays = {
        "format": np.array(MODEL_FORMAT),
        "kinds": np.array(LEARNED_KINDS),
        "buckets": np.array(BUCKETS),
        "rows": rows.astype(np.int32),
        "weights": weights[rows].astype(np.float16),
        "bias": bias.astype(np.float32),
        "thresholds": thresholds.astype(np.float32),
        "data_sha256": np.array(data_hash(dev_paths())),
    }
    numbers = measure(drafts, scores, thresholds)
    return Training(arrays, numbers.recall, numbers.healthy)


def main(argv: Sequence[str] | None = None) -> None:
    """Train, print the cross-validation report, and write the model file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=data_dir() / MODEL_FILE)
    args = parser.parse_args(argv)
    training = train()
    print(training.report())
    np.savez_compressed(args.out, allow_pickle=False, **training.arrays)
    read_model(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
