"""The versioned schema of the guide's content files, with a validator that names file, item and problem."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

SCHEMA_VERSION = 1

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SECTION_KINDS = ("step", "section")
EXERCISE_KINDS = ("check", "text", "rating", "choice")
LIST_STYLES = ("bullet", "numbered", "arrow")
SAFETY_TAGS = ("abuse", "control", "threat", "self_harm")
TOOLS = (
    "grounding-log", "message-checker", "apology-builder", "trust-tracker",
    "conflict-log", "script-builder", "assessment",
)  # fmt: skip

# Block type -> (required fields, optional fields).
BLOCK_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "paragraph": (frozenset({"text"}), frozenset()),
    "heading": (frozenset({"text"}), frozenset()),
    "list": (frozenset({"id", "style", "items"}), frozenset()),
    "example": (frozenset({"id", "label", "text"}), frozenset()),
    "script": (frozenset({"id", "label", "text"}), frozenset()),
    "qa": (frozenset({"id", "question", "answer"}), frozenset()),
}
SECTION_FIELDS = (
    frozenset({"id", "kind", "title", "short_title", "blocks", "exercises"}),
    frozenset({"number", "tools"}),
)
EXERCISE_FIELDS = (
    frozenset({"id", "kind", "prompt"}),
    frozenset({"from_list", "items", "scale", "options"}),
)
ITEM_FIELDS = (frozenset({"id", "text"}), frozenset({"safety"}))
OPTION_FIELDS: tuple[frozenset[str], frozenset[str]] = (frozenset({"id", "text"}), frozenset())
SCALE_FIELDS = (frozenset({"min", "max"}), frozenset({"labels"}))

# Upgrade steps: version N -> function turning a version-N document into version N+1.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


class SchemaProblem(ValueError):
    """Raised with the location (a readable path) and the problem found there."""

    def __init__(self, where: str, problem: str) -> None:
        self.where, self.problem = where, problem
        super().__init__(f"{where}: {problem}")


def validate_guide(raw: Any, file: str) -> dict[str, Any]:
    """Check a whole guide document, upgrading older versions; return it or raise ContentError."""
    from workbook.content import ContentError

    try:
        return _validate(raw)
    except SchemaProblem as exc:
        raise ContentError(file, exc.where, exc.problem) from None


def _validate(raw: Any) -> dict[str, Any]:
    doc = _expect_dict(raw, "document")
    version = doc.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SchemaProblem("schema_version", "missing or not a whole number")
    if version > SCHEMA_VERSION:
        raise SchemaProblem(
            "schema_version",
            f"written for content schema {version}, but this version of the workbook reads up to "
            f"{SCHEMA_VERSION}; update the workbook",
        )
    while version < SCHEMA_VERSION:
        if version not in UPGRADES:
            raise SchemaProblem("schema_version", f"schema {version} is not supported")
        doc = UPGRADES[version](doc)
        version = doc["schema_version"]
    _check_fields(doc, "document", frozenset({"schema_version", "sections"}), frozenset({"guide"}))
    sections = _expect_list(doc["sections"], "sections")
    if not sections:
        raise SchemaProblem("sections", "is empty")
    seen: set[str] = set()
    step_numbers = []
    for index, section in enumerate(sections):
        where = f"sections[{index}]"
        sid = _section_id(section, where)
        where = f"section {sid!r}"
        if sid in seen:
            raise SchemaProblem(where, "duplicate section id")
        seen.add(sid)
        _validate_section(section, where)
        if section["kind"] == "step":
            step_numbers.append(section.get("number"))
    if step_numbers != list(range(1, len(step_numbers) + 1)):
        raise SchemaProblem(
            "sections", f"steps must be numbered 1, 2, 3, ... in order; found {step_numbers}"
        )
    return doc


def _section_id(section: Any, where: str) -> str:
    _expect_dict(section, where)
    return _expect_id(section.get("id"), f"{where} id")


def _validate_section(section: dict[str, Any], where: str) -> None:
    _check_fields(section, where, *SECTION_FIELDS)
    _expect_choice(section["kind"], SECTION_KINDS, f"{where} kind")
    for key in ("title", "short_title"):
        _expect_text(section[key], f"{where} {key}")
    if section["kind"] == "step":
        number = section.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise SchemaProblem(f"{where} number", "a step needs a whole number from 1")
    elif "number" in section:
        raise SchemaProblem(f"{where} number", "only steps have a number")
    for index, tool in enumerate(_expect_list(section.get("tools", []), f"{where} tools")):
        _expect_choice(tool, TOOLS, f"{where} tools[{index}]")
    lists: dict[str, list[Any]] = {}
    block_ids: set[str] = set()
    for index, block in enumerate(_expect_list(section["blocks"], f"{where} blocks")):
        bwhere = f"{where} blocks[{index}]"
        _expect_dict(block, bwhere)
        btype = _expect_choice(block.get("type"), tuple(BLOCK_FIELDS), f"{bwhere} type")
        required, optional = BLOCK_FIELDS[btype]
        _check_fields(block, bwhere, required | {"type"}, optional)
        if "id" in block:
            bid = _expect_id(block["id"], f"{bwhere} id")
            if bid in block_ids:
                raise SchemaProblem(bwhere, f"duplicate block id {bid!r}")
            block_ids.add(bid)
        for key in ("text", "label", "question", "answer"):
            if key in block:
                _expect_text(block[key], f"{bwhere} {key}")
        if btype == "list":
            _expect_choice(block["style"], LIST_STYLES, f"{bwhere} style")
            lists[block["id"]] = _validate_items(block["items"], f"{where} list {block['id']!r}")
    exercise_ids: set[str] = set()
    for index, exercise in enumerate(_expect_list(section["exercises"], f"{where} exercises")):
        ewhere = f"{where} exercises[{index}]"
        eid = _expect_id(_expect_dict(exercise, ewhere).get("id"), f"{ewhere} id")
        ewhere = f"{where} exercise {eid!r}"
        if eid in exercise_ids:
            raise SchemaProblem(ewhere, "duplicate exercise id")
        exercise_ids.add(eid)
        _validate_exercise(exercise, ewhere, lists)


def _validate_exercise(exercise: dict[str, Any], where: str, lists: dict[str, list[Any]]) -> None:
    _check_fields(exercise, where, *EXERCISE_FIELDS)
    kind = _expect_choice(exercise["kind"], EXERCISE_KINDS, f"{where} kind")
    _expect_text(exercise["prompt"], f"{where} prompt")
    has_list, has_items = "from_list" in exercise, "items" in exercise
    if has_list == has_items:
        raise SchemaProblem(where, "needs exactly one of 'from_list' or 'items'")
    if has_list and exercise["from_list"] not in lists:
        known = ", ".join(sorted(lists)) or "none"
        raise SchemaProblem(
            f"{where} from_list",
            f"names list {exercise['from_list']!r}, but this section has no such list (lists: {known})",
        )
    if has_items:
        _validate_items(exercise["items"], f"{where} items")
    if kind == "rating":
        if "scale" not in exercise:
            raise SchemaProblem(where, "a rating needs a 'scale'")
        _validate_scale(exercise["scale"], f"{where} scale")
    elif "scale" in exercise:
        raise SchemaProblem(f"{where} scale", f"only ratings have a scale, not {kind!r}")
    if kind == "choice":
        _validate_options(exercise.get("options"), f"{where} options")
    elif "options" in exercise:
        raise SchemaProblem(f"{where} options", f"only choices have options, not {kind!r}")


def _validate_items(items: Any, where: str) -> list[Any]:
    seen: set[str] = set()
    for index, item in enumerate(_expect_list(items, where)):
        iwhere = f"{where} item[{index}]"
        _expect_dict(item, iwhere)
        _check_fields(item, iwhere, *ITEM_FIELDS)
        iid = _expect_id(item["id"], f"{iwhere} id")
        iwhere = f"{where} item {iid!r}"
        if iid in seen:
            raise SchemaProblem(iwhere, "duplicate item id")
        seen.add(iid)
        _expect_text(item["text"], f"{iwhere} text")
        if "safety" in item:
            _expect_choice(item["safety"], SAFETY_TAGS, f"{iwhere} safety")
    if not items:
        raise SchemaProblem(where, "has no items")
    return list(items)


def _validate_scale(scale: Any, where: str) -> None:
    _check_fields(_expect_dict(scale, where), where, *SCALE_FIELDS)
    low, high = scale["min"], scale["max"]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)) or low >= high:
        raise SchemaProblem(where, "min and max must be whole numbers with min < max")
    labels = scale.get("labels", [])
    for index, label in enumerate(_expect_list(labels, f"{where} labels")):
        _expect_text(label, f"{where} labels[{index}]")
    if labels and len(labels) != high - low + 1:
        raise SchemaProblem(
            f"{where} labels", f"needs {high - low + 1} labels (one per point), has {len(labels)}"
        )


def _validate_options(options: Any, where: str) -> None:
    seen: set[str] = set()
    for index, option in enumerate(_expect_list(options, where)):
        owhere = f"{where}[{index}]"
        _check_fields(_expect_dict(option, owhere), owhere, *OPTION_FIELDS)
        oid = _expect_id(option["id"], f"{owhere} id")
        if oid in seen:
            raise SchemaProblem(owhere, f"duplicate option id {oid!r}")
        seen.add(oid)
        _expect_text(option["text"], f"{owhere} text")
    if len(seen) < 2:
        raise SchemaProblem(where, "a choice needs at least two options")


def _check_fields(
    obj: dict[str, Any], where: str, required: frozenset[str], optional: frozenset[str]
) -> None:
    missing = sorted(required - obj.keys())
    if missing:
        raise SchemaProblem(where, f"missing required field(s): {', '.join(missing)}")
    unknown = sorted(obj.keys() - required - optional)
    if unknown:
        raise SchemaProblem(where, f"unknown field(s): {', '.join(unknown)}")


def _expect_dict(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SchemaProblem(where, f"must be an object, not {type(value).__name__}")
    return value


def _expect_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise SchemaProblem(where, f"must be a list, not {type(value).__name__}")
    return value


def _expect_text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SchemaProblem(where, "must be non-empty text")
    return value


def _expect_id(value: Any, where: str) -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise SchemaProblem(
            where, f"{value!r} is not a valid id (lowercase letters, digits and dashes)"
        )
    return value


def _expect_choice(value: Any, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise SchemaProblem(where, f"{value!r} is not one of: {', '.join(allowed)}")
    return str(value)
