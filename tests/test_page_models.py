"""Every page stays within a budget of widget models: each one costs the page time to send and draw."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

from workbook import page
from workbook.pages import START_ID, TOOL_PAGES, all_pages

FRAME_BUDGET = 8  # the live frame on every page: progress, save status, the safety panel's place
PAGE_BUDGET = 55  # everything a page shows; see the page speed section of benchmarks/README.md


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
    monkeypatch.setattr(page, "show", frame_part.append)
    live = page.frame(page_id)
    body: list[Any] = []
    monkeypatch.setattr(page, "show", body.append)
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


HEAVY_MODULES = ("numpy", "pandas")  # each costs a cold page 70 ms or more to import
_RUN_PAGES = """
import contextlib, io, json, sys
import ipywidgets
for path in sys.argv[1:]:
    cells = json.loads(open(path, encoding="utf-8").read())["cells"]
    names = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in cells:
            if cell["cell_type"] == "code":
                exec("".join(cell["source"]), names)
    heavy = [m for m in HEAVY if m in sys.modules]
    if heavy:
        print(path, heavy)
        break
"""


def test_drawing_a_page_imports_neither_numpy_nor_pandas(tmp_path: Path) -> None:
    # In a fresh process (this one has them loaded): the checker's model and the counselor's tables
    # load them only when used, not while a page is drawn.
    notebooks = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
    script = f"HEAVY = {HEAVY_MODULES!r}\n" + _RUN_PAGES
    env = {**os.environ, "WORKBOOK_DB": str(tmp_path / "answers.sqlite3")}
    result = subprocess.run(
        [sys.executable, "-c", script, *map(str, notebooks)],
        capture_output=True, text=True, env=env, timeout=300, check=True,
    )  # fmt: skip
    assert result.stdout == "", result.stdout
