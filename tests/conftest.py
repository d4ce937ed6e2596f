from pathlib import Path

import pytest


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    """Point WORKBOOK_DB at a fresh file in tmp_path and return that path."""
    path = tmp_path / "answers.sqlite3"
    monkeypatch.setenv("WORKBOOK_DB", str(path))
    monkeypatch.delenv("WORKBOOK_CLIENT", raising=False)
    monkeypatch.delenv("WORKBOOK_SESSION", raising=False)
    return path
