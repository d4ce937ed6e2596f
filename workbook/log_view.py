"""A log page: an entry form generated from the log's fields, recent entries as a table, a chart."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from typing import Any

import ipywidgets as widgets

from workbook.forms import Look, labelled
from workbook.live import Watcher
from workbook.logs import (
    ConflictSummary,
    GroundingDay,
    LogBook,
    LogDef,
    LogEntry,
    LogField,
    LogInputError,
    TrustWeek,
    append_entry,
    choices,
    conflict_summary,
    entries,
    grounding_series,
    log_definition,
    suggestion_for,
    trust_consistency_by_week,
    update_field,
)
from workbook.plots import FONT, GRID, TEAL, bar_chart_svg
from workbook.store import Store

ORANGE = "#a4441b"
RECENT = 10
MULTI_HINT = "Choose any that apply (Ctrl or ⌘ + click to choose more than one)."


class LogView:
    """One log: add entries, see the recent ones and a chart; for commitments, mark them later."""

    def __init__(
        self,
        store: Store,
        client_id: str,
        session_id: str,
        log_id: str,
        look: Look | None = None,
        *,
        book: LogBook | None = None,
        recent: int = RECENT,
    ) -> None:
        self.store, self.client_id, self.session_id = store, client_id, session_id
        self.book = book
        self.log = log_definition(log_id, book)
        self.look = look or Look()
        self.recent = recent
        self.entries: list[LogEntry] = []
        self.watcher: Watcher | None = None
        self._resetting = False

        self.inputs: dict[str, Any] = {}
        parts: list[Any] = [
            self.look.html(
                f"<h3 class='wb-log-title'>{html.escape(self.log.title)}</h3>"
                f"<p class='wb-log-intro'>{html.escape(self.log.intro)}</p>"
            )
        ]
        for field in self.log.fields:
            widget = self._input(field)
            self.inputs[field.id] = widget
            parts.append(widget)
        self.add_button = self._button("Add entry", "primary", "wb-log-add")
        self.add_button.on_click(lambda _button: self.add())
        self.status = self.look.html("", "wb-status")
        parts.append(self.look.row([self.add_button, self.status]))

        self.suggestion = self.look.html("", "wb-log-suggestion")
        if self.log.suggestion is not None:
            parts.append(self.suggestion)
            for rule_field in {rule.field for rule in self.log.suggestion.when_any}:
                self.inputs[rule_field].observe(self._rating_changed, names="value")

        self.open_entries = widgets.Dropdown(
            options=[], value=None, layout=self.look.auto_width, style=self.look.choice_style
        )
        self.mark_buttons: dict[str, Any] = {}
        if self.log.follow_up is not None:
            follow = self.log.follow_up
            for option in choices(self.log.field(follow.field)):
                if option.id not in follow.open:
                    button = self._button(option.text, "")
                    button.on_click(lambda _button, value=option.id: self.mark(value))
                    self.mark_buttons[option.id] = button
            parts += [
                self.look.html(f"<h4 class='wb-log-follow-up'>{html.escape(follow.prompt)}</h4>"),
                self.look.row([self.open_entries, *self.mark_buttons.values()]),
            ]

        self.report = self.look.html("", "wb-log-report")
        parts.append(self.report)
        self.widget = widgets.VBox(
            parts, layout=self.look.full_width, _dom_classes=("wb-log", f"wb-log-{self.log.id}")
        )
        self.refresh()

    # ------------------------------------------------------------ actions

    def values(self) -> dict[str, Any]:
        """The form's current values by field id."""
        return {
            field_id: list(w.value) if self.log.field(field_id).kind == "multi" else w.value
            for field_id, w in self.inputs.items()
        }

    def add(self) -> str | None:
        """Save the form as a new entry; return its id, or None (with a message) if it was not saved."""
        values = self.values()
        try:
            entry_id = append_entry(
                self.store, self.client_id, self.session_id, self.log.id, values, book=self.book
            )
        except LogInputError as exc:
            self._show(f"Not saved: {exc}", error=True)
            return None
        except Exception as exc:  # keep what was typed and say what happened
            self._show(
                f"Could not save ({type(exc).__name__}: {exc}). Your entry is still here; "
                "try again.",
                error=True,
            )
            return None
        day = values.get(self.log.date_field)
        when = f" for {day.isoformat()}" if isinstance(day, date) else ""
        self._show(f"Entry added{when}.")
        self.reset()
        self._suggest(values)
        self.refresh()
        return entry_id

    def mark(self, value: str) -> bool:
        """Set the follow-up field of the entry chosen in the dropdown (a new row; the newest wins)."""
        follow = self.log.follow_up
        entry_id = self.open_entries.value
        if follow is None or not entry_id:
            self._show("Choose an open entry first.", error=True)
            return False
        try:
            update_field(
                self.store,
                self.client_id,
                self.session_id,
                self.log.id,
                entry_id,
                follow.field,
                value,
                book=self.book,
            )
        except Exception as exc:
            self._show(f"Could not save ({type(exc).__name__}: {exc}).", error=True)
            return False
        option = self.log.field(follow.field).option(value)
        self._show(f"Marked as “{option.text if option else value}”.")
        self.refresh()
        return True

    def reset(self) -> None:
        """Empty the form for the next entry."""
        self._resetting = True
        try:
            for field_id, widget in self.inputs.items():
                widget.value = self._empty(self.log.field(field_id))
        finally:
            self._resetting = False

    def refresh(self) -> None:
        """Re-read the log from the store: table, chart and the list of open entries."""
        self.entries = entries(self.store, self.client_id, self.log.id, book=self.book)
        self.report.value = report_html(self.log, self.entries, self.recent)
        follow = self.log.follow_up
        if follow is not None:
            open_now = [
                e
                for e in reversed(self.entries)
                if e.values.get(follow.field) in (None, *follow.open)
            ]
            options = [(_entry_label(self.log, e), e.entry_id) for e in open_now]
            current = self.open_entries.value
            self.open_entries.options = options
            ids = [entry_id for _label, entry_id in options]
            self.open_entries.value = current if current in ids else (ids[0] if ids else None)
            self.open_entries.disabled = not options
            for button in self.mark_buttons.values():
                button.disabled = not options

    def watch(self, interval: float = 1.0) -> None:
        """Keep the table and chart current with entries saved elsewhere (another tab)."""
        self.watcher = Watcher(
            lambda: self.store.change_marker(self.client_id, self.log.step_id),
            self.refresh,
            interval,
        )

    # ------------------------------------------------------------ building

    def _input(self, field: LogField) -> Any:
        look = self.look
        label = labelled(self._label(field), f"wb-log-{field.kind}", allow_html=True)
        if field.kind == "rating":
            assert field.scale is not None
            points = range(field.scale[0], field.scale[1] + 1)
            labels = field.scale_labels or tuple(str(n) for n in points)
            return widgets.ToggleButtons(
                options=list(zip(labels, points, strict=True)),
                value=None,
                layout=look.auto_width,
                style=look.rating_style,
                **label,
            )
        if field.kind == "text" and field.rows == 1:
            return widgets.Text(
                value="",
                layout=look.full_width,
                style=look.text_style,
                **label,
            )
        if field.kind == "text":
            return widgets.Textarea(
                value="",
                rows=field.rows,
                layout=look.full_width,
                style=look.text_style,
                **label,
            )
        if field.kind == "date":
            return widgets.DatePicker(
                value=self._empty(field),
                layout=look.auto_width,
                style=look.choice_style,
                **label,
            )
        if field.kind == "yesno":
            return widgets.ToggleButtons(
                options=[(o.text, o.id) for o in choices(field)],
                value=None,
                layout=look.auto_width,
                style=look.rating_style,
                **label,
            )
        if field.kind == "choice":
            return widgets.RadioButtons(
                options=[(o.text, o.id) for o in field.options],
                value=self._empty(field),
                layout=look.auto_width,
                style=look.choice_style,
                **label,
            )
        return widgets.SelectMultiple(
            options=[(o.text, o.id) for o in field.options],
            value=(),
            rows=len(field.options),
            layout=look.full_width,
            style=look.choice_style,
            **label,
        )

    def _empty(self, field: LogField) -> Any:
        if field.kind == "text":
            return ""
        if field.kind == "multi":
            return ()
        if field.kind == "date" and field.id == self.log.date_field:
            return date.today()
        follow = self.log.follow_up
        if follow is not None and field.id == follow.field and follow.open:
            return follow.open[0]
        return None

    def _label(self, field: LogField) -> str:
        # Spans only: the label is a <label> element, which holds no blocks.
        hint = (
            f"<span class='wb-hint'>{html.escape(MULTI_HINT)}</span>"
            if field.kind == "multi"
            else ""
        )
        required = " <span class='wb-required'>(required)</span>" if field.required else ""
        return f"<span class='wb-prompt'>{html.escape(field.label)}</span>{required}{hint}"

    def _button(self, description: str, style: str, *classes: str) -> Any:
        return widgets.Button(
            description=description,
            button_style=style,
            layout=self.look.auto_width,
            style=self.look.button_style,
            _dom_classes=classes,
        )

    def _rating_changed(self, _change: dict[str, Any]) -> None:
        if not self._resetting:
            self._suggest(self.values())

    def _suggest(self, values: dict[str, Any]) -> None:
        text = suggestion_for(self.log, values)
        self.suggestion.value = (
            ""
            if text is None
            else f"<div class='wb-suggestion' role='note'><strong>Pause.</strong> "
            f"{html.escape(text)}</div>"
        )

    def _show(self, message: str, *, error: bool = False) -> None:
        css = "wb-status-error" if error else "wb-status-ok"
        self.status.value = f"<span class='{css}' role='status'>{html.escape(message)}</span>"


