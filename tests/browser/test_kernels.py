"""Kernels do not pile up: pages left behind shut theirs down, and the warm pool stays small."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import NOTEBOOKS, RENDER_TIMEOUT_MS, Server, running_server

pytestmark = pytest.mark.browser

PAGE_VIEWS = 100
MAX_KERNELS = 5


@pytest.fixture(scope="module")
def own_server(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own, so only this test's kernels are counted."""
    with running_server(tmp_path_factory.mktemp("kernels"), "kernels") as running:
        yield running


def test_after_100_page_views_no_more_than_5_kernels_are_alive(
    own_server: Server, make_browsing: Any
) -> None:
    browsing = make_browsing(own_server)
    page = browsing.page
    notebooks = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    started = time.monotonic()
    most = 0
    for view in range(PAGE_VIEWS):
        page.goto(f"{own_server.url}/voila/render/{notebooks[view % len(notebooks)]}")
        page.wait_for_selector(".wb-live-frame", timeout=RENDER_TIMEOUT_MS)
        most = max(most, len(own_server.kernel_pids()))
    elapsed = time.monotonic() - started
    time.sleep(5)
    alive = own_server.kernel_pids()
    print(
        f"\n{PAGE_VIEWS} page views in {elapsed:.0f} s; most kernels seen between views: {most}; "
        f"alive 5 s after the last view: {len(alive)}"
    )
    assert len(alive) <= MAX_KERNELS, (
        f"{len(alive)} kernels alive after {PAGE_VIEWS} page views: {alive}\n"
        + Path(own_server.log).read_text(errors="replace")[-3000:]
    )
