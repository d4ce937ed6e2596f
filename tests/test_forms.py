"""Item kind → widget mapping: the right widget, labelled with the item's text, values encoded both ways."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from workbook.content import FormItem, Option, Scale, load_guide
from workbook.forms import (
    LABELLED,
    WIDGET_FOR_KIND,
    Look,
    build_field,
    decode,
    empty_value,
    encode,
)

CHECK = FormItem("step-01", "killers.arguing", "check", "Constant arguing")
TEXT = FormItem("step-01", "reflect.my-part", "text", "What part did I play?")
RATING = FormItem(
    "step-06", "trust.show-up", "rating", "Show up", scale=Scale(0, 4, ("a", "b", "c", "d", "e"))
)
PLAIN_RATING = FormItem("step-02", "check-in.calm", "rating", "Calm?", scale=Scale(0, 10))
CHOICE = FormItem(
    "intro", "where.stage", "choice", "Where?", options=(Option("a", "A"), Option("b", "B"))
)


def test_mapping_covers_every_kind_in_the_guide() -> None:
    kinds = {i.kind for s in load_guide().sections for i in s.form_items}
    assert kinds == set(WIDGET_FOR_KIND)


@pytest.mark.parametrize(
    ("item", "widget_type"),
    [
        (CHECK, widgets.Checkbox),
        (TEXT, widgets.Textarea),
        (RATING, widgets.ToggleButtons),
        (CHOICE, widgets.RadioButtons),
    ],
)
def test_each_kind_gets_its_widget(item: FormItem, widget_type: type) -> None:
    field = build_field(item)
    assert isinstance(field.input, widget_type)
    assert field.input.value == empty_value(item)


def test_checkbox_is_labelled_with_the_item_text_unescaped_as_plain_text() -> None:
    field = build_field(CHECK)
    assert field.input.description == "Constant arguing"
    assert field.input.description_allow_html is False


@pytest.mark.parametrize("kind", ["text", "rating", "choice"])
def test_prompts_of_other_kinds_are_the_widgets_own_plain_text_label(kind: str) -> None:
    item = FormItem(
        "s", "e.i", kind, "<b>bold</b> & more", scale=Scale(0, 4), options=(Option("a", "A"),)
    )
    field = build_field(item)
    assert field.parts == (field.input,)  # no separate label widget
    assert field.input.description == "<b>bold</b> & more"
    assert field.input.description_allow_html is False  # shown as text, never as markup
    assert field.input.tooltip == ""  # an unset one shows as "null" on hover
    assert LABELLED in field.input._dom_classes


def test_textarea_updates_continuously() -> None:
    assert build_field(TEXT).input.continuous_update is True


def test_rating_offers_every_point_with_its_label() -> None:
    assert build_field(RATING).input.options == (("a", 0), ("b", 1), ("c", 2), ("d", 3), ("e", 4))
    assert [v for _label, v in build_field(PLAIN_RATING).input.options] == list(range(11))


@pytest.mark.parametrize(
    ("item", "value", "encoded"),
    [
        (CHECK, True, ("true", 1.0)),
        (CHECK, False, ("false", 0.0)),
        (TEXT, "I was 😀 <script>", ("I was 😀 <script>", None)),
        (RATING, 3, ("3", 3.0)),
        (CHOICE, "b", ("b", 1.0)),
    ],
)
def test_encode_and_decode_round_trip(
    item: FormItem, value: object, encoded: tuple[str, float | None]
) -> None:
    assert encode(item, value) == encoded
    assert decode(item, encoded[0]) == value


def test_unanswered_rating_and_choice_encode_to_nothing() -> None:
    assert encode(RATING, None) is None
    assert encode(CHOICE, None) is None


@pytest.mark.parametrize(("item", "stored"), [(RATING, "9"), (RATING, "x"), (CHOICE, "gone")])
def test_stored_values_that_no_longer_fit_decode_to_no_answer(item: FormItem, stored: str) -> None:
    assert decode(item, stored) is None


def test_every_item_of_the_guide_builds() -> None:
    items = [i for s in load_guide().sections for i in s.form_items]
    assert len(items) > 100
    for item in items:
        build_field(item)


def test_the_look_makes_a_shared_layout_or_style_only_when_a_widget_uses_it() -> None:
    look = Look()
    first = look.html("a", "wb-one")
    second = look.html("b")
    assert first.layout is second.layout is look.auto_width
    assert first.style is second.style is look.html_style
    assert set(vars(look)) == {"auto_width", "html_style"}


def test_css_classes_are_part_of_the_new_widget_not_a_later_change() -> None:
    look = Look()
    assert look.html("a", "wb-one", "wb-two")._dom_classes == ("wb-one", "wb-two")
    assert look.button("Go", "wb-go", button_style="primary")._dom_classes == ("wb-go",)
    item = load_guide().section("step-01").form_items[0]
    assert build_field(item, look).input._dom_classes == (f"wb-{item.kind}",)
