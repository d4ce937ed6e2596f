"""The counselor commands: clients, import (refusing bad files, store unchanged) and export."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from sample_store import fill_sample_store
from test_cli import run_workbook

from workbook import cli
from workbook.backup import FORMAT_VERSION, backup_bytes
from workbook.store import Store


def fingerprint(db: Path) -> dict[str, str]:
    """Hashes of the answers file and its side files: proof that nothing changed."""
    files = (db, Path(f"{db}-wal"), Path(f"{db}-shm"))
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.exists()}


@pytest.fixture
def client_file(tmp_path: Path) -> Path:
    """One person's own workbook backup (client id `me`, as the app saves it)."""
    own = Store(tmp_path / "theirs.sqlite3")
    fill_sample_store(own, ("me",), sessions=2)
    path = tmp_path / "repair-workbook-2026-09-08.json"
    path.write_bytes(backup_bytes(own))
    return path


def test_import_files_a_clients_backup_under_their_id(
    db: Path, client_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["import", str(client_file), "--as-client", "client-07"]) == 0
    out = capsys.readouterr().out
    assert "38 answer(s) added, 0 already present" in out
    assert cli.main(["import", str(client_file), "--as-client", "client-07"]) == 0
    assert "0 answer(s) added, 38 already present" in capsys.readouterr().out
    assert Store(db).count() == 38
    assert cli.main(["clients"]) == 0
    listing = capsys.readouterr().out
    assert "client-07: 2 session(s), 38 saved answer(s)" in listing
    assert "Session 2 · 2026-09-08" in listing


BAD_FILES = {
    "corrupt": b"\x89PNG\r\n\x1a\n\x00\x00binary",
    "truncated": None,  # the first half of a real backup
    "foreign": json.dumps({"name": "some other app", "items": [1, 2]}).encode(),
    "newer": None,  # a real backup claiming a newer format
    "empty": b"",
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_are_refused_with_a_message_and_the_store_stays_byte_identical(
    db: Path, client_file: Path, tmp_path: Path, case: str
) -> None:
    fill_sample_store(Store(db), ("alex",), sessions=1)
    data = BAD_FILES[case]
    good = client_file.read_bytes()
    if case == "truncated":
        data = good[: len(good) // 2]
    if case == "newer":
        doc = json.loads(good)
        doc["format_version"] = FORMAT_VERSION + 1
        data = json.dumps(doc).encode()
    assert data is not None
    bad = tmp_path / f"{case}.json"
    bad.write_bytes(data)
    before = fingerprint(db)

    done = run_workbook("import", str(bad), db=db)

    assert done.returncode == 1
    assert "was not imported" in done.stderr and "Nothing was changed" in done.stderr
    assert "Traceback" not in done.stderr
    assert fingerprint(db) == before


def test_a_refused_import_does_not_create_a_store(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite3"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    done = run_workbook("import", str(bad), db=db)
    assert done.returncode == 1
    assert not db.exists()


def test_a_backup_of_several_people_cannot_be_filed_under_one_id(db: Path, tmp_path: Path) -> None:
    many = Store(tmp_path / "many.sqlite3")
    fill_sample_store(many, ("a", "b"), sessions=1)
    path = tmp_path / "many.json"
    path.write_bytes(backup_bytes(many))
    assert cli.main(["import", str(path), "--as-client", "x"]) == 1
    assert not db.exists() or Store(db).count() == 0


def test_a_missing_file_is_a_clear_error(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["import", str(tmp_path / "nope.json")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_export_through_the_console_script(db: Path, tmp_path: Path) -> None:
    fill_sample_store(Store(db), ("alex", "sam"), sessions=2)
    target = tmp_path / "sam.xlsx"
    done = run_workbook(
        "export",
        "--format",
        "xlsx",
        "-o",
        str(target),
        "--client",
        "sam",
        "--since",
        "2026-09-02",
        db=db,
    )
    assert done.returncode == 0, done.stderr
    frame = pd.read_excel(target, sheet_name="answers")
    assert set(frame["client_id"]) == {"sam"} and set(frame["session_id"]) == {"2026-09-08"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "last week"], "is not a date"),
        (["--client", "../../etc"], "not allowed"),
        (["--client", "nobody"], "No answers for client"),
        (["--keep-text"], "--keep-text only applies with --deidentify"),
    ],
)
def test_export_mistakes_get_a_clear_message(
    db: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    fill_sample_store(Store(db), ("alex",), sessions=1)
    done = run_workbook("export", "--format", "csv", "-o", str(tmp_path / "x.csv"), *args, db=db)
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.csv").exists()


def test_export_before_any_answer_says_so(db: Path, tmp_path: Path) -> None:
    done = run_workbook("export", "--format", "csv", "-o", str(tmp_path / "x.csv"), db=db)
    assert done.returncode == 1 and "nothing to export" in done.stderr
