"""The counselor page without a browser: pick client and sessions, read tables, export, import."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from sample_store import fill_sample_store
from test_backup_view import upload
from test_downloads import Tags

from workbook.backup import backup_bytes
from workbook.counselor_view import CounselorView
from workbook.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "counselor.sqlite3")
    fill_sample_store(s, ("alex", "sam"), sessions=3)
    return s


def links(view: CounselorView) -> dict[str, bytes]:
    """The files behind the page's download links, by file name."""
    found = {}
    for tag, attrs in Tags(view.downloads.value).tags:
        if tag == "a":
            href = attrs["href"] or ""
            found[attrs["download"] or ""] = base64.b64decode(href.split(",", 1)[1])
    return found


def test_the_first_client_and_their_latest_session_are_shown(store: Store) -> None:
    view = CounselorView(store)
    assert view.client.options == ("alex", "sam")
    assert view.client.value == "alex"
    assert view.sessions.value == ("2026-09-15",)
    assert view.sessions.options[0][0].startswith("Session 3 · 2026-09-15")
    assert "Checklists" in view.tables.value and "Session 3" in view.tables.value
    assert "&lt;" in view.tables.value or "<img" not in view.tables.value


def test_choosing_sessions_and_a_section_changes_the_tables(store: Store) -> None:
    view = CounselorView(store)
    view.client.value = "sam"
    view.sessions.value = ("2026-09-01", "2026-09-08")
    assert view.tables.value.count("<section class='session'>") == 2
    assert "Client sam" in view.tables.value
    view.step.value = "step-02"
    assert "Log: Daily grounding check-in" in view.tables.value
    assert "Checklists" not in view.tables.value


def test_the_download_holds_exactly_the_choice_on_the_page(store: Store) -> None:
    view = CounselorView(store)
    view.client.value = "sam"
    view.sessions.value = ("2026-09-08",)
    view.format.value = "csv"
    view.prepare.click()
    files = links(view)
    answers_name = next(n for n in files if not n.endswith("-dictionary.csv"))
    assert re.fullmatch(r"repair-workbook-sam-\d{4}-\d{2}-\d{2}\.csv", answers_name)
    frame = pd.read_csv(io.BytesIO(files[answers_name]), encoding="utf-8-sig", dtype=str)
    assert set(frame["client_id"]) == {"sam"} and set(frame["session_id"]) == {"2026-09-08"}
    assert any(n.endswith("-dictionary.csv") for n in files)


def test_a_deidentified_download_names_no_one(store: Store) -> None:
    view = CounselorView(store)
    assert view.keep_text.disabled
    view.deidentify.value = True
    assert not view.keep_text.disabled
    view.format.value = "html"
    view.prepare.click()
    ((name, data),) = links(view).items()
    assert "alex" not in name
    page = data.decode()
    assert "alex" not in page and "2026-09" not in page and "[text removed]" in page


def test_every_format_gives_a_download(store: Store) -> None:
    view = CounselorView(store)
    for fmt in ("csv", "xlsx", "json", "html"):
        view.format.value = fmt
        view.prepare.click()
        assert all(name.endswith(f".{fmt}") for name in links(view)), fmt


def test_an_empty_store_says_how_to_begin(tmp_path: Path) -> None:
    view = CounselorView(Store(tmp_path / "empty.sqlite3"))
    assert view.client.options == ()
    assert "No clients yet" in view.tables.value


def test_importing_a_clients_workbook_files_it_under_the_given_id(
    store: Store, tmp_path: Path
) -> None:
    theirs = Store(tmp_path / "theirs.sqlite3")
    fill_sample_store(theirs, ("me",), sessions=2)
    view = CounselorView(store)
    upload(view, "workbook.json", backup_bytes(theirs))  # type: ignore[arg-type]
    view.import_as.value = "client-07"
    view.import_button.click()
    assert "38 answers added" in view.import_message.value
    assert view.client.value == "client-07"
    assert "client-07" in view.client.options
    view.import_button.click()
    assert "0 answers added, 38 were already here" in view.import_message.value


@pytest.mark.parametrize(
    ("data", "as_client", "words"),
    [
        (b"not json", "x", "was not imported"),
        (
            b'{"format": "repair-workbook-backup", "format_version": 99, "answers": []}',
            "x",
            "newer version",
        ),
        (b"{}", "../etc", "not allowed"),
    ],
)
def test_a_bad_import_changes_nothing(
    store: Store, data: bytes, as_client: str, words: str
) -> None:
    before = store.count()
    view = CounselorView(store)
    upload(view, "<b>file</b>.json", data)  # type: ignore[arg-type]
    view.import_as.value = as_client
    view.import_button.click()
    message = view.import_message.value
    assert words in message and "Nothing was changed" in message
    assert "<b>file" not in message
    assert store.count() == before
