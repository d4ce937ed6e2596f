"""The app server: which notebooks keep a preheated kernel, and closing pages' kernels settling first."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from jupyter_client.multikernelmanager import AsyncMultiKernelManager
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.handler import TornadoVoilaHandler

from workbook.pages import START_FILE, all_pages
from workbook.server import (
    StartPageRedirect,
    WorkbookPageHandler,
    WorkbookShutdownHandler,
    WorkbookVoila,
    pages_to_keep_warm,
    settle_shell,
)

T = TypeVar("T")


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


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on a thread of its own: the browser tests leave an event loop running here."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _shut_down_mid_message(
    tmp_path: Path, *, settle: bool, timeout: float = 10.0
) -> tuple[bool, bool]:
    # A real kernel is part way through a slow message that ends by leaving a mark on disk, as a
    # closing page's last widget change may still be in hand. Shutting down interrupts it first.
    started, done = tmp_path / "started", tmp_path / "done"
    code = f"import time; open({str(started)!r}, 'w').close(); time.sleep(1.0); open({str(done)!r}, 'w').close()"

    async def run() -> bool:
        manager = AsyncMultiKernelManager()
        kernel_id = await manager.start_kernel(kernel_name="python3")
        client = manager.get_kernel(kernel_id).client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            client.execute(code)
            while not started.exists():
                await asyncio.sleep(0.01)
            settled = await settle_shell(manager, kernel_id, timeout) if settle else False
        finally:
            client.stop_channels()
        await manager.shutdown_kernel(kernel_id)
        return settled

    settled = run_async(run())
    return settled, done.exists()


def test_a_kernel_shut_down_at_once_is_interrupted_mid_message(tmp_path: Path) -> None:
    assert _shut_down_mid_message(tmp_path, settle=False) == (False, False)


def test_settling_first_lets_the_kernel_finish_what_it_was_sent(tmp_path: Path) -> None:
    assert _shut_down_mid_message(tmp_path, settle=True) == (True, True)


def test_settling_gives_up_after_its_timeout(tmp_path: Path) -> None:
    assert _shut_down_mid_message(tmp_path, settle=True, timeout=0.2) == (False, False)


def test_settling_an_unknown_kernel_returns_at_once() -> None:
    assert run_async(settle_shell(AsyncMultiKernelManager(), "no-such-kernel")) is False


def test_the_app_serves_its_own_page_and_shutdown_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    voilas = [
        ("/voila/render/(.*)", TornadoVoilaHandler, {"template_paths": []}),
        ("/voila/api/shutdown/(.*)", VoilaShutdownKernelHandler),
        ("/voila/static/(.*)", object),
    ]
    monkeypatch.setattr(Voila, "init_handlers", lambda _self: list(voilas))
    app = WorkbookVoila()
    app.server_url = "/"
    assert app.init_handlers() == [
        ("/", StartPageRedirect),
        ("/voila/render/(.*)", WorkbookPageHandler, {"template_paths": []}),
        ("/voila/api/shutdown/(.*)", WorkbookShutdownHandler),
        ("/voila/static/(.*)", object),
    ]
