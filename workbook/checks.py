"""The message checker: flag the phrases the guide warns against, say why, and offer a calmer line."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from workbook.content import ContentError, data_dir, read_json
from workbook.live import run_later
from workbook.phrase_rules import compile_patterns, expand_defines

if TYPE_CHECKING:
    from workbook.learned_checks import Model

CHECKS_FILE = "checks.json"
KINDS = (
    "blame", "guilt_trip", "conditional_love", "ultimatum", "pressure", "begging",
    "deflecting_apology", "jealousy", "past", "self_harm_threat", "empty_promise",
    "stalking", "trauma_dump",
)  # fmt: skip
_WORD = re.compile(r"\S+")
_TOKEN = re.compile(r"[a-z0-9'’]+")
GUARD_CHARS = 60  # how far after a match a kind's `unless_after` phrases are looked for
GUARD_BEFORE_CHARS = 40  # how far before a match `unless_before` phrases are looked for
BEFORE_GAP = 20  # at most this many characters between such a phrase and the match
_LOAD_LOCK = threading.Lock()
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# Phone keyboards type ’ where the patterns expect '. Same length, so spans still fit.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
LEARNED_KINDS = tuple(k for k in KINDS if k != "trauma_dump")  # trauma_dump is a word count


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
    unless_before: dict[str, re.Pattern[str]]
    spellings: dict[str, str]
    why: dict[str, str]
    alternative: dict[str, str]
    trauma_dump_words: int
    no_flags: str
    limits: str


@dataclass(frozen=True)
class _Reading:
    """A draft as the patterns read it: in lower case, texting spellings written out, and the way back."""

    text: str
    folded: str
    spelled: str
    where: tuple[
        int, ...
    ]  # for each position in `spelled`, its position in the draft (empty: same)

    @classmethod
    def of(cls, text: str, spellings: Mapping[str, str]) -> _Reading:
        """Read a draft, writing out the spellings the rules list (``2nite`` as ``tonight``)."""
        folded = fold_case(text)
        parts: list[str] = []
        where: list[int] = []
        last = 0
        for token in _TOKEN.finditer(folded):
            standard = spellings.get(token.group())
            if standard is None:
                continue
            start, end = token.span()
            parts += [folded[last:start], standard]
            where += range(last, start)
            where += (min(start + k, end - 1) for k in range(len(standard)))
            last = end
        if not parts:
            return cls(text, folded, folded, ())
        parts.append(folded[last:])
        where += range(last, len(folded))
        return cls(text, folded, "".join(parts), tuple(where))

    def matches(self, pattern: re.Pattern[str]) -> Iterator[tuple[int, int, str, int, int]]:
        """Each match as (start, end) in the draft, and the text its guards read with the match's
        start and end in that text."""
        # Patterns read lower-cased text (compiling them case-blind is much slower); the few that
        # read letter case, such as a capitalised name, are compiled case-blind and read the draft.
        if pattern.flags & re.IGNORECASE:
            for match in pattern.finditer(self.text):
                yield match.start(), match.end(), self.folded, match.start(), match.end()
            return
        for match in pattern.finditer(self.spelled):
            start, end = match.span()
            if self.where and end > start:
                start, end = self.where[start], self.where[end - 1] + 1
            yield start, end, self.spelled, match.start(), match.end()


def check_message(text: str) -> list[Flag]:
    """Every flag for a draft, in reading order (an empty list means nothing the guide warns about)."""
    if not text.strip():
        return []
    reading = straight_apostrophes(text)
    flags = rule_flags(reading)
    return as_written(text, sort_flags(flags + learned_flags(reading, {f.kind for f in flags})))


def straight_apostrophes(text: str) -> str:
    """The text with curly apostrophes (’ ‘ ʼ) read as straight ones; the same length, so spans fit."""
    return text.translate(_APOSTROPHES)


def as_written(text: str, flags: list[Flag]) -> list[Flag]:
    """The flags, quoting `text` as the person wrote it (flags found in its straight_apostrophes form)."""
    if all(text[f.start : f.end] == f.text for f in flags):
        return flags
    return [replace(f, text=text[f.start : f.end]) for f in flags]


def sort_flags(flags: list[Flag]) -> list[Flag]:
    """Flags in reading order (kinds in their listed order where spans tie)."""
    return sorted(flags, key=lambda f: (f.start, f.end, KINDS.index(f.kind)))


def rule_flags(text: str) -> list[Flag]:
    """The flags the phrase rules (and the word count for trauma_dump) raise, in reading order."""
    if not text.strip():
        return []
    rules = load_rules()
    reading = _Reading.of(text, rules.spellings)
    flags: list[Flag] = []
    for kind, patterns in rules.patterns.items():
        taken: list[tuple[int, int]] = []
        harmless = rules.unless_after.get(kind)
        disowned = rules.unless_before.get(kind)
        for pattern in patterns:
            for start, end, guard_text, at, guard_at in reading.matches(pattern):
                if any(start < e and s < end for s, e in taken):
                    continue  # one flag per stretch of text and kind
                if harmless and harmless.search(guard_text, guard_at, guard_at + GUARD_CHARS):
                    continue  # followed by words that show it is meant kindly or in jest
                if disowned and disowned.search(guard_text, max(0, at - GUARD_BEFORE_CHARS), at):
                    continue  # said not to be done ("i'm not going to beg")
                taken.append((start, end))
                flags.append(_flag(rules, kind, start, end, text))
    if len(_WORD.findall(text)) > rules.trauma_dump_words:
        flags.append(_flag(rules, "trauma_dump", 0, len(text), text))
    return sort_flags(flags)


def learned_flags(text: str, skip: set[str] | frozenset[str] = frozenset()) -> list[Flag]:
    """The learned model's flags: each kind (not in `skip`) it finds in the draft, read whole (or in
    pieces when long), on the sentence of that piece scoring highest for the kind."""
    from workbook.learned_checks import reading_chunks, sentence_spans  # numpy: only when checking

    rules = load_rules()
    model = checker_model()
    chunks = [
        (_margins(text[start:end]), start, end)
        for start, end in reading_chunks(text, model.encoder)
    ]
    flags = []
    for k, kind in enumerate(model.kinds):
        if kind in skip or not chunks:
            continue
        margins, chunk_start, chunk_end = max(chunks, key=lambda c: c[0][k])
        if margins[k] < 0:
            continue
        spans = [
            (chunk_start + s, chunk_start + e)
            for s, e in sentence_spans(text[chunk_start:chunk_end])
        ]
        if len(spans) > 1:
            spans.sort(key=lambda span: -_margins(text[span[0] : span[1]])[k])
        harmless = rules.unless_after.get(kind)
        for start, end in spans:
            # The rules' guards count here too: a sentence followed (or ended) by words that show
            # it is meant kindly or in jest is not flagged.
            if harmless and harmless.search(normalise(text[start : end + GUARD_CHARS])):
                continue
            flags.append(_flag(rules, kind, start, end, text))
            break
    return flags


def learned_finds(kind: str, text: str) -> bool:
    """Whether the learned model finds a kind in a text."""
    others = set(LEARNED_KINDS) - {kind}  # only this kind's sentence is looked for
    return any(flag.kind == kind for flag in learned_flags(text, others))


def normalise(text: str) -> str:
    """A text as the guards read it: lower case, straight apostrophes, texting spellings written out."""
    spellings = load_rules().spellings
    folded = fold_case(text).translate(_APOSTROPHES)
    return _TOKEN.sub(lambda m: spellings.get(m.group(), m.group()), folded)


def checker_model() -> Model:
    """The learned model, checked to score only kinds the checker knows."""
    from workbook.learned_checks import MODEL_FILE, load_model

    model = load_model()
    unknown = sorted(set(model.kinds) - set(LEARNED_KINDS))
    if unknown:
        raise ContentError(MODEL_FILE, "kinds", f"unknown or not learnable: {unknown}")
    return model


@lru_cache(maxsize=8192)
def _margins(text: str) -> tuple[float, ...]:
    # Cached per text: re-checking a long draft while typing scores only the changed sentences.
    model = checker_model()
    return tuple(float(m) for m in model.scores(text) - model.thresholds)


def kinds_found(text: str) -> set[str]:
    """The kinds of flag a draft raises."""
    return {flag.kind for flag in check_message(text)}


def has_phrase_of(kind: str, text: str) -> bool:
    """Whether any of a kind's phrases appear in a text (before the guards), or the learned model finds it."""
    rules = load_rules()
    reading = _Reading.of(text, rules.spellings)
    if any(next(reading.matches(p), None) for p in rules.patterns.get(kind, ())):
        return True
    return bool(text.strip()) and learned_finds(kind, text)


