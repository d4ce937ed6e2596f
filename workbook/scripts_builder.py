"""The guide's practical scripts as fill-in templates: fill the blanks, check the wording, use it."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import ipywidgets as widgets

from workbook import settings
from workbook.checks import check_message
from workbook.content import (
    ContentError,
    check_schema_version,
    data_dir,
    data_object,
    data_text,
    load_guide,
    read_json,
)
from workbook.draft_feedback import render_feedback
from workbook.forms import Look, labelled
from workbook.live import run_later
from workbook.store import Answer, Store, new_answer

TEMPLATES_FILE = "script_templates.json"
SCHEMA_VERSION = 1
MAX_BLANKS = 3
ITEM_KIND = "text"
_BLANK = re.compile(r"\{([^{}]*)\}")
_NAME = re.compile(r"^[a-z][a-z ’']*[a-z]$")


@dataclass(frozen=True)
class Blank:
    """A gap in a script: its name (as written in braces), the question asked, the guide's own words."""

    name: str
    prompt: str
    guide_words: str


@dataclass(frozen=True)
class ScriptTemplate:
    """One of the guide's scripts with blanks; `pieces` alternate fixed text and blank names."""

    id: str
    label: str
    text: str
    blanks: tuple[Blank, ...]
    pieces: tuple[str, ...]
    item_id: str
    prompt: str


@dataclass(frozen=True)
class Templates:
    """Everything `data/script_templates.json` holds, validated."""

    step_id: str
    intro: str
    templates: tuple[ScriptTemplate, ...]

    def get(self, template_id: str) -> ScriptTemplate:
        """The template with this id (KeyError naming the known ids otherwise)."""
        for template in self.templates:
            if template.id == template_id:
                return template
        known = ", ".join(t.id for t in self.templates)
        raise KeyError(f"no script {template_id!r}; the scripts are: {known}")


def fill(template_id: str, words: Mapping[str, str]) -> str:
    """The script with each blank filled by the person's words, taken literally (empty: the guide's)."""
    template = load_templates().get(template_id)
    names = {b.name for b in template.blanks}
    unknown = sorted(set(words) - names)
    if unknown:
        raise KeyError(
            f"script {template_id!r} has no blank {unknown}; its blanks: {sorted(names)}"
        )
    chosen = {
        b.name: " ".join(str(words.get(b.name) or "").split()) or b.guide_words
        for b in template.blanks
    }
    # Fixed text and words are joined, never formatted: braces in the words stay as typed.
    return "".join(chosen[piece] if n % 2 else piece for n, piece in enumerate(template.pieces))


class ScriptBuilder:
    """Per script: a box per blank, the filled script, its wording notes, and "Use as my version"."""

    def __init__(
        self,
        store: Store | None = None,
        client_id: str | None = None,
        session_id: str | None = None,
        look: Look | None = None,
        *,
        on_use: Callable[[Answer], object] | None = None,
    ) -> None:
        self.data = load_templates()
        self.store = store or Store()
        self.client_id = client_id or settings.client_id()
        self.session_id = session_id or settings.session_id()
        self.look = look or Look()
        self.on_use = on_use
        self._lock = threading.Lock()  # first updates may run on a background thread
        self.inputs: dict[str, dict[str, widgets.Text]] = {}
        self.previews: dict[str, widgets.HTML] = {}
        self.feedback: dict[str, widgets.HTML] = {}
        self.buttons: dict[str, widgets.Button] = {}
        self.statuses: dict[str, widgets.HTML] = {}
        boxes = [self._script_box(t) for t in self.data.templates]
        intro = self.look.html(f"<p class='wb-scripts-intro'>{html.escape(self.data.intro)}</p>")
        self.widget = widgets.VBox(
            [intro, *boxes], layout=self.look.full_width, _dom_classes=("wb-scripts",)
        )
        # The notes need the checker's compiled rules: worked out once the page has drawn.
        run_later(self.update_all)

    def words(self, template_id: str) -> dict[str, str]:
        """What the person typed into each blank of a script."""
        return {name: str(box.value or "") for name, box in self.inputs[template_id].items()}

    def filled(self, template_id: str) -> str:
        """The script as it reads now."""
        return fill(template_id, self.words(template_id))

    def update(self, template_id: str) -> None:
        """Show the filled script and the notes on its wording."""
        with self._lock:  # reading the boxes inside: the last to run shows the latest words
            text = self.filled(template_id)
            self.previews[template_id].value = _preview_html(text)
            self.feedback[template_id].value = render_feedback(text, check_message(text))

    def update_all(self) -> None:
        """Show every filled script and the notes on its wording."""
        for template in self.data.templates:
            self.update(template.id)

    def use(self, template_id: str) -> Answer | None:
        """Save the filled script as the person's version of it; return the answer (None on failure)."""
        template = self.data.get(template_id)
        answer = new_answer(
            step_id=self.data.step_id,
            item_id=template.item_id,
            kind=ITEM_KIND,
            prompt=template.prompt,
            value=self.filled(template_id),
            client_id=self.client_id,
            session_id=self.session_id,
        )
        try:
            self.store.append([answer])
        except Exception as exc:  # say what happened; the words stay in the boxes
            self._say(
                template_id,
                f"Could not save ({type(exc).__name__}: {exc}). Your words are still here; try again.",
                error=True,
            )
            return None
        when = datetime.fromisoformat(answer.saved_at).astimezone().strftime("%H:%M")
        self._say(template_id, f"Saved as “{template.prompt}” at {when}.")
        if self.on_use is not None:
            self.on_use(answer)
        return answer

    def _script_box(self, template: ScriptTemplate) -> widgets.VBox:
        heading = self.look.html(f"<h3 class='wb-script-label'>{html.escape(template.label)}</h3>")
        parts: list[widgets.Widget] = [heading]
        self.inputs[template.id] = {}
        for blank in template.blanks:
            box = widgets.Text(
                value="",
                placeholder=blank.guide_words,
                continuous_update=True,
                layout=self.look.full_width,
                style=self.look.text_style,
                **labelled(blank.prompt, "wb-blank"),
            )
            box.observe(_updater(self, template.id), names="value")
            self.inputs[template.id][blank.name] = box
            parts.append(box)
        preview = _preview_html(self.filled(template.id))
        self.previews[template.id] = self.look.html(preview, "wb-script-preview")
        self.feedback[template.id] = self._html("wb-feedback")
        button = self.look.button("Use as my version", "wb-use-script")
        button.on_click(lambda _button: self.use(template.id))
        self.buttons[template.id] = button
        self.statuses[template.id] = self._html("wb-status")
        parts += [
            self.previews[template.id],
            self.feedback[template.id],
            self.look.row([button, self.statuses[template.id]]),
        ]
        return widgets.VBox(parts, layout=self.look.full_width, _dom_classes=("wb-script",))

    def _html(self, css: str) -> widgets.HTML:
        return self.look.html("", css)

    def _say(self, template_id: str, message: str, *, error: bool = False) -> None:
        css = "wb-status-error" if error else "wb-status-ok"
        self.statuses[
            template_id
        ].value = f"<span class='{css}' role='status'>{html.escape(message)}</span>"


