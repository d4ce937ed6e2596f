"""Message checker quality: precision and recall per kind, and healthy drafts flagged, on labelled drafts.

Every set under tests/data but the held-out one was used while building the checker (writing the
rules, training its model): tuning, dev, dev2, dev3 (the first held-out set), dev4, dev5, dev6 (the
second held-out set) and dev7a–dev7e (written in different registers by people who never saw the
rules: texting, polished and subtle, contrastive pairs, one-liners, long mixed messages), dev8 (the
third held-out set) and dev9a–dev9c (texting, longer messages with the harm hidden in one sentence,
subtle and veiled wording with near-miss healthy twins, by people who saw only the label
definitions), dev10 (the fourth held-out set: its misses were read to write three self-harm rules;
the model was not trained on it at the time), dev11 (the fifth held-out set: its misses and its
healthy drafts flagged were read to write phrase rules and the `unless_before` / ownership guards),
dev12 (the sixth held-out set), dev13a–dev13d (development drafts written for training, weighted
towards veiled, polite and indirect wording: restrained texts, harm phrased as a joke or as concern,
long messages with one harmful sentence, everyday phrasing from many walks of life), dev14 (the
seventh held-out set: restrained emails, young people's texting, voicemail scripts, plain everyday
English), dev15a–dev15d (development drafts written for training: quietly worded guilt trips,
pressure and old grievances; jealousy, stalking and veiled self-harm hints; blame, deflecting
apologies and empty promises; a mix with many hard healthy drafts), dev16 (the eighth held-out
set: letters and emails from people in long marriages; English as a second language; rushed phone
typing; practical messages with one harmful clause), dev17a–dev17d (development drafts written for
training, weighted towards guilt trips, pressure, blame, veiled self-harm hints and jealousy, with
hard healthy twins: caregivers and people under strain; lives full of coworkers, teammates and
friends; quiet, understated writers; wordy writers mixing affection and hurt); the model is
trained on dev16 to dev17d since the ninth held-out set exists. The held-out set,
drafts_heldout9.jsonl, is written by four writers (therapy and self-help vocabulary used well and
used as a weapon; regional and world Englishes and plain working speech; co-parents and couples
apart for work; late-night messages) who saw only the label definitions and the guide, never the
rules, the model or the other sets, and is never used for building, so only its numbers estimate
how the checker does on drafts it has not seen.
A set whose file is absent is skipped, with a note.

Usage: python benchmarks/checker_quality.py [--out benchmarks/README.md]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from readme_section import replace_section

from workbook import train_checker
from workbook.checks import KINDS, kinds_found

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
# The sets the model was built on, named and ordered as training reads them, then the held-out set.
SETS = {
    **{name: DATA / file for name, file in train_checker.SETS.items()},
    "held-out": DATA / "drafts_heldout9.jsonl",
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
    held = results.get(HELD_OUT)
    development = {name: result for name, result in results.items() if name != HELD_OUT}
    lines = [
        HEADING,
        "",
        f"Produced by `python benchmarks/checker_quality.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} "
        "UTC. The held-out set is written independently and never used to build the checker; the "
        "development sets were used to write its rules and train its model (the script's docstring "
        f"says which is which). Targets (held-out): recall ≥ {RECALL_TARGET} for every kind, at "
        f"most {HEALTHY_FLAG_TARGET:.0%} of healthy drafts flagged.",
        "",
    ]
    if held is not None:
        lines += [
            f"### Held-out ({held['drafts']} drafts, {held['healthy']} healthy)",
            "",
            "| Kind | n | precision | recall | target |",
            "|---|---:|---:|---:|---|",
        ]
        for kind in KINDS:
            stats = held["kinds"][kind]  # type: ignore[index]
            if not stats["support"]:
                continue
            verdict = "PASS" if (stats["recall"] or 0) >= RECALL_TARGET else "FAIL"
            lines.append(
                f"| {kind} | {stats['support']} | {_fmt(stats['precision'])} | "
                f"{_fmt(stats['recall'])} | {verdict} |"
            )
        lines.append("")
    lines += [
        "### Development sets (recall per kind)",
        "",
        "| Kind | " + " | ".join(development) + " |",
        "|---|" + "---:|" * len(development),
    ]
    for kind in KINDS:
        cells = [_fmt(result["kinds"][kind]["recall"]) for result in development.values()]  # type: ignore[index]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    for name, result in results.items():
        lines.append("")
        lines.append(
            f"- {name}: {result['drafts']} drafts, {result['healthy']} healthy, "
            f"{result['healthy_flagged']:.1%} of healthy drafts flagged."  # type: ignore[str-format]
        )
    for name in missing:
        lines += ["", f"- {name}: skipped, {SETS[name].relative_to(ROOT)} is not there."]
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
