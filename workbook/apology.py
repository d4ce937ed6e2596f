"""Step 5's apology builder: review the four parts, spot deflections, assemble one apology, keep versions."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import ipywidgets as widgets

from workbook import settings
from workbook.checks import Flag, limits_note, rules_ready, straight_apostrophes
from workbook.content import (
    ContentError,
    check_schema_version,
    data_dir,
    data_object,
    data_text,
    load_guide,
    read_json,
)
from workbook.draft_feedback import flags_html, rule_flags_in_draft
from workbook.forms import Look
from workbook.live import run_soon
from workbook.store import COLUMNS, Answer, Store, new_answer

APOLOGY_FILE = "apology.json"
SCHEMA_VERSION = 1
VERSION_ITEM = "apology.version"
VERSION_KIND = "text"
VERSION_PROMPT = "A version of my apology I kept"
VERSIONS_SHOWN = 5
MESSAGE_KEYS = frozenset(
    {
        "missing", "too_short", "sorry_only", "written", "no_deflections", "all_parts",
        "preview_empty", "nothing_to_keep", "kept", "already_kept", "no_versions",
    }
)  # fmt: skip
# Checker kinds the apology review already covers in its own words.
COVERED_KINDS = frozenset({"deflecting_apology", "empty_promise"})

_TRAILING = " ,;:-–—"
_CLOSERS = "\"'”’»)]"
_ENDINGS = ".!?…"


@dataclass(frozen=True)
class Part:
    """One part of a real apology, as Step 5 names it."""

    id: str
    item_id: str
    title: str
    description: str
    example: str
    min_words: int


@dataclass(frozen=True)
class DeflectionRule:
    """A kind of phrase that deflects instead of healing, and the guide's reason."""

    id: str
    label: str
    patterns: tuple[re.Pattern[str], ...]
    why: str


@dataclass(frozen=True)
class ApologySpec:
    """Everything `data/apology.json` holds, validated."""

    step_id: str
    intro: str
    examples: dict[str, str]
    parts: tuple[Part, ...]
    sorry_only: re.Pattern[str]
    messages: dict[str, str]
    deflections: tuple[DeflectionRule, ...]

    def part_for(self, key: str) -> Part | None:
        """The part a key names, by part id (`ownership`) or item id (`parts.ownership`)."""
        for part in self.parts:
            if key in (part.id, part.item_id):
                return part
        return None


@dataclass(frozen=True)
class PartReview:
    """How one part reads: `missing`, `too_short` or `ok`, with a calm note."""

    part_id: str
    title: str
    status: str
    words: int
    note: str


@dataclass(frozen=True)
class Deflection:
    """A deflecting phrase found in one part (start/end index that part's text)."""

    part_id: str
    kind: str
    label: str
    start: int
    end: int
    text: str
    why: str


