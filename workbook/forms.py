"""Build ipywidgets from content items, one small mapping from item kind to widget and codec."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from workbook.content import FormItem


@dataclass(frozen=True)
class Field:
    """The widgets for one item: `box` is shown, `input` holds the value."""

    item: FormItem
    input: widgets.ValueWidget
    box: widgets.Widget


def _checkbox(item: FormItem) -> Field:
    box = widgets.Checkbox(
        value=False,
        description=item.prompt,
        indent=False,
        layout=widgets.Layout(width="auto", max_width="100%"),
        style={"description_width": "initial"},
    )
    box.add_class("wb-check")
    return Field(item, box, box)


def _textarea(item: FormItem) -> Field:
    area = widgets.Textarea(
        value="",
        placeholder="Write here…",
        continuous_update=True,
        rows=4,
        layout=widgets.Layout(width="100%"),
    )
    area.add_class("wb-text")
    return Field(item, area, _labelled(item, area))


def _rating(item: FormItem) -> Field:
    scale = item.scale
    assert scale is not None
    points = range(scale.min, scale.max + 1)
    labels = scale.labels or tuple(str(n) for n in points)
    buttons = widgets.ToggleButtons(
        options=list(zip(labels, points, strict=True)),
        value=None,
        style={"button_width": "auto"},
    )
    buttons.add_class("wb-rating")
    return Field(item, buttons, _labelled(item, buttons))


def _choice(item: FormItem) -> Field:
    radio = widgets.RadioButtons(
        options=[(o.text, o.id) for o in item.options],
        value=None,
        layout=widgets.Layout(width="auto"),
    )
    radio.add_class("wb-choice")
    return Field(item, radio, _labelled(item, radio))


def _labelled(item: FormItem, control: widgets.Widget) -> widgets.Widget:
    label = widgets.HTML(f"<div class='wb-prompt'>{html.escape(item.prompt)}</div>")
    return widgets.VBox([label, control], layout=widgets.Layout(margin="0 0 0.8em 0"))


WIDGET_FOR_KIND: dict[str, Callable[[FormItem], Field]] = {
    "check": _checkbox,
    "text": _textarea,
    "rating": _rating,
    "choice": _choice,
}


def build_field(item: FormItem) -> Field:
    """The widgets for one item, chosen by its kind."""
    return WIDGET_FOR_KIND[item.kind](item)


def encode(item: FormItem, value: Any) -> tuple[str, float | None] | None:
    """A widget value as the answers table's (value, value_num); None when there is no answer."""
    if item.kind == "check":
        return ("true", 1.0) if value else ("false", 0.0)
    if item.kind == "text":
        return (str(value), None)
    if value is None:
        return None
    if item.kind == "rating":
        return (str(int(value)), float(value))
    ids = [o.id for o in item.options]
    return (str(value), float(ids.index(value)))


def decode(item: FormItem, value: str) -> Any:
    """An answers-table value as the widget value (falls back to 'no answer' if it no longer fits)."""
    if item.kind == "check":
        return value == "true"
    if item.kind == "text":
        return value
    if item.kind == "rating":
        assert item.scale is not None
        try:
            number = int(value)
        except ValueError:
            return None
        return number if item.scale.min <= number <= item.scale.max else None
    return value if value in {o.id for o in item.options} else None


def empty_value(item: FormItem) -> Any:
    """The value a fresh widget of this item holds."""
    return {"check": False, "text": ""}.get(item.kind)
