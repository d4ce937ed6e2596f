"""The store watcher: reacts once per change made by any Store instance, survives probe failures."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from workbook.live import Watcher
from workbook.store import Store, new_answer

INTERVAL = 0.02


def add(store: Store, item_id: str, client_id: str = "me") -> None:
    store.append(
        [
            new_answer(step_id="faq", item_id=item_id, kind="text", prompt="p", value="x",
                       client_id=client_id, session_id="2024-05-01")
        ]
    )  # fmt: skip


class Calls:
    """Counts on_change calls; wait_for blocks until a count is reached (or times out)."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = threading.Condition()

    def __call__(self) -> None:
        with self._changed:
            self.count += 1
            self._changed.notify_all()

    def wait_for(self, n: int, timeout: float = 5.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.count >= n, timeout)


@pytest.fixture
def watchers() -> Iterator[Callable[..., Watcher]]:
    made: list[Watcher] = []

    def make(*args: object, **kwargs: object) -> Watcher:
        watcher = Watcher(*args, **kwargs)  # type: ignore[arg-type]
        made.append(watcher)
        return watcher

    yield make
    for watcher in made:
        watcher.stop()
        watcher._thread.join(timeout=5)


def settle(intervals: int = 10) -> None:
    time.sleep(INTERVAL * intervals)


def test_no_call_while_nothing_changes(db: Path, watchers: Callable[..., Watcher]) -> None:
    store = Store()
    add(store, "before")
    calls = Calls()
    watchers(lambda: store.change_marker("me"), calls, INTERVAL)
    settle(15)
    assert calls.count == 0


def test_one_call_per_change_from_the_same_store(
    db: Path, watchers: Callable[..., Watcher]
) -> None:
    store = Store()
    calls = Calls()
    watchers(lambda: store.change_marker("me"), calls, INTERVAL)
    add(store, "a")
    assert calls.wait_for(1)
    settle()
    assert calls.count == 1
    add(store, "b")
    assert calls.wait_for(2)
    settle()
    assert calls.count == 2


def test_a_change_from_another_store_instance_is_seen(
    db: Path, watchers: Callable[..., Watcher]
) -> None:
    watched = Store()
    other = Store(db)  # same file, another object (as another page's kernel would have)
    calls = Calls()
    watchers(lambda: watched.change_marker("me"), calls, INTERVAL)
    add(other, "from-elsewhere")
    assert calls.wait_for(1)
    settle()
    assert calls.count == 1


def test_changes_for_another_client_or_step_are_ignored(
    db: Path, watchers: Callable[..., Watcher]
) -> None:
    store = Store()
    calls = Calls()
    watchers(lambda: store.change_marker("me", "step-01"), calls, INTERVAL)
    add(store, "other-step")  # step faq
    add(store, "other-client", client_id="client-2")
    settle(15)
    assert calls.count == 0


def test_stop_ends_the_watching(db: Path, watchers: Callable[..., Watcher]) -> None:
    store = Store()
    calls = Calls()
    watcher = watchers(lambda: store.change_marker("me"), calls, INTERVAL)
    watcher.stop()
    watcher._thread.join(timeout=5)
    assert not watcher._thread.is_alive()
    add(store, "after-stop")
    settle(15)
    assert calls.count == 0


def test_a_probe_that_fails_now_and_then_does_not_end_the_watching(
    watchers: Callable[..., Watcher],
) -> None:
    state = {"n": 0}

    def flaky() -> int:
        state["n"] += 1
        if state["n"] % 3 == 0:
            raise OSError("database is locked")
        return state["n"] // 6  # changes every few probes

    calls = Calls()
    watcher = watchers(flaky, calls, INTERVAL)
    assert calls.wait_for(3)
    assert watcher._thread.is_alive()


def test_a_failing_on_change_does_not_end_the_watching(
    watchers: Callable[..., Watcher],
) -> None:
    value = {"v": 0}
    calls = Calls()

    def on_change() -> None:
        calls()
        raise RuntimeError("widget gone")

    watcher = watchers(lambda: value["v"], on_change, INTERVAL)
    value["v"] = 1
    assert calls.wait_for(1)
    value["v"] = 2
    assert calls.wait_for(2)
    assert watcher._thread.is_alive()


def test_run_soon_runs_the_action_on_another_thread() -> None:
    import threading

    from workbook.live import run_soon

    seen: list[threading.Thread] = []
    run_soon(lambda: seen.append(threading.current_thread())).join(5)
    assert seen and seen[0] is not threading.main_thread()


def test_run_later_waits_then_runs_the_action_on_another_thread() -> None:
    import threading

    from workbook.live import run_later

    seen: list[tuple[threading.Thread, float]] = []
    start = time.monotonic()
    run_later(lambda: seen.append((threading.current_thread(), time.monotonic())), 0.2).join(5)
    assert seen and seen[0][0] is not threading.main_thread()
    assert seen[0][1] - start >= 0.2