# ---------------------------------------------------------------- table and charts


def report_html(log: LogDef, items: Sequence[LogEntry], recent: int = RECENT) -> str:
    """The log's chart, a one-line summary, and its most recent entries as an escaped table."""
    chart, summary = "", ""
    if log.id == "grounding":
        calm, urge = log.field("calm"), log.field("urge")
        chart = grounding_chart_svg(
            grounding_series(items), calm.scale or (0, 10), calm.heading, urge.heading
        )
    elif log.id == "trust":
        weeks = trust_consistency_by_week(items)
        chart = trust_chart_svg(weeks)
        due = sum(w.due - w.open for w in weeks)
        kept = sum(w.kept for w in weeks)
        summary = f"Kept {kept} of {due} commitments marked so far." if due else ""
    elif log.id == "conflict":
        result = conflict_summary(items, log)
        chart = conflict_chart_svg(result, log)
        summary = _conflict_line(result, log)
    head = [log.field(log.date_field), *(f for f in log.fields if f.id != log.date_field)]
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell_text(f, e.values.get(f.id)))}</td>" for f in head)
        + "</tr>"
        for e in list(reversed(items))[:recent]
    )  # fmt: skip
    headings = "".join(f"<th scope='col'>{html.escape(f.heading)}</th>" for f in head)
    table = (
        f"<table class='wb-log-table'><caption>Most recent entries ({min(len(items), recent)} "
        f"of {len(items)})</caption><tr>{headings}</tr>{rows}</table>"
        if items
        else "<p class='wb-log-empty'>No entries yet.</p>"
    )
    note = f"<p class='wb-log-summary'>{html.escape(summary)}</p>" if summary else ""
    return f"<div class='wb-charts'>{chart}</div>{note}{table}"


