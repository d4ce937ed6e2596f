"""Debounced autosave: run a save shortly after the last change, and at least every `max_wait` seconds."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Debouncer:
    """Call `action` `delay` s after the last poke, but never later than `max_wait` s after the first."""

    def __init__(
        self, action: Callable[[], object], delay: float = 0.8, max_wait: float = 1.8
    ) -> None:
        self.action, self.delay, self.max_wait = action, delay, max_wait
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._first_poke: float | None = None

    def poke(self) -> None:
        """Note a change: (re)schedule the action."""
        with self._lock:
            now = time.monotonic()
            if self._first_poke is None:
                self._first_poke = now
            due = min(now + self.delay, self._first_poke + self.max_wait)
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(max(0.0, due - now), self._fire)
            self._timer.daemon = True
            self._timer.start()

    def cancel(self) -> None:
        """Drop a pending action (after an explicit save, say)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer, self._first_poke = None, None

    @property
    def pending(self) -> bool:
        """Whether an action is scheduled and has not run yet."""
        return self._timer is not None

    def _fire(self) -> None:
        with self._lock:
            if self._timer is not threading.current_thread():
                return  # superseded by a later poke, or cancelled
            self._timer, self._first_poke = None, None
        self.action()
