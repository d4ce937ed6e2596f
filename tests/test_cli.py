"""The `workbook` command: where, erase, notebooks --check."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from workbook import cli
from workbook.store import STORE_FORMAT, Store, new_answer

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
SECRET_A = "ZEBRA-SECRET-4471 👩‍❤️‍👨"
SECRET_B = "OTTER-SECRET-9902 🙏🏽"


def workbook_command() -> str:
    """The installed `workbook` console script of the running interpreter's environment."""
    script = Path(sys.executable).parent / "workbook"
    found = str(script) if script.exists() else shutil.which("workbook")
    assert found, "the `workbook` console script is not installed"
    return found


def run_workbook(*args: str, db: Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WORKBOOK_DB": str(db)}
    return subprocess.run(
        [workbook_command(), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def fill(db: Path) -> Store:
    s = Store(db)
    for n in range(3):
        for client, secret in (("a", SECRET_A), ("b", SECRET_B)):
            s.append(
                [
                    new_answer(
                        client_id=client,
                        session_id="s1",
                        step_id="step-01",
                        item_id=f"i{n}",
                        kind="text",
                        prompt=f"{secret} prompt",
                        value=f"{secret} answer {n}",
                    )
                ]
            )
    return s


def files_holding(db: Path, text: str) -> list[str]:
    encoded = text.encode("utf-8")
    files = (db, Path(f"{db}-wal"), Path(f"{db}-shm"))
    return [p.name for p in files if p.exists() and encoded in p.read_bytes()]


def test_where_prints_the_workbook_db_path(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["where"]) == 0
    assert capsys.readouterr().out.strip() == str(db)


def test_where_through_the_console_script(db: Path) -> None:
    done = run_workbook("where", db=db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(db)


def test_erase_all_yes_removes_every_answer_and_its_text(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = fill(db)
    assert files_holding(db, SECRET_A)

    assert cli.main(["erase", "--all", "--yes"]) == 0

    assert "Erased 6" in capsys.readouterr().out
    assert s.count() == 0
    for text in (SECRET_A, SECRET_B, "ZEBRA-SECRET", "OTTER-SECRET"):
        assert files_holding(db, text) == [], text


def test_erase_all_yes_through_the_console_script(db: Path) -> None:
    s = fill(db)
    done = run_workbook("erase", "--all", "--yes", db=db, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert s.count() == 0
    for text in (SECRET_A, SECRET_B, "ZEBRA-SECRET", "OTTER-SECRET"):
        assert files_holding(db, text) == [], text


def test_erase_all_without_yes_and_no_terminal_erases_nothing(db: Path) -> None:
    s = fill(db)
    done = run_workbook("erase", "--all", db=db, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "--yes" in done.stderr
    assert s.count() == 6
    assert len(s.latest("a")) == 3 and len(s.latest("b")) == 3


def test_erase_one_client_keeps_the_others(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = fill(db)
    assert cli.main(["erase", "--client", "a", "--yes"]) == 0
    assert "Erased 3" in capsys.readouterr().out
    assert s.latest("a") == {}
    assert len(s.latest("b")) == 3
    assert files_holding(db, "ZEBRA-SECRET") == []
    assert files_holding(db, "OTTER-SECRET")


@pytest.mark.parametrize("store_exists", [True, False], ids=["store", "no-store-yet"])
def test_erase_refuses_an_unsafe_client_id(
    db: Path, capsys: pytest.CaptureFixture[str], store_exists: bool
) -> None:
    if store_exists:
        fill(db)
    assert cli.main(["erase", "--client", "../x", "--yes"]) == 1
    err = capsys.readouterr().err
    assert "'../x'" in err and "not allowed" in err
    assert "Traceback" not in err
    if store_exists:
        assert Store(db).count() == 6


def test_erase_on_a_store_from_a_newer_version_fails_clearly(db: Path) -> None:
    fill(db)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {STORE_FORMAT + 1}")
    conn.close()
    before = db.read_bytes()

    done = run_workbook("erase", "--all", "--yes", db=db, stdin=subprocess.DEVNULL)

    assert done.returncode == 1
    assert "newer version" in done.stderr
    assert "Traceback" not in done.stderr
    assert db.read_bytes() == before
    assert files_holding(db, SECRET_A)


def test_erase_on_a_newer_store_in_process(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fill(db)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {STORE_FORMAT + 1}")
    conn.close()
    assert cli.main(["erase", "--client", "a", "--yes"]) == 1
    captured = capsys.readouterr()
    assert "newer version" in captured.err
    assert "Erased" not in captured.out


def test_notebooks_check_passes_on_the_repository_notebooks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["notebooks", "--check", str(NOTEBOOKS)]) == 0
    assert capsys.readouterr().out == ""


def test_notebooks_check_names_a_modified_notebook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, folder)
    names = sorted(p.name for p in folder.glob("*.ipynb"))
    assert len(names) > 1
    changed = folder / names[1]
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace('"cells": [', '"cells": [\n  ', 1) + " ", encoding="utf-8")

    assert cli.main(["notebooks", "--check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert names[1] in out
    assert [n for n in names if n in out] == [names[1]]


def test_notebooks_check_through_the_console_script(tmp_path: Path) -> None:
    folder = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, folder)
    target = folder / "00_start.ipynb"
    target.write_text(target.read_text(encoding="utf-8").replace("workbook", "Workbook", 1))
    done = run_workbook("notebooks", "--check", str(folder), db=tmp_path / "unused.sqlite3")
    assert done.returncode == 1
    assert "00_start.ipynb" in done.stdout


def test_check_message_prints_flags_as_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import json as json_module

    from workbook.cli import main

    for draft in (
        "If you loved me you'd call. Answer me now.",
        "If you loved me you’d call. Answer me now.",
    ):
        monkeypatch.setattr("sys.stdin", io.StringIO(draft))
        assert main(["check-message", "--json"]) == 0
        flags = json_module.loads(capsys.readouterr().out)
        assert {f["kind"] for f in flags} >= {"conditional_love", "pressure"}, draft
        for flag in flags:
            assert {"kind", "start", "end", "message"} <= set(flag)
            assert draft[flag["start"] : flag["end"]] == flag["text"]


def test_check_message_encourages_a_calm_draft_via_the_console_script() -> None:
    import subprocess
    import sys
    from pathlib import Path as P

    script = P(sys.executable).parent / "workbook"
    done = subprocess.run([str(script), "check-message"], input="I understand why you were hurt.",
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert "Nothing here matches" in done.stdout and "reads words, not intent" in done.stdout
