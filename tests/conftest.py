"""Shared fixtures: every test gets its own answers file, never the person's real one."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point WORKBOOK_DB at a fresh file and clear the client/session overrides."""
    path = tmp_path / "answers.sqlite3"
    monkeypatch.setenv("WORKBOOK_DB", str(path))
    monkeypatch.delenv("WORKBOOK_CLIENT", raising=False)
    monkeypatch.delenv("WORKBOOK_SESSION", raising=False)
    return path


@pytest.fixture(autouse=True)
def background_work_runs_inline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages start some first looks on a thread so they draw sooner; unit tests run them inline."""

    def inline(action: Callable[[], object]) -> threading.Thread:
        action()
        return threading.current_thread()

    for module in ("safety_view", "draft_feedback", "apology"):
        monkeypatch.setattr(f"workbook.{module}.run_soon", inline)
    for module in ("checks", "scripts_builder"):
        monkeypatch.setattr(f"workbook.{module}.run_later", lambda action, *_delay: inline(action))
