"""A section's exercises as one form: restore the latest answers, save changes, autosave, show status."""

from __future__ import annotations

import atexit
import html
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import ipywidgets as widgets

from workbook import settings
from workbook.autosave import Debouncer
from workbook.content import Section
from workbook.forms import Field, Look, build_field, decode, empty_value, encode
from workbook.live import Watcher
from workbook.store import Answer, Store, new_answer

AUTOSAVE_DELAY = 0.8  # seconds after the last change before answers are saved


class StepForm:
    """The exercises of one section, bound to the answers store."""

    def __init__(
        self,
        section: Section,
        store: Store | None = None,
        *,
        client_id: str | None = None,
        session_id: str | None = None,
        autosave_delay: float = AUTOSAVE_DELAY,
        autosave_max_wait: float = 1.8,
        status: widgets.HTML | None = None,
        look: Look | None = None,
    ) -> None:
        self.section = section
        self.store = store or Store()
        self.client_id = client_id or settings.client_id()
        self.session_id = session_id or settings.session_id()
        self.look = look or Look()
        self.fields: dict[str, Field] = {
            i.item_id: build_field(i, self.look) for i in section.form_items
        }
        self._saved: dict[str, str] = {}
        self._lock = threading.Lock()
        self._restoring = False
        self.autosave = Debouncer(self.save, autosave_delay, autosave_max_wait)
        self.status = status or self.look.html("", "wb-status")
        self.status.add_class("wb-status")  # a status shared with the page frame has it already
        self.watcher: Watcher | None = None
        self.save_button = self.look.button("Save", "wb-save", button_style="primary")
        self.save_button.on_click(lambda _button: self.save())
        self.restore()
        for field in self.fields.values():
            field.input.observe(self._changed, names="value")
        self.widget = widgets.VBox(
            [*self._exercise_parts(), self.look.row([self.save_button, self.status])],
            layout=self.look.full_width,
            _dom_classes=("wb-form",),
        )
        atexit.register(_save_at_exit, weakref.ref(self))

    def watch(self, interval: float = 1.0) -> None:
        """Keep the form current with answers saved elsewhere (another tab, an earlier page view)."""
        self.watcher = Watcher(
            lambda: self.store.change_marker(self.client_id, self.section.id),
            self.refresh,
            interval,
        )

    def refresh(self) -> None:
        """Take in answers saved elsewhere, except where this form holds unsaved changes."""
        latest = self.store.latest(self.client_id, self.section.id)
        with self._applying_stored():
            for item_id, field in self.fields.items():
                answer = latest.get((self.section.id, item_id))
                saved = self._saved.get(item_id, _nothing(field))
                if answer is None or answer.value == saved:
                    continue
                current = encode(field.item, field.input.value)
                if current is not None and current[0] != saved:
                    continue  # unsaved typing here: it is saved next and becomes the latest
                field.input.value = decode(field.item, answer.value)
                self._saved[item_id] = answer.value

    @contextmanager
    def _applying_stored(self) -> Iterator[None]:
        # Widget changes made here come from the store, not from the person: they must not autosave.
        with self._lock:
            self._restoring = True
            try:
                yield
            finally:
                self._restoring = False

    def restore(self) -> None:
        """Put the latest stored answers into the widgets."""
        latest = self.store.latest(self.client_id, self.section.id)
        with self._applying_stored():
            for item_id, field in self.fields.items():
                answer = latest.get((self.section.id, item_id))
                if answer is None:
                    field.input.value = empty_value(field.item)
                    self._saved.pop(item_id, None)
                else:
                    field.input.value = decode(field.item, answer.value)
                    self._saved[item_id] = answer.value
        mine = [a for (_step, item_id), a in latest.items() if item_id in self.fields]
        if mine:
            newest = max(a.saved_at for a in mine)
            self._show(f"Last saved {_local_time(newest, with_date=True)}")
        else:
            self._show("Nothing saved yet. Your answers save automatically as you go.")

    def unsaved(self) -> list[Answer]:
        """Answers whose widget value differs from what is stored."""
        pending = []
        for item_id, field in self.fields.items():
            encoded = encode(field.item, field.input.value)
            if encoded is None or self._saved.get(item_id, _nothing(field)) == encoded[0]:
                continue
            value, number = encoded
            pending.append(
                new_answer(
                    step_id=self.section.id,
                    item_id=item_id,
                    kind=field.item.kind,
                    prompt=field.item.prompt,
                    value=value,
                    value_num=number,
                    client_id=self.client_id,
                    session_id=self.session_id,
                )
            )
        return pending

    def save(self) -> int:
        """Write every changed answer now; return how many rows were added."""
        self.autosave.cancel()
        with self._lock:
            pending = self.unsaved()
            try:
                added = self.store.append(pending)
            except Exception as exc:  # keep the text in the form and say what happened
                self._show(
                    f"Could not save ({type(exc).__name__}: {exc}). Your text is still here; "
                    "try Save again.",
                    error=True,
                )
                return 0
            for answer in pending:
                self._saved[answer.item_id] = answer.value
        self._show(f"Saved at {_local_time(datetime.now().astimezone().isoformat())}")
        return added

    def values(self) -> dict[str, Any]:
        """The current widget values by item id."""
        return {item_id: f.input.value for item_id, f in self.fields.items()}

    def _changed(self, _change: dict[str, Any]) -> None:
        if self._restoring:
            return  # values coming from the store, not from the person
        if not self.autosave.pending:
            self._show("Saving…")
        self.autosave.poke()

    def _exercise_parts(self) -> list[widgets.Widget]:
        # Each exercise's heading and items straight in the form, without a box per exercise:
        # every box is one more model for the page to send and draw.
        parts: list[widgets.Widget] = []
        for exercise in self.section.exercises:
            heading = f"<h3 class='wb-exercise wb-exercise-{exercise.kind}'>{html.escape(exercise.prompt)}</h3>"
            parts.append(self.look.html(heading))
            parts += [part for i in exercise.items for part in self.fields[i.item_id].parts]
        return parts

    def _show(self, message: str, *, error: bool = False) -> None:
        css = "wb-status-error" if error else "wb-status-ok"
        self.status.value = f"<span class='{css}' role='status'>{html.escape(message)}</span>"


def _save_at_exit(ref: weakref.ReferenceType[StepForm]) -> None:
    # A page closed or navigated away shuts its kernel down: save what is still waiting first.
    form = ref()
    if form is not None and form.autosave.pending:
        form.save()


def _nothing(field: Field) -> str | None:
    # A never-saved item counts as saved with its empty value, so an untouched form writes nothing.
    encoded = encode(field.item, empty_value(field.item))
    return encoded[0] if encoded else None


def _local_time(iso: str, *, with_date: bool = False) -> str:
    moment = datetime.fromisoformat(iso).astimezone()
    return moment.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")
