"""Message checker quality: precision and recall per kind, and healthy drafts flagged, on labelled drafts.

Every set under tests/data except the held-out one was used while writing the rules: tuning, dev,
dev2, dev3 (written independently, but its numbers were reported and it has been tuned on since),
dev4 (written before the rules were generalised, then tuned on) and dev5 (written in rounds while
generalising them: each round was checked once as written, then tuned on; its `kinds` name the kind
each draft was written for plus clear extras, so its precision is a lower bound). The held-out set,
drafts_heldout2.jsonl, is written by someone who never saw the rules and is never used for tuning, so
only its numbers estimate how the checker does on drafts it has not seen. A set whose file is absent
is skipped, with a note.

Usage: python benchmarks/checker_quality.py [--out benchmarks/README.md]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from readme_section import replace_section

from workbook.checks import KINDS, kinds_found

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "tuning": ROOT / "tests" / "data" / "drafts_tuning.jsonl",
    "dev": ROOT / "tests" / "data" / "drafts_dev.jsonl",
    "dev2": ROOT / "tests" / "data" / "drafts_dev2.jsonl",
    "dev3": ROOT
    / "tests"
    / "data"
    / "drafts_heldout.jsonl",  # the first held-out set, now tuned on
    "dev4": ROOT / "tests" / "data" / "drafts_dev4.jsonl",
    "dev5": ROOT / "tests" / "data" / "drafts_dev5.jsonl",
    "held-out": ROOT / "tests" / "data" / "drafts_heldout2.jsonl",
}
HELD_OUT = "held-out"
README = ROOT / "benchmarks" / "README.md"
HEADING = "## Message checker quality"
RECALL_TARGET, HEALTHY_FLAG_TARGET = 0.9, 0.1


def evaluate(path: Path) -> dict[str, object]:
    """Per-kind counts, precision and recall, and the share of healthy drafts with any flag."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    healthy = flagged = 0
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    for row in rows:
        found, wanted = kinds_found(row["text"]), set(row["kinds"])
        if not wanted:
            healthy += 1
            flagged += bool(found)
        for kind in found & wanted:
            tp[kind] += 1
        for kind in found - wanted:
            fp[kind] += 1
        for kind in wanted - found:
            fn[kind] += 1
    per_kind = {
        kind: {
            "support": tp[kind] + fn[kind],
            "precision": tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else None,
            "recall": tp[kind] / (tp[kind] + fn[kind]) if tp[kind] + fn[kind] else None,
        }
        for kind in KINDS
    }
    return {
        "drafts": len(rows),
        "healthy": healthy,
        "healthy_flagged": flagged / healthy,
        "kinds": per_kind,
    }


def section(results: dict[str, dict[str, object]], missing: list[str]) -> str:
    """The README section, from the results (and the names of sets skipped for a missing file)."""
    lines = [
        HEADING,
        "",
        "Produced by `python benchmarks/checker_quality.py` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC. The tuning, dev, dev2, dev3 (the first held-out "
        "set, tuned on since its numbers were reported), dev4 and dev5 sets were used while writing "
        "the rules; the held-out set is written independently and never used for tuning. Targets "
        f"(held-out): recall ≥ {RECALL_TARGET} for every kind, at most {HEALTHY_FLAG_TARGET:.0%} "
        "of healthy drafts flagged.",
        "",
        "| Kind | "
        + " | ".join(f"{name} n | {name} precision | {name} recall" for name in results)
        + " |",
        "|---|" + "---:|---:|---:|" * len(results),
    ]
    for kind in KINDS:
        cells = []
        for result in results.values():
            stats = result["kinds"][kind]  # type: ignore[index]
            cells += [str(stats["support"]), _fmt(stats["precision"]), _fmt(stats["recall"])]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    for name, result in results.items():
        lines.append("")
        lines.append(
            f"- {name}: {result['drafts']} drafts, {result['healthy']} healthy, "
            f"{result['healthy_flagged']:.1%} of healthy drafts flagged."  # type: ignore[str-format]
        )
    for name in missing:
        lines += ["", f"- {name}: skipped, {SETS[name].relative_to(ROOT)} is not there."]
    held = results.get(HELD_OUT)
    if held is None:
        lines += ["", "**Held-out target: not measured (no held-out set).**", ""]
        return "\n".join(lines)
    recalls = [s["recall"] for s in held["kinds"].values() if s["recall"] is not None]  # type: ignore[attr-defined]
    ok = min(recalls) >= RECALL_TARGET and held["healthy_flagged"] <= HEALTHY_FLAG_TARGET  # type: ignore[operator]
    lines += ["", f"**Held-out target: {'PASS' if ok else 'FAIL'}.**", ""]
    return "\n".join(lines)


def _fmt(value: object) -> str:
    return "–" if value is None else f"{value:.2f}"


def main() -> None:
    """Evaluate every set that is there, print the section and write it into the README."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=README)
    args = parser.parse_args()
    present = {name: path for name, path in SETS.items() if path.exists()}
    missing = [name for name in SETS if name not in present]
    text = section({name: evaluate(path) for name, path in present.items()}, missing)
    print(text)
    replace_section(args.out, HEADING, text)


if __name__ == "__main__":
    main()