def cell_text(field: LogField, value: Any) -> str:
    """A decoded value as plain text for a table cell (not yet escaped)."""
    if value is None:
        return ""
    if field.kind == "multi":
        return "; ".join(o.label for o in field.options if o.id in value)
    if field.kind in ("choice", "yesno"):
        option = next((o for o in choices(field) if o.id == value), None)
        return option.label if option else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def grounding_chart_svg(
    days: Sequence[GroundingDay],
    scale: tuple[int, int] = (0, 10),
    calm_label: str = "Calm",
    urge_label: str = "Urge",
    title: str = "Calm and urge to reach out, per day (daily mean)",
) -> str:
    """A line chart of the daily mean calm (solid) and urge (dashed) over the days logged."""
    width, height, left, right, top, bottom = 520, 210, 34, 500, 48, 180
    parts = [_title(title)]
    if not days:
        return _svg(width, height, title, [*parts, _empty_note(width, "No check-ins yet")])
    low, high = scale
    first, last = days[0].day, days[-1].day
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        if first == last:
            return (left + right) / 2
        return left + (right - left) * (day - first).days / span

    def y(value: float) -> float:
        return bottom - (bottom - top) * (value - low) / (high - low)

    for tick in (low, (low + high) / 2, high):
        parts.append(
            f"<line x1='{left}' y1='{y(tick):.1f}' x2='{right}' y2='{y(tick):.1f}' stroke='{GRID}'/>"
            f"<text x='{left - 6}' y='{y(tick) + 4:.1f}' text-anchor='end' {FONT}>{tick:g}</text>"
        )
    series = (
        (calm_label, [(d.day, d.calm) for d in days], TEAL, ""),
        (urge_label, [(d.day, d.urge) for d in days], ORANGE, " stroke-dasharray='6 4'"),
    )
    for index, (label, points, colour, dash) in enumerate(series):
        known = [(day, value) for day, value in points if value is not None]
        coords = " ".join(f"{x(day):.1f},{y(value):.1f}" for day, value in known)
        if len(known) > 1:
            parts.append(
                f"<polyline points='{coords}' fill='none' stroke='{colour}' stroke-width='2'{dash}/>"
            )
        for day, value in known:
            parts.append(
                f"<circle cx='{x(day):.1f}' cy='{y(value):.1f}' r='3' fill='{colour}'>"
                f"<title>{day.isoformat()}: {html.escape(label)} {value:.1f}</title></circle>"
            )
        lx = left + index * 110
        parts.append(
            f"<line x1='{lx}' y1='30' x2='{lx + 22}' y2='30' stroke='{colour}' stroke-width='2'{dash}/>"
            f"<text x='{lx + 28}' y='34' {FONT}>{html.escape(label)}</text>"
        )
    labels = {first, last, first + (last - first) / 2} if first != last else {first}
    for day in sorted(labels):
        parts.append(
            f"<text x='{x(day):.1f}' y='{bottom + 20}' text-anchor='middle' {FONT}>"
            f"{day.strftime('%d %b')}</text>"
        )
    return _svg(width, height, title, parts)


