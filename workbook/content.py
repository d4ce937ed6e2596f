"""Load the guide from `data/`, validate it against the versioned content schema, and expose it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from workbook import content_schema

GUIDE_FILE = "guide.json"


class ContentError(ValueError):
    """A content file is missing, unreadable or does not match the schema."""

    def __init__(self, file: str, where: str, problem: str) -> None:
        self.file, self.where, self.problem = file, where, problem
        super().__init__(f"{file}: {where}: {problem}")


@dataclass(frozen=True)
class ListItem:
    """One bullet or numbered point of a guide list."""

    id: str
    text: str
    safety: str | None = None


@dataclass(frozen=True)
class Block:
    """A piece of the guide's text: paragraph, heading, list, example, script or question."""

    type: str
    text: str = ""
    id: str = ""
    style: str = ""
    label: str = ""
    question: str = ""
    answer: str = ""
    items: tuple[ListItem, ...] = ()


@dataclass(frozen=True)
class Scale:
    """A rating scale: whole numbers from `min` to `max`, optionally one label per point."""

    min: int
    max: int
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Option:
    """One answer a `choice` item offers."""

    id: str
    text: str


@dataclass(frozen=True)
class FormItem:
    """One answerable item: what the answers table calls `item_id`, `kind` and `prompt`."""

    step_id: str
    item_id: str
    kind: str
    prompt: str
    safety: str | None = None
    scale: Scale | None = None
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class Exercise:
    """A group of items under one prompt: a checklist, reflections, ratings or a choice."""

    id: str
    kind: str
    prompt: str
    items: tuple[FormItem, ...]


@dataclass(frozen=True)
class Section:
    """A step or another section of the guide, with its text and its exercises."""

    id: str
    kind: str
    title: str
    short_title: str
    blocks: tuple[Block, ...]
    exercises: tuple[Exercise, ...]
    number: int | None = None
    tools: tuple[str, ...] = ()

    @property
    def form_items(self) -> tuple[FormItem, ...]:
        """Every answerable item of the section, in page order."""
        return tuple(item for ex in self.exercises for item in ex.items)

    def list_block(self, list_id: str) -> Block:
        """The list block with this id."""
        for block in self.blocks:
            if block.type == "list" and block.id == list_id:
                return block
        raise KeyError(list_id)


@dataclass(frozen=True)
class Guide:
    """The whole guide: its sections in the guide's order."""

    title: str
    sections: tuple[Section, ...]
    schema_version: int
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def section(self, section_id: str) -> Section:
        """The section with this id (raises KeyError naming the known ids otherwise)."""
        for section in self.sections:
            if section.id == section_id:
                return section
        known = ", ".join(s.id for s in self.sections)
        raise KeyError(f"no section {section_id!r}; known sections: {known}")

    @property
    def steps(self) -> tuple[Section, ...]:
        """The ten numbered steps."""
        return tuple(s for s in self.sections if s.kind == "step")

    def form_item(self, step_id: str, item_id: str) -> FormItem:
        """Look up one answerable item by its ids."""
        for item in self.section(step_id).form_items:
            if item.item_id == item_id:
                return item
        raise KeyError(f"{step_id}/{item_id}")


@cache
def data_dir() -> Path:
    """The folder holding the content files, found through the installed package."""
    # The package is a plain folder (wheel or editable install); looking beside this file costs a
    # page kernel nothing, where importlib.resources costs it a few milliseconds on every view.
    package = Path(__file__).resolve().parent
    packaged = package / "_data"
    if packaged.is_dir():
        return packaged
    # Editable/development install: the repository's top-level data/ folder beside the package.
    return package.parent / "data"


