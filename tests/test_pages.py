"""Page order and names come from the content."""

from __future__ import annotations

from workbook.pages import all_pages, neighbours, page


def test_pages_follow_the_guide_order() -> None:
    pages = all_pages()
    assert pages[0].filename == "00_start.ipynb"
    assert pages[1].filename == "01_intro.ipynb"
    assert pages[2].filename == "02_step-01.ipynb" and pages[2].nav_title.startswith("Step 1: ")
    assert [p.id for p in pages[-5:]] == ["final", "checkin", "progress", "backup", "counselor"]


def test_neighbours_at_the_ends_and_in_the_middle() -> None:
    assert neighbours("start") == (None, page("intro"))
    previous, following = neighbours("step-05")
    assert previous is not None and previous.id == "step-04"
    assert following is not None and following.id == "step-06"
    assert neighbours("counselor")[1] is None
    assert neighbours("backup")[1] == page("counselor")
