"""The message checker: flag the phrases the guide warns against, say why, and offer a calmer line."""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from workbook.content import ContentError, data_dir, read_json
from workbook.live import run_soon
from workbook.phrase_rules import compile_patterns, expand_defines

CHECKS_FILE = "checks.json"
KINDS = (
    "blame", "guilt_trip", "conditional_love", "ultimatum", "pressure", "begging",
    "deflecting_apology", "jealousy", "past", "self_harm_threat", "empty_promise",
    "stalking", "trauma_dump",
)  # fmt: skip
_WORD = re.compile(r"\S+")
GUARD_CHARS = 60  # how far after a match a kind's `unless_after` phrases are looked for
_LOAD_LOCK = threading.Lock()
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class Flag:
    """One thing in a draft that may hurt: its kind, where it is, why, and a calmer alternative."""

    kind: str
    start: int
    end: int
    text: str
    message: str
    alternative: str

    def to_dict(self) -> dict[str, Any]:
        """The flag as plain data (for JSON)."""
        return asdict(self)


@dataclass(frozen=True)
class Rules:
    """The checker's rules, loaded from `data/checks.json`."""

    patterns: dict[str, tuple[re.Pattern[str], ...]]
    unless_after: dict[str, re.Pattern[str]]
    why: dict[str, str]
    alternative: dict[str, str]
    trauma_dump_words: int
    no_flags: str
    limits: str


def check_message(text: str) -> list[Flag]:
    """Every flag for a draft, in reading order (an empty list means nothing the guide warns about)."""
    if not text.strip():
        return []
    rules = load_rules()
    folded = fold_case(text)
    flags: list[Flag] = []
    for kind, patterns in rules.patterns.items():
        taken: list[tuple[int, int]] = []
        harmless = rules.unless_after.get(kind)
        for pattern in patterns:
            for match in pattern.finditer(_text_for(pattern, text, folded)):
                span = match.span()
                if any(span[0] < end and start < span[1] for start, end in taken):
                    continue  # one flag per stretch of text and kind
                if harmless and harmless.search(folded, span[1], span[1] + GUARD_CHARS):
                    continue  # followed by words that show it is meant kindly or in jest
                taken.append(span)
                flags.append(_flag(rules, kind, span[0], span[1], text))
    if len(_WORD.findall(text)) > rules.trauma_dump_words:
        flags.append(_flag(rules, "trauma_dump", 0, len(text), text))
    return sorted(flags, key=lambda f: (f.start, f.end, KINDS.index(f.kind)))


def kinds_found(text: str) -> set[str]:
    """The kinds of flag a draft raises."""
    return {flag.kind for flag in check_message(text)}


def has_phrase_of(kind: str, text: str) -> bool:
    """Whether any of a kind's phrases appear in a text (before the guards for harmless uses)."""
    folded = fold_case(text)
    patterns = load_rules().patterns.get(kind, ())
    return any(pattern.search(_text_for(pattern, text, folded)) for pattern in patterns)


def fold_case(text: str) -> str:
    """The text in lower case, each character where it was (so match positions still fit the text)."""
    folded = text.lower()
    return folded if len(folded) == len(text) else text.translate(_ASCII_LOWER)


def encouragement() -> str:
    """What to say when a draft has no flag."""
    return load_rules().no_flags


def limits_note() -> str:
    """The honest note on what the checker can and cannot tell."""
    return load_rules().limits


def warm_up() -> None:
    """Compile the rules in the background, so the first check while typing is quick."""
    run_soon(load_rules)


def load_rules() -> Rules:
    """Load and validate the checker's rules, once per process (raises ContentError naming the problem)."""
    with _LOAD_LOCK:
        return _load_rules()


@cache
def _load_rules() -> Rules:
    path = data_dir() / CHECKS_FILE
    raw = read_json(path)
    try:
        kinds = raw["kinds"]
        dump = raw["trauma_dump"]
        if set(kinds) | {"trauma_dump"} != set(KINDS):
            missing = sorted(set(KINDS) - set(kinds) - {"trauma_dump"})
            extra = sorted(set(kinds) - set(KINDS))
            raise ContentError(path.name, "kinds", f"missing {missing}, unknown {extra}")
        defines = expand_defines(raw.get("define", {}), path.name)
        patterns = {
            kind: compile_patterns(
                rule["patterns"], defines, path.name, f"kinds.{kind}.patterns", lower_case=True
            )
            for kind, rule in kinds.items()
        }
        unless_after = {
            kind: _one_pattern(
                compile_patterns(
                    rule["unless_after"],
                    defines,
                    path.name,
                    f"kinds.{kind}.unless_after",
                    lower_case=True,
                )
            )
            for kind, rule in kinds.items()
            if rule.get("unless_after")
        }
        why = {k: r["why"] for k, r in kinds.items()} | {"trauma_dump": dump["why"]}
        alternative = {k: r["alternative"] for k, r in kinds.items()} | {
            "trauma_dump": dump["alternative"]
        }
        return Rules(
            patterns,
            unless_after,
            why,
            alternative,
            int(dump["min_words"]),
            raw["no_flags"],
            raw["limits"],
        )
    except (KeyError, TypeError) as exc:
        raise ContentError(path.name, "document", f"missing or malformed field {exc}") from None


def _text_for(pattern: re.Pattern[str], text: str, folded: str) -> str:
    # Patterns read lower-cased text (compiling them case-blind is much slower); the few that
    # read letter case, such as a capitalised name, are compiled case-blind and read the original.
    return text if pattern.flags & re.IGNORECASE else folded


def _one_pattern(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))


def _flag(rules: Rules, kind: str, start: int, end: int, text: str) -> Flag:
    return Flag(kind, start, end, text[start:end], rules.why[kind], rules.alternative[kind])