@dataclass(frozen=True)
class ApologyReview:
    """The review of all four parts."""

    parts: tuple[PartReview, ...]
    deflections: tuple[Deflection, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        """Ids of the parts not written yet."""
        return tuple(p.part_id for p in self.parts if p.status == "missing")

    @property
    def too_short(self) -> tuple[str, ...]:
        """Ids of the parts that need a few more words."""
        return tuple(p.part_id for p in self.parts if p.status == "too_short")

    @property
    def complete(self) -> bool:
        """Every part written, none deflecting."""
        return all(p.status == "ok" for p in self.parts) and not self.deflections


def review_apology(parts: Mapping[str, str]) -> ApologyReview:
    """Review the parts (keys: part ids or item ids such as `parts.ownership`; absent means empty)."""
    spec = load_apology()
    texts = _texts(spec, parts)
    reviews = []
    found: list[Deflection] = []
    for part in spec.parts:
        text = texts[part.id]
        folded = straight_apostrophes(text)
        words = len(text.split())
        if not text.strip():
            status, note = "missing", spec.messages["missing"]
        elif spec.sorry_only.search(folded):
            status, note = "too_short", spec.messages["sorry_only"]
        elif words < part.min_words:
            status, note = "too_short", spec.messages["too_short"]
        else:
            status, note = "ok", spec.messages["written"]
        reviews.append(PartReview(part.id, part.title, status, words, note))
        for rule in spec.deflections:
            taken: list[tuple[int, int]] = []
            for pattern in rule.patterns:
                for match in pattern.finditer(folded):
                    start, end = match.span()
                    if any(start < e and s < end for s, e in taken):
                        continue
                    taken.append((start, end))
                    found.append(
                        Deflection(
                            part.id, rule.id, rule.label, start, end, text[start:end], rule.why
                        )
                    )
    order = {p.id: n for n, p in enumerate(spec.parts)}
    found.sort(key=lambda d: (order[d.part_id], d.start, d.end))
    return ApologyReview(tuple(reviews), tuple(found))


def assemble(parts: Mapping[str, str]) -> str:
    """The parts joined into one apology in the guide's order, each ending as a sentence."""
    spec = load_apology()
    texts = _texts(spec, parts)
    return " ".join(s for s in (_sentence(texts[p.id]) for p in spec.parts) if s)


def _texts(spec: ApologySpec, parts: Mapping[str, str]) -> dict[str, str]:
    texts = {p.id: "" for p in spec.parts}
    for key, value in parts.items():
        part = spec.part_for(key)
        if part is None:
            known = ", ".join(p.id for p in spec.parts)
            raise KeyError(f"no apology part {key!r}; the parts are: {known}")
        texts[part.id] = str(value or "")
    return texts


def _sentence(text: str) -> str:
    sentence = " ".join(text.split()).rstrip(_TRAILING)
    if not sentence:
        return ""
    if sentence[0].islower():
        sentence = sentence[0].upper() + sentence[1:]
    core = sentence.rstrip(_CLOSERS)
    if not core or core[-1] not in _ENDINGS:
        sentence += "."
    return sentence


class ApologyBuilder:
    """Live review and the assembled apology under Step 5's four text boxes, and kept versions."""

    def __init__(
        self,
        form_fields: Mapping[str, widgets.Textarea],
        look: Look | None = None,
        *,
        store: Store | None = None,
        client_id: str | None = None,
        session_id: str | None = None,
    ) -> None:
        self.spec = load_apology()
        self.look = look or Look()
        self.store = store or Store()
        self.client_id = client_id or settings.client_id()
        self.session_id = session_id or settings.session_id()
        self.inputs: dict[str, widgets.Textarea] = {}
        for key, box in form_fields.items():  # other items of the step (checkboxes) are left out
            part = self.spec.part_for(key)
            if part is not None:
                self.inputs[part.id] = box
        absent = [p.item_id for p in self.spec.parts if p.id not in self.inputs]
        if absent:
            raise KeyError(f"the apology builder needs a text box for {', '.join(absent)}")
        self.review: ApologyReview = review_apology({})
        self.assembled = ""
        self._lock = threading.Lock()  # the first update may run on a background thread
        self.review_html = self._html("wb-apology-review")
        self.preview = self._html("wb-apology-preview")
        self.status = self._html("wb-status")
        self.versions = self._html("wb-apology-versions")
        self.keep_button = self.look.button("Keep this version", "wb-keep")
        self.keep_button.on_click(lambda _button: self.keep())
        self.widget = widgets.VBox(
            [
                self.review_html,
                self.preview,
                self.look.row([self.keep_button, self.status]),
                self.versions,
            ],
            layout=self.look.full_width,
            _dom_classes=("wb-apology",),
        )
        run_soon(self.update)
        self.show_versions()
        for box in self.inputs.values():
            box.observe(self._changed, names="value")

    def texts(self) -> dict[str, str]:
        """The four parts as written now, by part id."""
        return {part_id: str(box.value or "") for part_id, box in self.inputs.items()}

    def update(self) -> None:
        """Review and assemble what the boxes hold now, and show both."""
        with self._lock:  # reading the boxes inside: the last to run shows the latest text
            self._update()

    def _update(self) -> None:
        texts = self.texts()
        self.review = review_apology(texts)
        self.assembled = assemble(texts)
        self.review_html.value = self._review_html(texts)
        if self.assembled:
            body = f"<blockquote class='wb-apology-text'>{html.escape(self.assembled)}</blockquote>"
        else:
            body = f"<p class='wb-apology-empty'>{html.escape(self.spec.messages['preview_empty'])}</p>"
        self.preview.value = f"<h4>Your apology so far</h4>{body}"

    def keep(self) -> Answer | None:
        """Save the assembled apology as a new version; return it (None when nothing was saved)."""
        self.update()
        if not self.assembled:
            self._say(self.spec.messages["nothing_to_keep"])
            return None
        try:
            newest = self.saved_versions(1)
            if newest and newest[0].value == self.assembled:
                self._say(self.spec.messages["already_kept"])
                return None
            answer = new_answer(
                step_id=self.spec.step_id,
                item_id=VERSION_ITEM,
                kind=VERSION_KIND,
                prompt=VERSION_PROMPT,
                value=self.assembled,
                client_id=self.client_id,
                session_id=self.session_id,
            )
            self.store.append([answer])
        except Exception as exc:  # say what happened; the text stays in the boxes
            self._say(
                f"Could not keep this version ({type(exc).__name__}: {exc}). "
                "Your text is still here; try again.",
                error=True,
            )
            return None
        self._say(f"{self.spec.messages['kept']} ({_local_time(answer.saved_at)})")
        self.show_versions()
        return answer

    def saved_versions(self, limit: int = VERSIONS_SHOWN) -> list[Answer]:
        """The kept versions, newest first."""
        sql = (
            f"SELECT {', '.join(COLUMNS)} FROM answers "
            "WHERE client_id = ? AND step_id = ? AND item_id = ? "
            "ORDER BY saved_at DESC, rowid DESC LIMIT ?"
        )
        with self.store.connect() as conn:
            rows = conn.execute(sql, (self.client_id, self.spec.step_id, VERSION_ITEM, limit))
            return [Answer(*row) for row in rows]

    def show_versions(self) -> None:
        """List the latest kept versions, with when each was kept."""
        try:
            versions = self.saved_versions()
        except Exception as exc:
            self.versions.value = (
                "<p class='wb-status-error'>Kept versions cannot be shown right now "
                f"({html.escape(type(exc).__name__)}: {html.escape(str(exc))}).</p>"
            )
            return
        if not versions:
            items = (
                f"<p class='wb-versions-none'>{html.escape(self.spec.messages['no_versions'])}</p>"
            )
        else:
            items = (
                "<ol class='wb-versions'>" + "".join(_version_item(v) for v in versions) + "</ol>"
            )
        self.versions.value = f"<h4>Versions you kept</h4>{items}"

    def _review_html(self, texts: Mapping[str, str]) -> str:
        review, spec = self.review, self.spec
        rows = []
        for part, row in zip(spec.parts, review.parts, strict=True):
            help_text = ""
            if row.status != "ok":
                help_text = (
                    f" <span class='wb-part-help'>{html.escape(part.description)}</span>"
                    f" <span class='wb-part-example'>For example: “{html.escape(part.example)}”</span>"
                )
            rows.append(
                f"<li class='wb-part wb-part-{row.status}'><strong>{html.escape(part.title)}</strong>"
                f" — {html.escape(row.note)}{help_text}</li>"
            )
        out = [f"<ul class='wb-apology-parts'>{''.join(rows)}</ul>"]
        titles = {p.id: p.title for p in spec.parts}
        if review.deflections:
            items = "".join(
                f"<li class='wb-deflection wb-deflection-{html.escape(d.kind)}'>"
                f"In <strong>{html.escape(titles[d.part_id])}</strong>: "
                f"<q class='wb-flag-text'>{html.escape(d.text)}</q> "
                f"<span class='wb-deflection-label'>({html.escape(d.label)})</span>"
                f"<p class='wb-flag-why'>{html.escape(d.why)}</p></li>"
                for d in review.deflections
            )
            out.append(f"<ul class='wb-deflections'>{items}</ul>")
        elif any(t.strip() for t in texts.values()):
            out.append(
                f"<p class='wb-apology-clear'>{html.escape(spec.messages['no_deflections'])}</p>"
            )
        if review.complete:
            out.append(f"<p class='wb-apology-ready'>{html.escape(spec.messages['all_parts'])}</p>")
        out.append(self._other_flags(texts))
        return "".join(out)

    def _other_flags(self, texts: Mapping[str, str]) -> str:
        # The message checker's other notes (blame, pressure, self-harm words…), per part, without
        # repeating what the review above already says.
        found: dict[str, list[tuple[int, int]]] = {}
        for d in self.review.deflections:
            found.setdefault(d.part_id, []).append((d.start, d.end))
        out = []
        for part in self.spec.parts:
            spans = found.get(part.id, [])
            flags: list[Flag] = [
                f
                # Rules only: the review runs on every keystroke in the kernel's main thread, and
                # the learned model there would hold up the typing (and the save when leaving).
                for f in rule_flags_in_draft(texts.get(part.id, ""))
                if f.kind not in COVERED_KINDS
                and not any(f.start < end and start < f.end for start, end in spans)
            ]
            if flags:
                out.append(
                    f"<div class='wb-apology-flags'><p>In <strong>{html.escape(part.title)}</strong>:</p>"
                    f"{flags_html(flags)}</div>"
                )
        out.append(f"<p class='wb-feedback-limits'>{html.escape(limits_note())}</p>")
        return "".join(out)

    def _html(self, css: str) -> widgets.HTML:
        return self.look.html("", css)

    def _say(self, message: str, *, error: bool = False) -> None:
        css = "wb-status-error" if error else "wb-status-ok"
        self.status.value = f"<span class='{css}' role='status'>{html.escape(message)}</span>"

    def _changed(self, _change: dict[str, Any]) -> None:
        if rules_ready():
            self.update()
        else:
            # Compiling the rules takes about half a second: off the kernel's main thread, so the
            # keystrokes behind this one (and a save when the page is left) are not held up.
            run_soon(self.update)


def _version_item(answer: Answer) -> str:
    return (
        f"<li><time datetime='{html.escape(answer.saved_at)}'>{_local_time(answer.saved_at)}</time>"
        f"<blockquote class='wb-apology-text'>{html.escape(answer.value)}</blockquote></li>"
    )


def _local_time(iso: str) -> str:
    return html.escape(datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M"))


# --- loading and validating data/apology.json -------------------------------------------------


@cache
def load_apology() -> ApologySpec:
    """Load and validate `data/apology.json` (raises ContentError naming file, field and problem)."""
    path = data_dir() / APOLOGY_FILE
    return parse_apology(read_json(path), path.name)


def parse_apology(raw: Any, file: str = APOLOGY_FILE) -> ApologySpec:
    """Validate raw apology data and build the spec (raises ContentError on the first problem)."""
    doc = data_object(raw, file, "document")
    check_schema_version(doc, file, SCHEMA_VERSION)
    step_id = data_text(doc, "step_id", file, "step_id")
    intro = data_text(doc, "intro", file, "intro")
    examples_raw = data_object(doc.get("examples"), file, "examples")
    examples = {
        k: data_text(examples_raw, k, file, f"examples.{k}") for k in ("poor", "real", "difference")
    }
    parts = tuple(
        _part(p, file, f"parts[{n}]", step_id) for n, p in enumerate(_list(doc, "parts", file))
    )
    _unique([p.id for p in parts], file, "parts", "id")
    _unique([p.item_id for p in parts], file, "parts", "item_id")
    sorry_only = _pattern(data_text(doc, "sorry_only", file, "sorry_only"), file, "sorry_only")
    messages_raw = data_object(doc.get("messages"), file, "messages")
    if set(messages_raw) != MESSAGE_KEYS:
        missing = sorted(MESSAGE_KEYS - set(messages_raw))
        unknown = sorted(set(messages_raw) - MESSAGE_KEYS)
        raise ContentError(file, "messages", f"missing {missing}, unknown {unknown}")
    messages = {k: data_text(messages_raw, k, file, f"messages.{k}") for k in sorted(MESSAGE_KEYS)}
    rules = tuple(
        _rule(r, file, f"deflections[{n}]") for n, r in enumerate(_list(doc, "deflections", file))
    )
    _unique([r.id for r in rules], file, "deflections", "id")
    return ApologySpec(step_id, intro, examples, parts, sorry_only, messages, rules)


def _part(raw: Any, file: str, where: str, step_id: str) -> Part:
    obj = data_object(raw, file, where)
    item_id = data_text(obj, "item_id", file, f"{where}.item_id")
    try:
        item = load_guide().form_item(step_id, item_id)
    except KeyError:
        raise ContentError(
            file, f"{where}.item_id", f"{step_id}/{item_id} is not in the guide"
        ) from None
    if item.kind != "text":
        raise ContentError(file, f"{where}.item_id", f"{item_id} is a {item.kind} item, not text")
    min_words = obj.get("min_words")
    if type(min_words) is not int or min_words < 1:
        raise ContentError(file, f"{where}.min_words", "must be a whole number of at least 1")
    return Part(
        id=data_text(obj, "id", file, f"{where}.id"),
        item_id=item_id,
        title=data_text(obj, "title", file, f"{where}.title"),
        description=data_text(obj, "description", file, f"{where}.description"),
        example=data_text(obj, "example", file, f"{where}.example"),
        min_words=min_words,
    )


def _rule(raw: Any, file: str, where: str) -> DeflectionRule:
    obj = data_object(raw, file, where)
    sources = _list(obj, "patterns", file, where)
    patterns = []
    for n, source in enumerate(sources):
        if not isinstance(source, str) or not source:
            raise ContentError(file, f"{where}.patterns[{n}]", "must be a non-empty string")
        patterns.append(_pattern(source, file, f"{where}.patterns[{n}]"))
    return DeflectionRule(
        id=data_text(obj, "id", file, f"{where}.id"),
        label=data_text(obj, "label", file, f"{where}.label"),
        patterns=tuple(patterns),
        why=data_text(obj, "why", file, f"{where}.why"),
    )


def _list(obj: dict[str, Any], key: str, file: str, where: str = "") -> list[Any]:
    value = obj.get(key)
    name = f"{where}.{key}" if where else key
    if not isinstance(value, list) or not value:
        raise ContentError(file, name, "must be a non-empty list")
    return value


def _pattern(source: str, file: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(source, re.IGNORECASE)
    except re.error as exc:
        raise ContentError(file, where, f"bad pattern: {exc}") from None


def _unique(values: list[str], file: str, where: str, key: str) -> None:
    seen: set[str] = set()
    for n, value in enumerate(values):
        if value in seen:
            raise ContentError(file, f"{where}[{n}].{key}", f"{value!r} appears twice")
        seen.add(value)
