"""Logs kept over time (grounding check-ins, commitments, conflicts), defined in `data/logs.json`.

Every field of a log entry is one row of the answers table: `kind` "log", `step_id` the log's step,
`item_id` "<log id>.<entry id>.<field id>". Changing a field later appends a new row for the same
item id, so the history stays append-only and the newest row wins.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from workbook.content import ContentError, data_dir, read_json
from workbook.store import Answer, Store, local_day, new_answer, now_utc

LOGS_FILE = "logs.json"
SCHEMA_VERSION = 1
LOG_KIND = "log"
FIELD_KINDS = ("rating", "text", "date", "yesno", "choice", "multi")
YES_NO = (("yes", "Yes", 1.0), ("no", "No", 0.0))
_ID = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_STEP_ID = re.compile(r"^step-[0-9]{2}$")

# The logs the summaries and charts know: the fields (and kinds) each one must define.
REQUIRED_FIELDS: dict[str, dict[str, str]] = {
    "grounding": {"day": "date", "calm": "rating", "urge": "rating", "helped": "multi"},
    "trust": {"what": "text", "due": "date", "kept": "choice"},
    "conflict": {"day": "date", "rules": "multi", "break": "yesno", "phrase": "choice"},
}


class LogInputError(ValueError):
    """A value that cannot be saved in a log; the message says why in plain words."""

    def __init__(self, message: str, field_id: str | None = None) -> None:
        super().__init__(message)
        self.field_id = field_id


@dataclass(frozen=True)
class LogOption:
    """One answer a choice or multi field offers; `num` goes to value_num when chosen."""

    id: str
    text: str
    short: str = ""
    num: float | None = None

    @property
    def label(self) -> str:
        """The short text for tables and charts."""
        return self.short or self.text


@dataclass(frozen=True)
class LogField:
    """One field of a log entry."""

    id: str
    kind: str
    label: str
    short: str = ""
    required: bool = False
    scale: tuple[int, int] | None = None
    scale_labels: tuple[str, ...] = ()
    options: tuple[LogOption, ...] = ()
    rows: int = 3

    @property
    def heading(self) -> str:
        """The short label for table headings."""
        return self.short or self.label

    def option(self, option_id: str) -> LogOption | None:
        """The option with this id, if the field offers it."""
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Threshold:
    """A rating at or above `at_least`, or at or below `at_most`."""

    field: str
    at_least: int | None = None
    at_most: int | None = None

    def met(self, value: Any) -> bool:
        """Whether a rating value crosses this threshold."""
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        if self.at_least is not None:
            return value >= self.at_least
        return self.at_most is not None and value <= self.at_most


@dataclass(frozen=True)
class Suggestion:
    """A calm suggestion shown when any threshold is crossed."""

    text: str
    when_any: tuple[Threshold, ...]


@dataclass(frozen=True)
class FollowUp:
    """Marking an entry later: which choice field, and which of its options still count as open."""

    field: str
    open: tuple[str, ...]
    prompt: str


@dataclass(frozen=True)
class LogDef:
    """One log: its step, texts, fields, and optional suggestion and follow-up."""

    id: str
    step_id: str
    title: str
    intro: str
    date_field: str
    fields: tuple[LogField, ...]
    suggestion: Suggestion | None = None
    follow_up: FollowUp | None = None

    def field(self, field_id: str) -> LogField:
        """The field with this id (KeyError naming the known ids otherwise)."""
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(f"log {self.id!r} has no field {field_id!r}; known: {self.field_ids}")

    @property
    def field_ids(self) -> tuple[str, ...]:
        """The field ids in form order."""
        return tuple(f.id for f in self.fields)


@dataclass(frozen=True)
class LogBook:
    """Every log definition of `data/logs.json`."""

    schema_version: int
    logs: tuple[LogDef, ...]

    def log(self, log_id: str) -> LogDef:
        """The log with this id (KeyError naming the known ids otherwise)."""
        for log in self.logs:
            if log.id == log_id:
                return log
        known = ", ".join(log.id for log in self.logs)
        raise KeyError(f"no log {log_id!r}; known logs: {known}")


@dataclass(frozen=True)
class LogEntry:
    """One entry as it stands now: the latest value of each field, decoded."""

    entry_id: str
    log_id: str
    date: date
    values: dict[str, Any]
    created_at: str
    updated_at: str


# ---------------------------------------------------------------- loading and validation


def load_logs(path: Path | None = None) -> LogBook:
    """Load and validate a logs file (default: the packaged `logs.json`); raises ContentError."""
    if path is None:
        return _packaged_logs()
    return parse_logs(read_json(path), path.name)


@cache
def _packaged_logs() -> LogBook:
    path = data_dir() / LOGS_FILE
    return parse_logs(read_json(path), path.name)


def log_definition(log_id: str, book: LogBook | None = None) -> LogDef:
    """One log's definition from the packaged file (or the given book)."""
    return (book or load_logs()).log(log_id)


