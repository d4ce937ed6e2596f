"""Watch the store for changes made elsewhere (another tab, a preheated page) and react to them."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable

log = logging.getLogger(__name__)
PAGE_DRAWN_SECONDS = 3.0  # by then a page built in a fresh kernel has usually drawn


def run_soon(action: Callable[[], object]) -> threading.Thread:
    """Run `action` on a background thread, so a page can finish drawing while slow work (regex
    compiling, scanning answers) happens; widget updates from there reach the page all the same."""
    thread = threading.Thread(target=action, name="workbook-soon", daemon=True)
    thread.start()
    return thread


def run_later(action: Callable[[], object], delay: float = PAGE_DRAWN_SECONDS) -> threading.Timer:
    """Run `action` on a background thread after `delay` seconds: for slow work a page wants soon
    but not to draw (compiling the checker's rules), which would slow building and drawing it."""
    timer = threading.Timer(delay, action)
    timer.name = "workbook-later"
    timer.daemon = True
    timer.start()
    return timer


class Watcher:
    """Call `on_change` whenever `probe()` returns something new, checking every `interval` seconds."""

    def __init__(
        self, probe: Callable[[], Hashable], on_change: Callable[[], object], interval: float = 1.0
    ) -> None:
        self.probe, self.on_change, self.interval = probe, on_change, interval
        self._stop = threading.Event()
        self._last = probe()
        self._thread = threading.Thread(target=self._run, name="workbook-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching."""
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                current = self.probe()
                if current != self._last:
                    self._last = current
                    self.on_change()
            except Exception:  # a locked or vanished file now and then must not end the watching
                log.debug("store watch failed", exc_info=True)
