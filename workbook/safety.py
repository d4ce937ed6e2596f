"""Safety signals in a person's answers (abuse, control, threats, self-harm) and help lines by country."""

from __future__ import annotations

import locale
import os
import re
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from workbook import checks
from workbook.content import ContentError, FormItem, Guide, data_dir, load_guide, read_json
from workbook.phrase_rules import compile_patterns, expand_defines
from workbook.store import Answer, Store

SAFETY_FILE = "safety.json"
RESOURCES_FILE = "resources.json"
TAGS = ("abuse", "control", "threat", "self_harm")
NEEDS = ("self_harm", "emotional_support", "abuse", "worried_about_own_behaviour")
INTERNATIONAL = "international"
TEXT_KINDS = ("text", "log")
ALIASES = {"UK": "GB"}
_FIELDS = ("phone", "alt_phone", "text", "tty", "web", "hours")
_URL = re.compile(r"^https?://[^\s<>\"']+$")
_TERRITORY = re.compile(r"^[A-Za-z]{2,3}[_-]([A-Za-z]{2})(?:[.@]|$)")


@dataclass(frozen=True)
class Rules:
    """The phrase rules from `data/safety.json`, compiled."""

    reasons: dict[str, str]
    patterns: dict[str, tuple[re.Pattern[str], ...]]
    own_patterns: dict[str, tuple[re.Pattern[str], ...]]
    own_exercises: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Emergency:
    """A country's emergency number, where it was seen, and other numbers worth knowing."""

    number: str
    source: str | None
    unverified: bool = False
    alternates: tuple[tuple[str, str], ...] = ()

    @property
    def is_number(self) -> bool:
        """Whether this is a number to dial (not general advice like "your local emergency number")."""
        return any(ch.isdigit() for ch in self.number)


@dataclass(frozen=True)
class Resource:
    """One help line or service, with where its details were seen."""

    id: str
    name: str
    needs: tuple[str, ...]
    source: str | None
    phone: str | None = None
    alt_phone: str | None = None
    text: str | None = None
    tty: str | None = None
    web: str | None = None
    hours: str | None = None
    unverified: bool = False
    unverified_fields: tuple[str, ...] = ()
    checked: str = ""

    def confirmed(self, field: str) -> bool:
        """Whether a field's value was seen in the source."""
        return not self.unverified and field not in self.unverified_fields


@dataclass(frozen=True)
class Country:
    """The help a country's data offers: emergency number, help lines, general advice."""

    code: str
    name: str
    emergency: Emergency
    resources: tuple[Resource, ...]
    advice: tuple[str, ...] = ()

    def for_needs(self, needs: Iterable[str]) -> tuple[Resource, ...]:
        """The resources for these needs, in the order of the needs, each once."""
        found: dict[str, Resource] = {}
        for need in needs:
            for resource in self.resources:
                if need in resource.needs:
                    found.setdefault(resource.id, resource)
        return tuple(found.values())


# Phrase rules -----------------------------------------------------------------------------


@cache
def load_rules(path: Path | None = None) -> Rules:
    """Load and compile `data/safety.json` (raises ContentError naming the problem)."""
    path = path or data_dir() / SAFETY_FILE
    raw = read_json(path)
    name = path.name
    try:
        defines = expand_defines(raw.get("define", {}), name)
        tags = raw["tags"]
        if sorted(tags) != sorted(TAGS):
            raise ContentError(name, "tags", f"must be exactly {', '.join(TAGS)}")
        reasons: dict[str, str] = {}
        patterns: dict[str, tuple[re.Pattern[str], ...]] = {}
        own: dict[str, tuple[re.Pattern[str], ...]] = {}
        for tag in TAGS:
            body = tags[tag]
            reasons[tag] = _text(body.get("reason"), name, f"tags.{tag}.reason")
            patterns[tag] = compile_patterns(
                body["patterns"], defines, name, f"tags.{tag}.patterns"
            )
            own[tag] = compile_patterns(
                body.get("own_patterns", []), defines, name, f"tags.{tag}.own_patterns"
            )
        exercises = set()
        for index, ref in enumerate(raw.get("own_behaviour_exercises", [])):
            step, _, exercise = str(ref).partition("/")
            if not step or not exercise:
                raise ContentError(
                    name, f"own_behaviour_exercises[{index}]", "write it as step-id/exercise-id"
                )
            exercises.add((step, exercise))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ContentError(name, "document", f"missing or malformed field {exc}") from None
    return Rules(reasons, patterns, own, frozenset(exercises))


