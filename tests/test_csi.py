"""CSI-4 check-in: four items scored 0–21, once per session, cut-off 13.5, scores over sessions."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from workbook.csi import STEP_ID, CsiView, instrument, interpretation, session_scores
from workbook.store import Store


def fill(view: CsiView, values: list[int]) -> None:
    for field, value in zip(view.fields.values(), values, strict=True):
        field.input.value = value


def test_instrument_has_four_items_scored_0_to_21_with_the_published_cut_off() -> None:
    inst = instrument()
    assert len(inst.items) == 4 and inst.maximum == 21 and inst.threshold == 13.5
    assert [i.scale.max for i in inst.items if i.scale] == [6, 5, 5, 5]
    assert inst.items[0].prompt.startswith("Please indicate the degree of happiness")
    assert "Funk" in inst.citation and "10.1037/0893-3200.21.4.572" in inst.citation


@pytest.mark.parametrize(("total", "below"), [(13, True), (14, False), (21, False), (0, True)])
def test_interpretation_uses_the_cut_off(total: int, below: bool) -> None:
    assert ("below 13.5" in interpretation(total)) is below


def test_saving_a_session_scores_it_and_charts_it(db: Path) -> None:
    view = CsiView(Store(), "me", "2026-11-01")
    fill(view, [3, 3, 3, 3])
    assert view.save() == 4
    assert session_scores(Store(), "me") == [("2026-11-01", 12)]
    assert "12 of 21" in view.result.value and "below 13.5" in view.result.value
    svg = view.result.value[view.result.value.index("<svg") : view.result.value.index("</svg>") + 6]
    ET.fromstring(svg)
    rows = Store().history_frame()
    assert set(rows["step_id"]) == {STEP_ID} and set(rows["kind"]) == {"rating"}


def test_an_incomplete_session_has_no_score(db: Path) -> None:
    view = CsiView(Store(), "me", "s1")
    view.fields[instrument().items[0].item_id].input.value = 5
    view.save()
    assert session_scores(Store(), "me") == []
    assert "Answer all four" in view.result.value


def test_each_session_keeps_its_own_answers_and_the_latest_counts(db: Path) -> None:
    first = CsiView(Store(), "me", "s1")
    fill(first, [6, 5, 5, 5])
    first.save()
    fill(first, [4, 4, 4, 4])
    first.save()
    second = CsiView(Store(), "me", "s2")
    assert [f.input.value for f in second.fields.values()] == [None] * 4
    fill(second, [1, 1, 1, 1])
    second.save()
    assert session_scores(Store(), "me") == [("s1", 16), ("s2", 4)]
    assert [f.input.value for f in CsiView(Store(), "me", "s1").fields.values()] == [4, 4, 4, 4]
    assert session_scores(Store(), "someone-else") == []
