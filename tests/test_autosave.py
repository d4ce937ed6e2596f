"""The debouncer behind autosave: one save after a burst, never later than max_wait, cancellable."""

from __future__ import annotations

import threading
import time

from workbook.autosave import Debouncer


def _recorder() -> tuple[list[float], threading.Event, Debouncer]:
    calls: list[float] = []
    fired = threading.Event()

    def action() -> None:
        calls.append(time.monotonic())
        fired.set()

    return calls, fired, Debouncer(action, delay=0.2, max_wait=0.6)


def test_a_burst_of_changes_saves_once() -> None:
    calls, fired, debouncer = _recorder()
    for _ in range(5):
        debouncer.poke()
        time.sleep(0.02)
    assert fired.wait(2)
    time.sleep(0.4)
    assert len(calls) == 1
    assert not debouncer.pending


def test_continuous_changes_still_save_within_max_wait() -> None:
    calls, _fired, debouncer = _recorder()
    start = time.monotonic()
    while time.monotonic() - start < 1.5:
        debouncer.poke()
        time.sleep(0.05)
    debouncer.cancel()
    assert len(calls) >= 2, "typing without pause must still save periodically"


def test_cancel_drops_the_pending_save() -> None:
    calls, _fired, debouncer = _recorder()
    debouncer.poke()
    debouncer.cancel()
    time.sleep(0.4)
    assert calls == []