def fold_case(text: str) -> str:
    """The text in lower case, each character where it was (so match positions still fit the text)."""
    folded = text.lower()
    return folded if len(folded) == len(text) else text.translate(_ASCII_LOWER)


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


def warm_up(*, with_model: bool = True) -> None:
    """Compile the rules (and load the model) once the page has drawn, so the first check while typing is quick."""
    run_later(lambda: (load_rules(), with_model and checker_model()))


def load_rules() -> Rules:
    """Load and validate the checker's rules, once per process (raises ContentError naming the problem)."""
    with _LOAD_LOCK:
        return _load_rules()


def rules_ready() -> bool:
    """Whether the rules are compiled already (a check then takes milliseconds, not half a second)."""
    return _load_rules.cache_info().currsize > 0


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
        unless_after = _guards(kinds, "unless_after", defines, path.name, _one_pattern)
        unless_before = _guards(kinds, "unless_before", defines, path.name, _just_before)
        why = {k: r["why"] for k, r in kinds.items()} | {"trauma_dump": dump["why"]}
        alternative = {k: r["alternative"] for k, r in kinds.items()} | {
            "trauma_dump": dump["alternative"]
        }
        spellings = _spellings(raw.get("spellings", {}), path.name)
        return Rules(
            patterns,
            unless_after,
            unless_before,
            spellings,
            why,
            alternative,
            int(dump["min_words"]),
            raw["no_flags"],
            raw["limits"],
        )
    except (KeyError, TypeError) as exc:
        raise ContentError(path.name, "document", f"missing or malformed field {exc}") from None


