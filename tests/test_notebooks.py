"""The committed notebooks: generated from the content, thin, stripped, and linked together."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from workbook.content import load_guide
from workbook.notebooks import expected_notebooks, stale_notebooks, write_notebooks
from workbook.pages import all_pages

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
COMMITTED = sorted(p for p in NOTEBOOKS.glob("*.ipynb"))


def test_committed_notebooks_match_the_content() -> None:
    assert stale_notebooks(NOTEBOOKS) == []


def test_one_notebook_per_page_and_a_start_page() -> None:
    names = {p.name for p in COMMITTED}
    assert set(expected_notebooks()) <= names
    assert "00_start.ipynb" in names
    assert len(all_pages()) == 1 + len(load_guide().sections) + 4


def test_a_changed_notebook_or_changed_content_is_detected(tmp_path: Path) -> None:
    shutil.copytree(NOTEBOOKS, tmp_path / "nb")
    target = tmp_path / "nb" / "02_step-01.ipynb"
    target.write_text(
        target.read_text(encoding="utf-8").replace("Constant arguing", "Arguing"), encoding="utf-8"
    )
    assert stale_notebooks(tmp_path / "nb") == ["02_step-01.ipynb"]
    assert write_notebooks(tmp_path / "nb") == ["02_step-01.ipynb"]
    assert stale_notebooks(tmp_path / "nb") == []


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_notebook_is_thin_and_stripped(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert 1 <= len(code) <= 2
    for cell in code:
        assert cell["outputs"] == [] and cell["execution_count"] is None
        source = "".join(cell["source"])
        assert not re.search(r"^\s*(def|class) ", source, re.M)
        assert len(source.splitlines()) <= 3
    assert "widgets" not in notebook["metadata"]


def test_every_page_is_linked_from_the_start_page_and_links_resolve() -> None:
    start = (NOTEBOOKS / "00_start.ipynb").read_text(encoding="utf-8")
    for page in all_pages()[1:]:
        assert f"]({page.filename})" in start or f'href=\\"{page.filename}\\"' in start, (
            page.filename
        )
    for path in COMMITTED:
        for target in re.findall(
            r'href=\\"([^"\\]+\.ipynb)\\"|\]\(([^)]+\.ipynb)\)', path.read_text(encoding="utf-8")
        ):
            name = next(t for t in target if t)
            assert (NOTEBOOKS / name).exists(), f"{path.name} links to missing {name}"


def test_step_page_shows_the_guide_text_before_its_exercises() -> None:
    notebook = json.loads((NOTEBOOKS / "02_step-01.ipynb").read_text(encoding="utf-8"))
    kinds = [c["cell_type"] for c in notebook["cells"]]
    assert kinds == ["markdown", "code", "markdown", "code"]
    guide_text = "".join(notebook["cells"][2]["source"])
    assert guide_text.startswith("# Step 1: Stop the behaviors that are pushing them away")
    assert "- Constant arguing" in guide_text
    assert 'frame = page.frame("step-01")' in "".join(notebook["cells"][1]["source"])
    assert "frame.exercises()" in "".join(notebook["cells"][3]["source"])
