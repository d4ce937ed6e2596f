"""Shared fixtures: every test gets its own answers file, never the person's real one."""

from __future__ import annotations

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