def read_json(path: Path) -> Any:
    """Read a JSON content file, turning every failure into a ContentError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(path.name, "file", "not found") from None
    except UnicodeDecodeError as exc:
        raise ContentError(path.name, "file", f"not UTF-8 text ({exc.reason})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentError(path.name, f"line {exc.lineno}", f"not valid JSON: {exc.msg}") from None


def check_schema_version(doc: dict[str, Any], file: str, supported: int) -> int:
    """The data file's schema version, if this workbook reads it (raises ContentError otherwise)."""
    version = doc.get("schema_version")
    if type(version) is not int:
        raise ContentError(file, "schema_version", "missing or not a whole number")
    if version > supported:
        raise ContentError(
            file, "schema_version", f"{version} is newer than this workbook reads ({supported})"
        )
    if version < 1:
        raise ContentError(file, "schema_version", f"{version} is not a known version")
    return version


def data_object(raw: Any, file: str, where: str) -> dict[str, Any]:
    """A JSON object from a data file, or a ContentError naming where it should be."""
    if not isinstance(raw, dict):
        raise ContentError(file, where, "must be an object")
    return raw


def data_text(obj: dict[str, Any], key: str, file: str, where: str) -> str:
    """A non-empty string field of a data file's object, or a ContentError naming it."""
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(file, where, "missing or not a non-empty string")
    return value


def parse_guide(raw: Any, file: str) -> Guide:
    """Validate raw guide data and build the Guide (raises ContentError on the first problem)."""
    doc = content_schema.validate_guide(raw, file)
    sections = tuple(_section(s) for s in doc["sections"])
    guide_meta = doc.get("guide", {})
    return Guide(
        title=guide_meta.get("title", ""),
        source=guide_meta.get("source", ""),
        sections=sections,
        schema_version=doc["schema_version"],
    )


def load_guide(path: Path | None = None) -> Guide:
    """Load and validate a guide file (default: the packaged guide)."""
    if path is None:
        return _packaged_guide()
    return parse_guide(read_json(path), path.name)


@cache
def _packaged_guide() -> Guide:
    path = data_dir() / GUIDE_FILE
    return parse_guide(read_json(path), path.name)


def _section(raw: dict[str, Any]) -> Section:
    blocks = tuple(_block(b) for b in raw["blocks"])
    lists = {b.id: b for b in blocks if b.type == "list"}
    exercises = tuple(_exercise(raw["id"], e, lists) for e in raw["exercises"])
    return Section(
        id=raw["id"],
        kind=raw["kind"],
        number=raw.get("number"),
        title=raw["title"],
        short_title=raw["short_title"],
        blocks=blocks,
        exercises=exercises,
        tools=tuple(raw.get("tools", ())),
    )


def _block(raw: dict[str, Any]) -> Block:
    items = tuple(ListItem(i["id"], i["text"], i.get("safety")) for i in raw.get("items", ()))
    return Block(
        type=raw["type"],
        text=raw.get("text", ""),
        id=raw.get("id", ""),
        style=raw.get("style", ""),
        label=raw.get("label", ""),
        question=raw.get("question", ""),
        answer=raw.get("answer", ""),
        items=items,
    )


def _exercise(step_id: str, raw: dict[str, Any], lists: dict[str, Block]) -> Exercise:
    if "from_list" in raw:
        sources: tuple[ListItem, ...] = lists[raw["from_list"]].items
    else:
        sources = tuple(ListItem(i["id"], i["text"], i.get("safety")) for i in raw["items"])
    scale = None
    if "scale" in raw:
        s = raw["scale"]
        scale = Scale(s["min"], s["max"], tuple(s.get("labels", ())))
    options = tuple(Option(o["id"], o["text"]) for o in raw.get("options", ()))
    items = tuple(
        FormItem(
            step_id=step_id,
            item_id=f"{raw['id']}.{src.id}",
            kind=raw["kind"],
            prompt=src.text,
            safety=src.safety,
            scale=scale,
            options=options,
        )
        for src in sources
    )
    return Exercise(id=raw["id"], kind=raw["kind"], prompt=raw["prompt"], items=items)