def _normalise(text: str) -> str:
    return checks.straight_apostrophes(text).replace("\u00a0", " ")


def text_signals(text: str) -> set[str]:
    """The safety tags (abuse, control, threat, self_harm) that a piece of free text suggests."""
    return set(_scan(_normalise(text))[0])


def text_own_behaviour(text: str) -> bool:
    """Whether free text describes the writer's own abusive, controlling or threatening acts."""
    return _scan(_normalise(text))[1]


@lru_cache(maxsize=4096)
def _scan(text: str) -> tuple[frozenset[str], bool]:
    # Cached: the panel rescans every answer whenever the store changes, and most do not.
    if not text.strip():
        return frozenset(), False
    rules = load_rules()
    own = {tag for tag in TAGS if any(p.search(text) for p in rules.own_patterns[tag])}
    found = own | {tag for tag in TAGS if any(p.search(text) for p in rules.patterns[tag])}
    if checks.has_phrase_of("self_harm_threat", text):
        found.add("self_harm")  # the message checker's phrases for threats of self-harm
    return frozenset(found), bool(own)


# Signals in answers -------------------------------------------------------------------------


def answer_signals(answers: Iterable[Answer], guide: Guide) -> dict[str, list[str]]:
    """Map each safety tag the answers show to readable reasons (ticked items, written text)."""
    found: dict[str, list[str]] = {}
    for answer in _in_guide_order(answers, guide):
        for tag, reason in _answer_reasons(answer, guide):
            reasons = found.setdefault(tag, [])
            if reason not in reasons:
                reasons.append(reason)
    return {tag: found[tag] for tag in TAGS if tag in found}


def own_behaviour(answers: Iterable[Answer], guide: Guide) -> bool:
    """Whether the answers show the person's own controlling, abusive or threatening behaviour."""
    own_exercises = load_rules().own_exercises
    for answer in answers:
        if answer.kind == "check" and answer.value == "true":
            item = _form_item(guide, answer)
            exercise = answer.item_id.partition(".")[0]
            if item is not None and item.safety and (answer.step_id, exercise) in own_exercises:
                return True
        elif answer.kind in TEXT_KINDS and text_own_behaviour(answer.value):
            return True
    return False


def signals(store: Store, client_id: str, guide: Guide | None = None) -> dict[str, list[str]]:
    """The safety signals in a client's latest answers (an empty dict means none)."""
    return answer_signals(store.latest(client_id).values(), guide or load_guide())


def _answer_reasons(answer: Answer, guide: Guide) -> list[tuple[str, str]]:
    if answer.kind == "check":
        item = _form_item(guide, answer)
        if answer.value != "true" or item is None or item.safety not in TAGS:
            return []
        return [(item.safety, f"You ticked “{item.prompt}” ({_place(guide, answer.step_id)})")]
    if answer.kind not in TEXT_KINDS:
        return []
    tags = text_signals(answer.value)
    if not tags:
        return []
    reasons = load_rules().reasons
    if answer.kind == "log":
        place = _place(guide, answer.step_id, "")
        where = f"your log ({place})" if place else "your log"
    else:
        where = _place(guide, answer.step_id)
    return [(t, f"Something you wrote in {where} {reasons[t]}") for t in TAGS if t in tags]


def _form_item(guide: Guide, answer: Answer) -> FormItem | None:
    try:
        return guide.form_item(answer.step_id, answer.item_id)
    except KeyError:
        return None  # an answer to an item the guide no longer has