def parse_logs(raw: Any, file: str) -> LogBook:
    """Validate raw logs data and build the LogBook (raises ContentError on the first problem)."""
    return _Checker(file).book(raw)


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, where: str, problem: str) -> ContentError:
        return ContentError(self.file, where, problem)

    def obj(self, raw: Any, where: str, required: set[str], optional: set[str]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.fail(where, f"must be an object, not {_json_type(raw)}")
        missing = sorted(required - raw.keys())
        if missing:
            raise self.fail(where, f"missing {', '.join(repr(m) for m in missing)}")
        unknown = sorted(raw.keys() - required - optional)
        if unknown:
            raise self.fail(where, f"unknown key {', '.join(repr(u) for u in unknown)}")
        return raw

    def text(self, raw: dict[str, Any], key: str, where: str) -> str:
        value = raw.get(key, "")
        if not isinstance(value, str):
            raise self.fail(where, f"{key!r} must be text, not {_json_type(value)}")
        if not value.strip():
            raise self.fail(where, f"{key!r} is empty")
        return value

    def ident(self, raw: dict[str, Any], key: str, where: str) -> str:
        value = raw[key]
        if not isinstance(value, str) or not _ID.fullmatch(value):
            raise self.fail(
                where,
                f"{key!r} {value!r} is not a valid id "
                "(1-40 lowercase letters, digits, '-' or '_', starting with a letter)",
            )
        return value

    def integer(self, raw: dict[str, Any], key: str, where: str) -> int:
        value = raw[key]
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(where, f"{key!r} must be a whole number, not {_json_type(value)}")
        return value

    def book(self, raw: Any) -> LogBook:
        doc = self.obj(raw, "document", {"schema_version", "logs"}, set())
        version = doc["schema_version"]
        if not isinstance(version, int) or isinstance(version, bool):
            raise self.fail("schema_version", f"must be a whole number, not {_json_type(version)}")
        if version > SCHEMA_VERSION:
            raise self.fail(
                "schema_version",
                f"{version} is newer than this workbook understands ({SCHEMA_VERSION}); "
                "update the workbook",
            )
        if version < 1:
            raise self.fail("schema_version", f"{version} is not a valid version")
        logs = doc["logs"]
        if not isinstance(logs, list) or not logs:
            raise self.fail("logs", "must be a non-empty list of logs")
        parsed: list[LogDef] = []
        for index, raw_log in enumerate(logs):
            log = self.log(raw_log, index)
            if any(p.id == log.id for p in parsed):
                raise self.fail(f"log {log.id!r}", "the id is used by another log too")
            parsed.append(log)
        return LogBook(version, tuple(parsed))

    def log(self, raw: Any, index: int) -> LogDef:
        where = f"logs[{index}]"
        keys = {"id", "step_id", "title", "intro", "date_field", "fields"}
        doc = self.obj(raw, where, keys, {"suggestion", "follow_up"})
        log_id = self.ident(doc, "id", where)
        where = f"log {log_id!r}"
        step_id = doc["step_id"]
        if not isinstance(step_id, str) or not _STEP_ID.fullmatch(step_id):
            raise self.fail(where, f"'step_id' {step_id!r} is not a step id like 'step-02'")
        title = self.text(doc, "title", where)
        intro = self.text(doc, "intro", where)
        raw_fields = doc["fields"]
        if not isinstance(raw_fields, list) or not raw_fields:
            raise self.fail(where, "'fields' must be a non-empty list of fields")
        fields: list[LogField] = []
        for field_index, raw_field in enumerate(raw_fields):
            field = self.field(raw_field, f"{where}, fields[{field_index}]", where)
            if any(f.id == field.id for f in fields):
                raise self.fail(f"{where}, field {field.id!r}", "the id is used twice in this log")
            fields.append(field)
        by_id = {f.id: f for f in fields}
        date_field = doc["date_field"]
        if not isinstance(date_field, str) or by_id.get(date_field, _NO_FIELD).kind != "date":
            raise self.fail(where, f"'date_field' {date_field!r} must name one of its date fields")
        for field_id, kind in REQUIRED_FIELDS.get(log_id, {}).items():
            if field_id not in by_id:
                raise self.fail(
                    f"{where}, field {field_id!r}",
                    f"missing: the {log_id} summary needs a {kind} field with this id",
                )
            if by_id[field_id].kind != kind:
                raise self.fail(
                    f"{where}, field {field_id!r}",
                    f"must be of kind {kind!r} (the {log_id} summary reads it), "
                    f"not {by_id[field_id].kind!r}",
                )
        if log_id == "trust" and by_id["kept"].option("yes") is None:
            raise self.fail(f"{where}, field 'kept'", "needs an option with id 'yes' (kept)")
        suggestion = None
        if "suggestion" in doc:
            suggestion = self.suggestion(doc["suggestion"], f"{where}, suggestion", by_id)
        follow_up = None
        if "follow_up" in doc:
            follow_up = self.follow_up(doc["follow_up"], f"{where}, follow_up", by_id)
        return LogDef(
            log_id, step_id, title, intro, date_field, tuple(fields), suggestion, follow_up
        )

    def field(self, raw: Any, where: str, log_where: str) -> LogField:
        optional = {"short", "required", "scale", "options", "rows"}
        doc = self.obj(raw, where, {"id", "kind", "label"}, optional)
        field_id = self.ident(doc, "id", where)
        where = f"{log_where}, field {field_id!r}"
        kind = doc["kind"]
        if kind not in FIELD_KINDS:
            raise self.fail(where, f"unknown kind {kind!r}; use one of {', '.join(FIELD_KINDS)}")
        label = self.text(doc, "label", where)
        short = self.text(doc, "short", where) if "short" in doc else ""
        required = doc.get("required", False)
        if not isinstance(required, bool):
            raise self.fail(where, "'required' must be true or false")
        scale: tuple[int, int] | None = None
        labels: tuple[str, ...] = ()
        if kind == "rating":
            if "scale" not in doc:
                raise self.fail(where, "a rating field needs a 'scale' with 'min' and 'max'")
            scale, labels = self.scale(doc["scale"], f"{where}, scale")
        elif "scale" in doc:
            raise self.fail(where, f"only rating fields have a 'scale', not {kind} fields")
        options: tuple[LogOption, ...] = ()
        if kind in ("choice", "multi"):
            options = self.options(doc.get("options"), where)
        elif "options" in doc:
            raise self.fail(
                where, f"only choice and multi fields have 'options', not {kind} fields"
            )
        rows = 3
        if "rows" in doc:
            if kind != "text":
                raise self.fail(where, "only text fields have 'rows'")
            rows = self.integer(doc, "rows", where)
            if not 1 <= rows <= 20:
                raise self.fail(where, f"'rows' must be from 1 to 20, not {rows}")
        return LogField(field_id, kind, label, short, required, scale, labels, options, rows)

    def scale(self, raw: Any, where: str) -> tuple[tuple[int, int], tuple[str, ...]]:
        doc = self.obj(raw, where, {"min", "max"}, {"labels"})
        low, high = self.integer(doc, "min", where), self.integer(doc, "max", where)
        if low >= high:
            raise self.fail(where, f"'min' ({low}) must be below 'max' ({high})")
        if high - low > 20:
            raise self.fail(where, f"at most 21 points, not {high - low + 1}")
        labels = doc.get("labels", [])
        if not isinstance(labels, list) or not all(isinstance(x, str) and x for x in labels):
            raise self.fail(where, "'labels' must be a list of texts")
        if labels and len(labels) != high - low + 1:
            raise self.fail(
                where, f"{len(labels)} labels for {high - low + 1} points: give one per point"
            )
        return (low, high), tuple(labels)

    def options(self, raw: Any, where: str) -> tuple[LogOption, ...]:
        if not isinstance(raw, list) or not raw:
            raise self.fail(where, "a choice or multi field needs a non-empty list of 'options'")
        options: list[LogOption] = []
        for index, raw_option in enumerate(raw):
            at = f"{where}, options[{index}]"
            doc = self.obj(raw_option, at, {"id", "text"}, {"short", "num"})
            option_id = self.ident(doc, "id", at)
            at = f"{where}, option {option_id!r}"
            if any(o.id == option_id for o in options):
                raise self.fail(at, "the id is used twice in this field")
            num = doc.get("num")
            if num is not None and (not isinstance(num, int | float) or isinstance(num, bool)):
                raise self.fail(at, f"'num' must be a number, not {_json_type(num)}")
            options.append(
                LogOption(
                    option_id,
                    self.text(doc, "text", at),
                    self.text(doc, "short", at) if "short" in doc else "",
                    None if num is None else float(num),
                )
            )
        return tuple(options)

    def suggestion(self, raw: Any, where: str, fields: dict[str, LogField]) -> Suggestion:
        doc = self.obj(raw, where, {"text", "when_any"}, set())
        when = doc["when_any"]
        if not isinstance(when, list) or not when:
            raise self.fail(where, "'when_any' must be a non-empty list of thresholds")
        thresholds: list[Threshold] = []
        for index, raw_rule in enumerate(when):
            at = f"{where}, when_any[{index}]"
            rule = self.obj(raw_rule, at, {"field"}, {"at_least", "at_most"})
            field = fields.get(rule["field"]) if isinstance(rule["field"], str) else None
            if field is None or field.scale is None:
                raise self.fail(
                    at, f"'field' {rule['field']!r} must name a rating field of this log"
                )
            bounds = [k for k in ("at_least", "at_most") if k in rule]
            if len(bounds) != 1:
                raise self.fail(at, "give exactly one of 'at_least' and 'at_most'")
            limit = self.integer(rule, bounds[0], at)
            if not field.scale[0] <= limit <= field.scale[1]:
                raise self.fail(
                    at,
                    f"{bounds[0]} {limit} is outside the scale {field.scale[0]}-{field.scale[1]}",
                )
            if bounds[0] == "at_least":
                thresholds.append(Threshold(field.id, at_least=limit))
            else:
                thresholds.append(Threshold(field.id, at_most=limit))
        return Suggestion(self.text(doc, "text", where), tuple(thresholds))

    def follow_up(self, raw: Any, where: str, fields: dict[str, LogField]) -> FollowUp:
        doc = self.obj(raw, where, {"field", "open", "prompt"}, set())
        field = fields.get(doc["field"]) if isinstance(doc["field"], str) else None
        if field is None or field.kind not in ("choice", "yesno"):
            raise self.fail(where, f"'field' {doc['field']!r} must name a choice or yes/no field")
        ids = {o.id for o in field.options} if field.kind == "choice" else {y[0] for y in YES_NO}
        open_ids = doc["open"]
        if not isinstance(open_ids, list) or not all(o in ids for o in open_ids):
            raise self.fail(where, f"'open' must list option ids of field {field.id!r}")
        if not ids - set(open_ids):
            raise self.fail(where, "every option is 'open': nothing to mark an entry with")
        return FollowUp(field.id, tuple(open_ids), self.text(doc, "prompt", where))


_NO_FIELD = LogField("", "", "")


def _json_type(value: Any) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "text"}
    names |= {list: "a list", dict: "an object", type(None): "null"}
    return names.get(type(value), type(value).__name__)


