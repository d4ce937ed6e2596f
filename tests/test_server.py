"""Which notebooks keep a preheated kernel: the start page plus the requested page's neighbours."""

from __future__ import annotations

import pytest

from workbook.pages import START_FILE, all_pages
from workbook.server import pages_to_keep_warm


def test_a_step_keeps_start_previous_and_next_warm() -> None:
    assert pages_to_keep_warm("02_step-01.ipynb") == {
        "00_start.ipynb",
        "01_intro.ipynb",
        "03_step-02.ipynb",
    }


def test_the_start_page_keeps_itself_and_the_next_warm() -> None:
    assert pages_to_keep_warm("00_start.ipynb") == {"00_start.ipynb", "01_intro.ipynb"}


@pytest.mark.parametrize(
    "name", ["nope.ipynb", "", "../00_start.ipynb", "02_step-01", "voila/render/x.ipynb"]
)
def test_an_unknown_name_keeps_only_the_start_page_warm(name: str) -> None:
    assert pages_to_keep_warm(name) == {START_FILE} == {"00_start.ipynb"}


def test_the_backup_page_keeps_the_progress_page_warm() -> None:
    warm = pages_to_keep_warm("backup.ipynb")
    assert "progress.ipynb" in warm
    assert warm == {"00_start.ipynb", "progress.ipynb", "counselor.ipynb"}


def test_every_page_keeps_at_most_three_warm_and_always_the_start() -> None:
    files = [p.filename for p in all_pages()]
    for index, name in enumerate(files):
        warm = pages_to_keep_warm(name)
        neighbours = set(files[max(0, index - 1) : index + 2]) - {name}
        assert warm == {START_FILE} | neighbours, name
        assert len(warm) <= 3
