"""Build ipywidgets from content items, one small mapping from item kind to widget and codec."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import ipywidgets as widgets
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from workbook.content import FormItem

LABELLED = "wb-labelled"
# A prompt is its widget's own <label> (ipywidgets' description), which screen readers tie to the
# box and which costs no widget of its own. ipywidgets puts a description beside the control, cut
# to 80px; these rules put it above the control, whole. The page's frame carries them, so they
# apply in JupyterLab as well as in the app.
LABEL_CSS = (
    ".widget-inline-hbox.wb-labelled{flex-direction:column;align-items:stretch;height:auto;"
    "margin-bottom:0.6em}"
    ".widget-inline-hbox.wb-labelled>.widget-label{width:auto;max-width:none;height:auto;"
    "white-space:normal;overflow:visible;text-align:left;line-height:1.4;padding:0;"
    "margin:0 0 0.3em;font-weight:500}"
    ".wb-labelled.widget-toggle-buttons,.wb-labelled.widget-radio,"
    ".wb-labelled.widget-datepicker{align-items:flex-start}"
    ".wb-labelled .wb-hint{display:block;font-weight:400;font-size:0.92em;color:#555}"
    ".wb-labelled .wb-required{font-weight:400;color:#555}"
)


def labelled(prompt: str, *classes: str, allow_html: bool = False) -> dict[str, Any]:
    """Traits that make `prompt` the widget's own label, for a widget with these CSS classes.

    A plain prompt is shown as text; with `allow_html` the caller must have escaped it.
    """
    return {
        "description": prompt,
        "description_allow_html": allow_html,
        "tooltip": "",  # an unset tooltip shows as a "null" tooltip on the label of button groups
        "_dom_classes": (*classes, LABELLED),
    }


class Look:
    """Layouts and styles shared by the widgets of one page: one model each instead of one per widget.

    Each is made when a widget first uses it: every model costs the page time to send and draw.
    """

    @cached_property
    def full_width(self) -> widgets.Layout:
        """The whole width of the page."""
        return widgets.Layout(width="100%")

    @cached_property
    def auto_width(self) -> widgets.Layout:
        """As wide as the content, at most the page."""
        return widgets.Layout(width="auto", max_width="100%")

    @cached_property
    def plain(self) -> widgets.Layout:
        """No layout of its own: for rows and buttons (never change it, every user would change)."""
        return widgets.Layout()

    @cached_property
    def button_style(self) -> widgets.ButtonStyle:
        """Buttons."""
        return widgets.ButtonStyle()

    @cached_property
    def check_style(self) -> CheckboxStyle:
        """Checkboxes whose label takes the room it needs."""
        return CheckboxStyle(description_width="initial")

    @cached_property
    def text_style(self) -> TextStyle:
        """Text boxes."""
        return TextStyle()

    @cached_property
    def rating_style(self) -> widgets.ToggleButtonsStyle:
        """Rating buttons as wide as their labels."""
        return widgets.ToggleButtonsStyle(button_width="auto")

    @cached_property
    def choice_style(self) -> DescriptionStyle:
        """Radio buttons and dropdowns."""
        return DescriptionStyle()

    @cached_property
    def html_style(self) -> HTMLStyle:
        """HTML blocks."""
        return HTMLStyle()

    def html(self, value: str, *classes: str) -> widgets.HTML:
        """An HTML widget with these CSS classes, using the shared layout and style."""
        return widgets.HTML(
            value, layout=self.auto_width, style=self.html_style, _dom_classes=classes
        )

    def button(self, description: str, *classes: str, **traits: Any) -> widgets.Button:
        """A button with these CSS classes, using the shared layout and style."""
        return widgets.Button(
            description=description,
            layout=self.plain,
            style=self.button_style,
            _dom_classes=classes,
            **traits,
        )

    def row(self, children: list[widgets.Widget]) -> widgets.HBox:
        """Widgets side by side, using the shared layout."""
        return widgets.HBox(children, layout=self.plain)


@dataclass(frozen=True)
class Field:
    """The widgets for one item: `parts` are shown in order, `input` holds the value."""

    item: FormItem
    input: widgets.ValueWidget
    parts: tuple[widgets.Widget, ...]


def _checkbox(item: FormItem, look: Look) -> Field:
    box = widgets.Checkbox(
        value=False,
        description=item.prompt,
        indent=False,
        layout=look.auto_width,
        style=look.check_style,
        _dom_classes=("wb-check",),
    )
    return Field(item, box, (box,))


def _textarea(item: FormItem, look: Look) -> Field:
    area = widgets.Textarea(
        value="",
        placeholder="Write here…",
        continuous_update=True,
        rows=4,
        layout=look.full_width,
        style=look.text_style,
        **labelled(item.prompt, "wb-text"),
    )
    return Field(item, area, (area,))


def _rating(item: FormItem, look: Look) -> Field:
    scale = item.scale
    assert scale is not None
    points = range(scale.min, scale.max + 1)
    labels = scale.labels or tuple(str(n) for n in points)
    buttons = widgets.ToggleButtons(
        options=list(zip(labels, points, strict=True)),
        value=None,
        layout=look.auto_width,
        style=look.rating_style,
        **labelled(item.prompt, "wb-rating"),
    )
    return Field(item, buttons, (buttons,))


def _choice(item: FormItem, look: Look) -> Field:
    radio = widgets.RadioButtons(
        options=[(o.text, o.id) for o in item.options],
        value=None,
        layout=look.auto_width,
        style=look.choice_style,
        **labelled(item.prompt, "wb-choice"),
    )
    return Field(item, radio, (radio,))


WIDGET_FOR_KIND: dict[str, Callable[[FormItem, Look], Field]] = {
    "check": _checkbox,
    "text": _textarea,
    "rating": _rating,
    "choice": _choice,
}


def build_field(item: FormItem, look: Look | None = None) -> Field:
    """The widgets for one item, chosen by its kind."""
    return WIDGET_FOR_KIND[item.kind](item, look or Look())


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