# ---------------------------------------------------------------- values


def choices(field: LogField) -> tuple[LogOption, ...]:
    """The options a choice, multi or yes/no field offers."""
    if field.kind == "yesno":
        return tuple(LogOption(i, t, num=n) for i, t, n in YES_NO)
    return field.options


def encode_value(field: LogField, value: Any) -> tuple[str, float | None]:
    """A Python value as the answers table's (value, value_num); raises LogInputError if it does not fit."""
    name = field.heading
    if field.kind == "text":
        if value is None:
            return "", None
        if not isinstance(value, str):
            raise LogInputError(f"“{name}” must be text.", field.id)
        return value, None
    if field.kind == "multi":
        if value is None:
            return "[]", 0.0
        if isinstance(value, str | bytes) or not isinstance(value, Iterable):
            raise LogInputError(f"“{name}” must be a list of choices.", field.id)
        chosen = set(value)
        unknown = sorted(str(v) for v in chosen - {o.id for o in field.options})
        if unknown:
            raise LogInputError(f"“{name}” has no option {', '.join(unknown)}.", field.id)
        ids = [o.id for o in field.options if o.id in chosen]
        return json.dumps(ids), float(len(ids))
    if value is None or value == "":
        return "", None
    if field.kind == "rating":
        assert field.scale is not None
        low, high = field.scale
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise LogInputError(f"“{name}” must be a whole number from {low} to {high}.", field.id)
        return str(value), float(value)
    if field.kind == "date":
        return _date(value, field).isoformat(), None
    if field.kind == "yesno" and isinstance(value, bool):
        value = "yes" if value else "no"
    option = next((o for o in choices(field) if o.id == value), None)
    if option is None:
        raise LogInputError(f"“{name}” has no option {value!r}.", field.id)
    return option.id, option.num