def _preview_html(text: str) -> str:
    return f"<blockquote class='wb-script-text'>{html.escape(text)}</blockquote>"


def _updater(builder: ScriptBuilder, template_id: str) -> Callable[[dict[str, Any]], None]:
    return lambda _change: builder.update(template_id)


# --- loading and validating data/script_templates.json ----------------------------------------


@cache
def load_templates() -> Templates:
    """Load and validate `data/script_templates.json` (raises ContentError naming file, field, problem)."""
    path = data_dir() / TEMPLATES_FILE
    return parse_templates(read_json(path), path.name)


def parse_templates(raw: Any, file: str = TEMPLATES_FILE) -> Templates:
    """Validate raw template data and build the templates (raises ContentError on the first problem)."""
    doc = data_object(raw, file, "document")
    check_schema_version(doc, file, SCHEMA_VERSION)
    step_id = data_text(doc, "step_id", file, "step_id")
    exercise_id = data_text(doc, "exercise_id", file, "exercise_id")
    intro = data_text(doc, "intro", file, "intro")
    raw_templates = doc.get("templates")
    if not isinstance(raw_templates, list) or not raw_templates:
        raise ContentError(file, "templates", "must be a non-empty list")
    templates = tuple(
        _template(t, file, f"templates[{n}]", step_id, exercise_id)
        for n, t in enumerate(raw_templates)
    )
    seen: set[str] = set()
    for n, template in enumerate(templates):
        if template.id in seen:
            raise ContentError(file, f"templates[{n}].id", f"{template.id!r} appears twice")
        seen.add(template.id)
    return Templates(step_id, intro, templates)


def _template(raw: Any, file: str, where: str, step_id: str, exercise_id: str) -> ScriptTemplate:
    obj = data_object(raw, file, where)
    template_id = data_text(obj, "id", file, f"{where}.id")
    item_id = f"{exercise_id}.{template_id}"
    try:
        item = load_guide().form_item(step_id, item_id)
    except KeyError:
        raise ContentError(
            file, f"{where}.id", f"{step_id}/{item_id} is not in the guide"
        ) from None
    if item.kind != ITEM_KIND:
        raise ContentError(file, f"{where}.id", f"{item_id} is a {item.kind} item, not text")
    text = data_text(obj, "text", file, f"{where}.text")
    pieces = tuple(_BLANK.split(text))
    for literal in pieces[::2]:
        if "{" in literal or "}" in literal:
            raise ContentError(file, f"{where}.text", "has a brace that does not enclose a blank")
    raw_blanks = obj.get("blanks")
    if not isinstance(raw_blanks, list) or not 1 <= len(raw_blanks) <= MAX_BLANKS:
        raise ContentError(file, f"{where}.blanks", f"must be a list of 1 to {MAX_BLANKS} blanks")
    blanks = tuple(_blank(b, file, f"{where}.blanks[{n}]") for n, b in enumerate(raw_blanks))
    declared = [b.name for b in blanks]
    used = list(pieces[1::2])
    if len(set(declared)) != len(declared):
        raise ContentError(file, f"{where}.blanks", "a blank name appears twice")
    if set(used) != set(declared):
        missing = sorted(set(used) - set(declared))
        unused = sorted(set(declared) - set(used))
        raise ContentError(
            file, f"{where}.text", f"blanks not declared {missing}, declared but not used {unused}"
        )
    return ScriptTemplate(
        id=template_id,
        label=data_text(obj, "label", file, f"{where}.label"),
        text=text,
        blanks=blanks,
        pieces=pieces,
        item_id=item_id,
        prompt=item.prompt,
    )


def _blank(raw: Any, file: str, where: str) -> Blank:
    obj = data_object(raw, file, where)
    name = data_text(obj, "name", file, f"{where}.name")
    if not _NAME.fullmatch(name):
        raise ContentError(file, f"{where}.name", f"{name!r}: use lower-case words and spaces")
    return Blank(
        name=name,
        prompt=data_text(obj, "prompt", file, f"{where}.prompt"),
        guide_words=data_text(obj, "guide_words", file, f"{where}.guide_words"),
    )