def _place(guide: Guide, step_id: str, unknown: str = "the workbook") -> str:
    try:
        section = guide.section(step_id)
    except KeyError:
        return unknown
    return f"Step {section.number}" if section.number is not None else section.short_title


def _in_guide_order(answers: Iterable[Answer], guide: Guide) -> list[Answer]:
    order = {(i.step_id, i.item_id): n for s in guide.sections for n, i in enumerate(s.form_items)}
    steps = {s.id: n for n, s in enumerate(guide.sections)}
    return sorted(
        answers,
        key=lambda a: (
            steps.get(a.step_id, len(steps)),
            a.step_id,
            order.get((a.step_id, a.item_id), -1),
            a.item_id,
        ),
    )


# Help lines by country ----------------------------------------------------------------------


@cache
def load_resources(path: Path | None = None) -> dict[str, Country]:
    """Load and validate `data/resources.json`: countries by code, in the file's order."""
    path = path or data_dir() / RESOURCES_FILE
    raw = read_json(path)
    name = path.name
    if not isinstance(raw, dict) or not isinstance(raw.get("countries"), dict):
        raise ContentError(name, "countries", "missing: an object of countries by code")
    if raw.get("schema_version") != 1:
        raise ContentError(name, "schema_version", "must be 1")
    countries = {code: _country(code, body, name) for code, body in raw["countries"].items()}
    if INTERNATIONAL not in countries:
        raise ContentError(
            name, f"countries.{INTERNATIONAL}", "missing: the fallback for other countries"
        )
    seen: set[str] = set()
    for country in countries.values():
        for resource in country.resources:
            if resource.id in seen:
                raise ContentError(
                    name, f"countries.{country.code}.resources", f"id {resource.id!r} is used twice"
                )
            seen.add(resource.id)
    return countries


def countries() -> tuple[Country, ...]:
    """Every country the data covers, the international fallback last."""
    every = load_resources().values()
    return tuple(c for c in every if c.code != INTERNATIONAL) + tuple(
        c for c in every if c.code == INTERNATIONAL
    )


def country_resources(code: str | None) -> Country:
    """The help for a country code (e.g. "GB"); unknown codes get the international fallback."""
    known = load_resources()
    return known.get(_known_code(code) or INTERNATIONAL, known[INTERNATIONAL])


def default_country() -> str:
    """The country to show first: $WORKBOOK_COUNTRY, else the locale's territory, else international."""
    candidates = [os.environ.get("WORKBOOK_COUNTRY", "")]
    candidates += [_territory(os.environ.get(v, "")) for v in ("LC_ALL", "LC_MESSAGES", "LANG")]
    with suppress(ValueError):  # an unparsable locale setting
        candidates.append(_territory(locale.getlocale()[0] or ""))
    for candidate in candidates:
        code = _known_code(candidate)
        if code:
            return code
    return INTERNATIONAL


def _known_code(code: str | None) -> str | None:
    cleaned = (code or "").strip()
    if cleaned.lower() == INTERNATIONAL:
        return INTERNATIONAL
    cleaned = ALIASES.get(cleaned.upper(), cleaned.upper())
    return cleaned if cleaned and cleaned in load_resources() else None


def _territory(setting: str) -> str:
    match = _TERRITORY.match(setting.strip())
    return match.group(1).upper() if match else ""


def _country(code: str, raw: Any, file: str) -> Country:
    where = f"countries.{code}"
    if code != INTERNATIONAL and not re.fullmatch(r"[A-Z]{2}", code):
        raise ContentError(
            file, where, "country codes are two capital letters (ISO 3166), or 'international'"
        )
    if not isinstance(raw, dict):
        raise ContentError(file, where, "must be an object")
    resources = raw.get("resources")
    if not isinstance(resources, list):
        raise ContentError(file, f"{where}.resources", "missing: a list of help lines")
    advice = raw.get("advice", [])
    if not isinstance(advice, list):
        raise ContentError(file, f"{where}.advice", "must be a list of sentences")
    return Country(
        code=code,
        name=_text(raw.get("name"), file, f"{where}.name"),
        emergency=_emergency(raw.get("emergency"), file, f"{where}.emergency"),
        resources=tuple(
            _resource(r, file, f"{where}.resources[{i}]") for i, r in enumerate(resources)
        ),
        advice=tuple(_text(a, file, f"{where}.advice[{i}]") for i, a in enumerate(advice)),
    )