def decode_value(field: LogField, text: str) -> Any:
    """A stored value as a Python value (empty or no longer valid: None, "" or ())."""
    if field.kind == "text":
        return text
    if field.kind == "multi":
        try:
            ids = json.loads(text)
        except ValueError:
            return ()
        known = {o.id for o in field.options}
        return (
            tuple(i for i in ids if isinstance(i, str) and i in known)
            if isinstance(ids, list)
            else ()
        )
    if field.kind == "rating":
        try:
            return int(text)
        except ValueError:
            return None
    if field.kind == "date":
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    return text if any(o.id == text for o in choices(field)) else None


def is_empty(field: LogField, value: Any) -> bool:
    """Whether a value counts as not given (blank text, no choice, nothing selected)."""
    if field.kind == "text":
        return value is None or (isinstance(value, str) and not value.strip())
    if field.kind == "multi":
        return not value
    return value is None or value == ""


def suggestion_for(log: LogDef, values: Mapping[str, Any]) -> str | None:
    """The log's calm suggestion if these values cross one of its thresholds."""
    if log.suggestion is None:
        return None
    if any(rule.met(values.get(rule.field)) for rule in log.suggestion.when_any):
        return log.suggestion.text
    return None


def _date(value: Any, field: LogField) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise LogInputError(f"“{field.heading}” must be a date (YYYY-MM-DD).", field.id)


