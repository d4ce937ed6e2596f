"""Every page stays within a budget of widget models: each one costs the page time to send and draw."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

from workbook import page
from workbook.pages import START_ID, TOOL_PAGES, all_pages

FRAME_BUDGET = 8  # the live frame on every page: progress, save status, the safety panel's place
PAGE_BUDGET = 70  # everything a page shows; see the page speed section of benchmarks/README.md


def models(shown: list[Any]) -> set[str]:
    """The ids of every widget model the shown widgets need: themselves, children, layouts, styles."""
    found: dict[str, widgets.Widget] = {}
    todo = [w for w in shown if isinstance(w, widgets.Widget)]
    while todo:
        widget = todo.pop()
        if widget.model_id in found:
            continue
        found[widget.model_id] = widget
        for name in widget.keys:
            value = getattr(widget, name)
            values = value if isinstance(value, tuple | list) else (value,)
            todo.extend(v for v in values if isinstance(v, widgets.Widget))
    return set(found)


def build(page_id: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], list[Any]]:
    """What the page's notebook displays: the frame's widgets, then the body's."""
    frame_part: list[Any] = []
    monkeypatch.setattr(page, "display", lambda *objs: frame_part.extend(objs))
    live = page.frame(page_id)
    body: list[Any] = []
    monkeypatch.setattr(page, "display", lambda *objs: body.extend(objs))
    if page_id == START_ID:
        live.start()
    elif page_id in {tool[0] for tool in TOOL_PAGES}:
        getattr(live, page_id)()
    else:
        live.exercises()
    return frame_part, body


@pytest.mark.parametrize("page_id", [p.id for p in all_pages()])
def test_each_page_stays_within_its_model_budget(
    db: Path, monkeypatch: pytest.MonkeyPatch, page_id: str
) -> None:
    monkeypatch.setenv("WORKBOOK_STRICT", "1")
    monkeypatch.delenv("WORKBOOK_ON_BINDER", raising=False)
    frame_part, body = build(page_id, monkeypatch)
    assert len(models(frame_part)) <= FRAME_BUDGET
    assert len(models(frame_part + body)) <= PAGE_BUDGET