def _emergency(raw: Any, file: str, where: str) -> Emergency:
    if not isinstance(raw, dict):
        raise ContentError(file, where, "missing: the emergency number and its source")
    alternates = raw.get("alternates", [])
    if not isinstance(alternates, list):
        raise ContentError(file, f"{where}.alternates", "must be a list")
    emergency = Emergency(
        number=_text(raw.get("number"), file, f"{where}.number"),
        source=_source(raw, file, where),
        unverified=_flag(raw, file, where),
        alternates=tuple(
            (
                _text(_get(a, "number"), file, f"{where}.alternates[{i}].number"),
                _text(_get(a, "for"), file, f"{where}.alternates[{i}].for"),
            )
            for i, a in enumerate(alternates)
        ),
    )
    if emergency.source is None and emergency.is_number and not emergency.unverified:
        raise ContentError(file, f"{where}.source", 'null: give a URL, or set "unverified": true')
    return emergency


def _resource(raw: Any, file: str, where: str) -> Resource:
    if not isinstance(raw, dict):
        raise ContentError(file, where, "must be an object")
    needs = raw.get("for")
    if not isinstance(needs, list) or not needs or not set(needs) <= set(NEEDS):
        raise ContentError(
            file, f"{where}.for", f"must be a non-empty list among {', '.join(NEEDS)}"
        )
    fields = {f: _optional(raw.get(f), file, f"{where}.{f}") for f in _FIELDS}
    if not (fields["phone"] or fields["text"] or fields["web"]):
        raise ContentError(file, where, "needs a phone number, a text number or a web address")
    if fields["web"] is not None and not _URL.match(fields["web"]):
        raise ContentError(file, f"{where}.web", "must be an http(s) address")
    unverified_fields = raw.get("unverified_fields", [])
    if not isinstance(unverified_fields, list) or not set(unverified_fields) <= set(_FIELDS):
        raise ContentError(
            file, f"{where}.unverified_fields", f"must list fields among {', '.join(_FIELDS)}"
        )
    resource = Resource(
        id=_text(raw.get("id"), file, f"{where}.id"),
        name=_text(raw.get("name"), file, f"{where}.name"),
        needs=tuple(needs),
        source=_source(raw, file, where),
        unverified=_flag(raw, file, where),
        unverified_fields=tuple(unverified_fields),
        checked=_optional(raw.get("checked"), file, f"{where}.checked") or "",
        **fields,
    )
    if resource.source is None and not resource.unverified:
        raise ContentError(file, f"{where}.source", 'null: give a URL, or set "unverified": true')
    return resource


def _source(raw: dict[str, Any], file: str, where: str) -> str | None:
    if "source" not in raw:
        raise ContentError(
            file, f"{where}.source", 'missing: give a URL, or null with "unverified": true'
        )
    source = raw["source"]
    if source is not None and not (isinstance(source, str) and _URL.match(source)):
        raise ContentError(file, f"{where}.source", "must be an http(s) address or null")
    return source


def _flag(raw: dict[str, Any], file: str, where: str) -> bool:
    value = raw.get("unverified", False)
    if not isinstance(value, bool):
        raise ContentError(file, f"{where}.unverified", "must be true or false")
    return value


def _get(raw: Any, key: str) -> Any:
    return raw.get(key) if isinstance(raw, dict) else None


def _text(value: Any, file: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(file, where, "missing or empty text")
    return value


def _optional(value: Any, file: str, where: str) -> str | None:
    if value is None:
        return None
    return _text(value, file, where)