# ---------------------------------------------------------------- storing and reading


def append_entry(
    store: Store,
    client_id: str,
    session_id: str,
    log_id: str,
    values: Mapping[str, Any],
    *,
    book: LogBook | None = None,
) -> str:
    """Save a new entry, one row per field, and return its entry id.

    Fields left out are saved empty; a left-out date field of the entry's date means today.
    Raises LogInputError (nothing saved) for unknown fields, missing required ones or bad values.
    """
    log = log_definition(log_id, book)
    unknown = sorted(set(values) - set(log.field_ids))
    if unknown:
        raise LogInputError(f"The {log.title} has no field {', '.join(unknown)}.", unknown[0])
    values = dict(values)
    values.setdefault(log.date_field, date.today())
    for field in log.fields:
        if field.required and is_empty(field, values.get(field.id)):
            raise LogInputError(f"Please fill in “{field.label}”.", field.id)
    encoded = {f.id: encode_value(f, values.get(f.id)) for f in log.fields}
    entry_id = str(uuid.uuid4())
    saved_at = now_utc()
    store.append(
        _row(log, field, entry_id, value, number, client_id, session_id, saved_at)
        for field in log.fields
        for value, number in [encoded[field.id]]
    )
    return entry_id


def update_field(
    store: Store,
    client_id: str,
    session_id: str,
    log_id: str,
    entry_id: str,
    field_id: str,
    value: Any,
    *,
    book: LogBook | None = None,
) -> Answer:
    """Change one field of an existing entry by appending a new row (the newest row wins)."""
    log = log_definition(log_id, book)
    try:
        field = log.field(field_id)
    except KeyError:
        raise LogInputError(f"The {log.title} has no field {field_id}.", field_id) from None
    if field.required and is_empty(field, value):
        raise LogInputError(f"Please fill in “{field.label}”.", field_id)
    prefix = f"{log.id}.{entry_id}."
    latest = store.latest(client_id, log.step_id)
    if "." in entry_id or not any(item.startswith(prefix) for _step, item in latest):
        raise LogInputError(f"There is no entry {entry_id!r} in the {log.title}.")
    text, number = encode_value(field, value)
    answer = _row(log, field, entry_id, text, number, client_id, session_id, now_utc())
    store.append([answer])
    return answer


