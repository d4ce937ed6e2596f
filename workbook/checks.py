"""The message checker: flag the phrases the guide warns against, say why, and offer a calmer line."""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from workbook.content import ContentError, data_dir, read_json
from workbook.live import run_later

CHECKS_FILE = "checks.json"
KINDS = (
    "blame", "guilt_trip", "conditional_love", "ultimatum", "pressure", "begging",
    "deflecting_apology", "jealousy", "past", "self_harm_threat", "empty_promise",
    "stalking", "trauma_dump",
)  # fmt: skip
_WORD = re.compile(r"\S+")
_LOAD_LOCK = threading.Lock()


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
    flags: list[Flag] = []
    for kind, patterns in rules.patterns.items():
        taken: list[tuple[int, int]] = []
        for pattern in patterns:
            for match in pattern.finditer(text):
                span = match.span()
                if any(span[0] < end and start < span[1] for start, end in taken):
                    continue  # one flag per stretch of text and kind
                taken.append(span)
                flags.append(_flag(rules, kind, span[0], span[1], text))
    if len(_WORD.findall(text)) > rules.trauma_dump_words:
        flags.append(_flag(rules, "trauma_dump", 0, len(text), text))
    return sorted(flags, key=lambda f: (f.start, f.end, KINDS.index(f.kind)))


def kinds_found(text: str) -> set[str]:
    """The kinds of flag a draft raises."""
    return {flag.kind for flag in check_message(text)}


def encouragement() -> str:
    """What to say when a draft has no flag."""
    return _notes()["no_flags"]


def limits_note() -> str:
    """The honest note on what the checker can and cannot tell."""
    return _notes()["limits"]


@cache
def _notes() -> dict[str, str]:
    # Pages show these before anything is checked: read them without compiling every pattern.
    path = data_dir() / CHECKS_FILE
    raw = read_json(path)
    try:
        return {"no_flags": str(raw["no_flags"]), "limits": str(raw["limits"])}
    except (KeyError, TypeError) as exc:
        raise ContentError(path.name, "document", f"missing or malformed field {exc}") from None


def warm_up() -> None:
    """Compile the rules in the background once the page has drawn, so the first check while typing is quick."""
    run_later(load_rules)


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
        patterns = {}
        for kind, rule in kinds.items():
            compiled = []
            for index, source in enumerate(rule["patterns"]):
                try:
                    compiled.append(re.compile(source, re.IGNORECASE))
                except re.error as exc:
                    raise ContentError(
                        path.name, f"kinds.{kind}.patterns[{index}]", f"bad pattern: {exc}"
                    ) from None
            patterns[kind] = tuple(compiled)
        why = {k: r["why"] for k, r in kinds.items()} | {"trauma_dump": dump["why"]}
        alternative = {k: r["alternative"] for k, r in kinds.items()} | {
            "trauma_dump": dump["alternative"]
        }
        return Rules(
            patterns, why, alternative, int(dump["min_words"]), raw["no_flags"], raw["limits"]
        )
    except (KeyError, TypeError) as exc:
        raise ContentError(path.name, "document", f"missing or malformed field {exc}") from None


def _flag(rules: Rules, kind: str, start: int, end: int, text: str) -> Flag:
    return Flag(kind, start, end, text[start:end], rules.why[kind], rules.alternative[kind])
