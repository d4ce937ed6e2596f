"""Where answers live and whose they are: WORKBOOK_DB, WORKBOOK_CLIENT, WORKBOOK_SESSION."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import platformdirs
import pytest

from workbook import settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WORKBOOK_DB", "WORKBOOK_CLIENT", "WORKBOOK_SESSION"):
        monkeypatch.delenv(name, raising=False)


def test_db_path_honours_workbook_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "mine.sqlite3"
    monkeypatch.setenv("WORKBOOK_DB", str(target))
    assert settings.db_path() == target


def test_db_path_expands_the_home_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("WORKBOOK_DB", "~/private/answers.sqlite3")
    path = settings.db_path()
    assert path == tmp_path / "private" / "answers.sqlite3"
    assert "~" not in str(path)


def test_db_path_defaults_to_the_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    path = settings.db_path()
    assert path.name == "answers.sqlite3"
    assert path.parent == Path(platformdirs.user_data_dir("repair-workbook", appauthor=False))
    assert path.is_absolute()
    # A blank value counts as unset.
    monkeypatch.setenv("WORKBOOK_DB", "   ")
    assert settings.db_path() == path


def test_client_id_defaults_to_me_and_honours_workbook_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert settings.client_id() == "me"
    monkeypatch.setenv("WORKBOOK_CLIENT", "client-7")
    assert settings.client_id() == "client-7"
    monkeypatch.setenv("WORKBOOK_CLIENT", "../escape")
    with pytest.raises(ValueError, match="client id"):
        settings.client_id()


def test_session_id_defaults_to_today_and_honours_workbook_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert settings.session_id() == date.today().isoformat()
    assert settings.session_id(date(2024, 2, 29)) == "2024-02-29"
    monkeypatch.setenv("WORKBOOK_SESSION", "evening-2")
    assert settings.session_id() == "evening-2"
    monkeypatch.setenv("WORKBOOK_SESSION", "a/b")
    with pytest.raises(ValueError, match="session id"):
        settings.session_id()


@pytest.mark.parametrize(
    "value",
    ["../x", "", "a/b", "x" * 65, ".hidden", "-flag", "a b", "a\\b", "é", "abc\n", "abc\r\n"],
)
def test_validate_id_rejects_unsafe_ids(value: str) -> None:
    with pytest.raises(ValueError, match="not allowed"):
        settings.validate_id(value, "client id")


@pytest.mark.parametrize("value", ["client-7.a_b", "me", "x" * 64, "2024-05-01", "A"])
def test_validate_id_accepts_safe_ids(value: str) -> None:
    assert settings.validate_id(value, "client id") == value