def entries(
    store: Store, client_id: str, log_id: str, *, book: LogBook | None = None
) -> list[LogEntry]:
    """Every entry of a log with the latest value of each field, ordered by the entry's date."""
    log = log_definition(log_id, book)
    return entries_in(log, store.latest(client_id, log.step_id))


def entries_in(log: LogDef, latest: Mapping[tuple[str, str], Answer]) -> list[LogEntry]:
    """A log's entries among answers already read (latest answer per (step, item)), by date."""
    prefix = f"{log.id}."
    rows: dict[str, dict[str, Answer]] = {}
    for (step_id, item_id), answer in latest.items():
        if step_id != log.step_id or answer.kind != LOG_KIND or not item_id.startswith(prefix):
            continue
        entry_id, dot, field_id = item_id[len(prefix) :].partition(".")
        if dot and entry_id and "." not in field_id:
            rows.setdefault(entry_id, {})[field_id] = answer
    found = []
    for entry_id, answers in rows.items():
        values = {
            f.id: decode_value(f, answers[f.id].value if f.id in answers else "")
            for f in log.fields
        }
        created = min(a.saved_at for a in answers.values())
        day = values.get(log.date_field)
        if not isinstance(day, date):
            day = local_day(created)
        updated = max(a.saved_at for a in answers.values())
        found.append(LogEntry(entry_id, log.id, day, values, created, updated))
    return sorted(found, key=lambda e: (e.date, e.created_at, e.entry_id))