def _spellings(raw: Any, file: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ContentError(file, "spellings", "must map a spelling to the word it stands for")
    for spelling, word in raw.items():
        if not _TOKEN.fullmatch(spelling) or not isinstance(word, str) or not word.strip():
            raise ContentError(
                file, f"spellings.{spelling}", "must be one lower-case word, to a word"
            )
    return dict(raw)


def _guards(
    kinds: dict[str, Any],
    key: str,
    defines: Mapping[str, str],
    file: str,
    combine: Callable[[tuple[re.Pattern[str], ...]], re.Pattern[str]],
) -> dict[str, re.Pattern[str]]:
    return {
        kind: combine(
            compile_patterns(rule[key], defines, file, f"kinds.{kind}.{key}", lower_case=True)
        )
        for kind, rule in kinds.items()
        if rule.get(key)
    }


def _one_pattern(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))


def _just_before(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    # A phrase counts when it ends a few words before the match, with no break (a full stop, a
    # comma, a "but") in between: "i'm not going to beg", not "i don't want to fight, but you…".
    # Searched with the match's start as the end of the text, so \Z is where the match begins.
    phrases = _one_pattern(patterns).pattern
    return re.compile(rf"\b(?:{phrases})\b(?:(?! but\b)[^.!?\n,;:]){{0,{BEFORE_GAP}}}\Z")


def _flag(rules: Rules, kind: str, start: int, end: int, text: str) -> Flag:
    return Flag(kind, start, end, text[start:end], rules.why[kind], rules.alternative[kind])