def trust_chart_svg(
    weeks: Sequence[TrustWeek],
    title: str = "Commitments kept, by the week they were due",
    last: int = 12,
) -> str:
    """Columns for the last `last` ISO weeks with commitments due: the share kept, as a percentage."""
    shown = list(weeks)[-last:]
    left, top, bottom, step = 40, 40, 160, 44
    width, height = max(360, left + step * len(shown) + 10), 190
    parts = [_title(title)]
    if not shown:
        return _svg(width, height, title, [*parts, _empty_note(width, "No commitments yet")])
    for percent in (0, 50, 100):
        y = bottom - (bottom - top) * percent / 100
        parts.append(
            f"<line x1='{left}' y1='{y:.1f}' x2='{width - 10}' y2='{y:.1f}' stroke='{GRID}'/>"
            f"<text x='{left - 6}' y='{y + 4:.1f}' text-anchor='end' {FONT}>{percent}%</text>"
        )
    for index, week in enumerate(shown):
        bar = (bottom - top) * week.share
        x = left + index * step
        parts.append(
            f"<rect x='{x + 6}' y='{bottom - bar:.1f}' width='{step - 12}' height='{bar:.1f}' "
            f"fill='{TEAL}'><title>{week.week}: {week.kept} of {week.due} kept"
            f"{f', {week.open} not marked yet' if week.open else ''}</title></rect>"
            f"<text x='{x + step / 2}' y='{bottom - bar - 4:.1f}' text-anchor='middle' {FONT}>"
            f"{round(week.share * 100)}%</text>"
            f"<text x='{x + step / 2}' y='{bottom + 16}' text-anchor='middle' {FONT}>"
            f"{week.week[-3:]}</text>"
        )
    return _svg(width, height, title, parts)


def conflict_chart_svg(summary: ConflictSummary, log: LogDef, title: str = "") -> str:
    """Bars: the share of logged conflicts in which each of Step 8's rules was kept."""
    noun = "conflict" if summary.count == 1 else "conflicts"
    title = title or f"How often each rule was kept ({summary.count} {noun} logged)"
    if not summary.count:
        return _svg(520, 80, title, [_title(title), _empty_note(520, "No conflicts yet", 50)])
    rules = log.field("rules").options
    return bar_chart_svg(
        [o.label for o in rules], [summary.rules_kept.get(o.id, 0.0) for o in rules], title
    )


def _conflict_line(summary: ConflictSummary, log: LogDef) -> str:
    if not summary.count:
        return ""
    parts = [f"{summary.count} logged"]
    if summary.breaks_taken is not None:
        parts.append(f"a break taken in {round(summary.breaks_taken * 100)}% of them")
    phrase = log.field("phrase")
    helped = [
        f"{o.label} ×{summary.phrases[o.id]}"
        for o in phrase.options
        if summary.phrases.get(o.id) and o.id not in ("none", "other")
    ]
    helped += [f"“{text}” ×{n}" for text, n in summary.other_phrases.items()]
    if helped:
        parts.append("phrases that helped: " + ", ".join(helped))
    return "; ".join(parts) + "."


def _entry_label(log: LogDef, entry: LogEntry) -> str:
    # Dropdown labels are shown as plain text by the browser: no HTML escaping here.
    texts = [
        str(entry.values.get(f.id, "")).strip()
        for f in log.fields
        if f.kind == "text" and f.required
    ]
    text = " ".join(" ".join(texts).split())
    if len(text) > 60:
        text = text[:59] + "…"
    return f"{entry.date.isoformat()} · {text}"


def _title(title: str) -> str:
    return f"<text x='4' y='16' font-weight='600' {FONT}>{html.escape(title)}</text>"


def _empty_note(width: float, text: str, y: float = 100) -> str:
    return f"<text x='{width / 2}' y='{y}' text-anchor='middle' {FONT}>{html.escape(text)}</text>"


def _svg(width: float, height: float, title: str, parts: list[str]) -> str:
    label = html.escape(title, quote=True)
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' width='100%' "
        f"style='max-width:{width}px' role='img' aria-label='{label}'><title>{label}</title>"
        + "".join(parts)
        + "</svg>"
    )