def _row(
    log: LogDef,
    field: LogField,
    entry_id: str,
    value: str,
    number: float | None,
    client_id: str,
    session_id: str,
    saved_at: str,
) -> Answer:
    return new_answer(
        step_id=log.step_id,
        item_id=f"{log.id}.{entry_id}.{field.id}",
        kind=LOG_KIND,
        prompt=field.label,
        value=value,
        value_num=number,
        client_id=client_id,
        session_id=session_id,
        saved_at=saved_at,
    )


# ---------------------------------------------------------------- summaries


@dataclass(frozen=True)
class GroundingDay:
    """One day of grounding check-ins: mean calm and urge (None if not rated that day)."""

    day: date
    calm: float | None
    urge: float | None
    count: int


@dataclass(frozen=True)
class TrustWeek:
    """Commitments due in one ISO week and how many were kept."""

    week: str
    due: int
    kept: int
    not_kept: int
    open: int

    @property
    def share(self) -> float:
        """The kept share of the commitments due that week, from 0 to 1."""
        return self.kept / self.due if self.due else 0.0


@dataclass(frozen=True)
class ConflictSummary:
    """What the conflict log shows so far."""

    count: int
    rules_kept: dict[str, float]
    breaks_taken: float | None
    phrases: dict[str, int]
    other_phrases: dict[str, int]


def grounding_series(items: Iterable[LogEntry]) -> list[GroundingDay]:
    """Per day, oldest first: the mean calm and mean urge of that day's check-ins."""
    days: dict[date, list[LogEntry]] = {}
    for entry in items:
        days.setdefault(entry.date, []).append(entry)
    return [
        GroundingDay(day, _mean(e.values.get("calm") for e in group),
                     _mean(e.values.get("urge") for e in group), len(group))
        for day, group in sorted(days.items())
    ]  # fmt: skip


def iso_week(day: date) -> str:
    """The ISO week of a day, like '2025-W03'."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def trust_consistency_by_week(items: Iterable[LogEntry]) -> list[TrustWeek]:
    """Per ISO week of the due date, oldest first: commitments due, kept, not kept, still open."""
    weeks: dict[str, Counter[str]] = {}
    for entry in items:
        due = entry.values.get("due")
        if not isinstance(due, date):
            continue
        kept = entry.values.get("kept")
        state = "kept" if kept == "yes" else "not_kept" if kept == "no" else "open"
        weeks.setdefault(iso_week(due), Counter())[state] += 1
    return [
        TrustWeek(week, sum(c.values()), c["kept"], c["not_kept"], c["open"])
        for week, c in sorted(weeks.items())
    ]


def conflict_summary(items: Iterable[LogEntry], log: LogDef | None = None) -> ConflictSummary:
    """How many conflicts, the share that kept each rule, the share with a break, phrases that helped."""
    log = log or log_definition("conflict")
    group = list(items)
    rules = log.field("rules").options
    phrase = log.field("phrase").options
    kept = Counter(r for e in group for r in e.values.get("rules", ()))
    breaks = [e.values.get("break") for e in group if e.values.get("break") in ("yes", "no")]
    said = Counter(e.values.get("phrase") for e in group)
    others = Counter(
        text.strip()
        for e in group
        if isinstance(text := e.values.get("phrase_other", ""), str) and text.strip()
    )
    return ConflictSummary(
        count=len(group),
        rules_kept={r.id: kept[r.id] / len(group) if group else 0.0 for r in rules},
        breaks_taken=breaks.count("yes") / len(breaks) if breaks else None,
        phrases={p.id: said[p.id] for p in phrase},
        other_phrases=dict(others.most_common()),
    )


def _mean(values: Iterable[Any]) -> float | None:
    numbers: Sequence[int] = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    # sum/len rather than statistics.fmean: importing statistics costs every log page ~6 ms
    return sum(numbers) / len(numbers) if numbers else None
