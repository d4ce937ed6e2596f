"""The counselor page in a real browser: tables, an Excel download of the choice, and an import."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from workbook.backup import backup_bytes
from workbook.store import Store

from .conftest import RENDER_TIMEOUT_MS, Browsing, Server, running_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sample_store import fill_sample_store

pytestmark = pytest.mark.browser


@pytest.fixture
def counselor(tmp_path: Path, chromium_path: str, make_browsing: Any) -> Iterator[Browsing]:
    """A workbook app whose store already holds two clients' sessions."""
    fill_sample_store(Store(tmp_path / "app" / "answers.sqlite3"), ("alex", "sam"), sessions=3)
    with running_server(tmp_path / "app", "counselor") as server:
        yield make_browsing(server)


def wait_text(page: Any, selector: str, text: str) -> None:
    page.wait_for_function(
        "([s, t]) => [...document.querySelectorAll(s)].some(e => e.innerText.includes(t))",
        arg=[selector, text],
        timeout=20_000,
    )


def test_read_sessions_download_excel_and_import_a_workbook(
    counselor: Browsing, tmp_path: Path
) -> None:
    page = counselor.open("counselor.ipynb", ready=".wb-counselor .wb-tables table")
    tables = page.locator(".wb-counselor .wb-tables")
    assert "Client alex" in tables.inner_text()
    assert "Session 3 · 2026-09-15" in tables.inner_text()
    sessions = page.locator(".wb-counselor .widget-select-multiple select")
    sessions.select_option(label=["Session 3 · 2026-09-15", "Session 1 · 2026-09-01"])
    wait_text(page, ".wb-counselor .wb-tables", "Session 1 · 2026-09-01")
    assert "<img src=x onerror=alert(1)> s1" in tables.inner_text()  # shown as text, no dialog
    assert page.locator(".wb-counselor .wb-tables img").count() == 0
    assert page.locator(".wb-counselor .wb-tables svg[role=img]").count() >= 2

    page.locator(".wb-counselor .widget-dropdown select").first.select_option(label="sam")
    wait_text(page, ".wb-counselor .wb-tables", "Client sam")

    page.locator(".wb-counselor .widget-dropdown select").nth(2).select_option(label="Excel")
    page.get_by_role("button", name="Prepare download").click()
    page.wait_for_selector(".wb-export-links a.wb-download", timeout=20_000)
    with page.expect_download() as download_info:
        page.click(".wb-export-links a.wb-download")
    download = download_info.value
    assert download.suggested_filename.startswith("repair-workbook-sam-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    frame = pd.read_excel(saved, sheet_name="answers")
    assert set(frame["client_id"]) == {"sam"} and set(frame["session_id"]) == {"2026-09-15"}

    theirs = Store(tmp_path / "theirs.sqlite3")
    fill_sample_store(theirs, ("me",), sessions=2)
    own_file = tmp_path / "repair-workbook-2026-09-08.json"
    own_file.write_bytes(backup_bytes(theirs))
    with page.expect_file_chooser() as chooser:
        page.locator(".wb-counselor .widget-upload").click()
    chooser.value.set_files(str(own_file))
    page.locator(".wb-counselor input[placeholder='client id, e.g. client-07']").fill("client-07")
    page.get_by_role("button", name="Import", exact=True).click()
    wait_text(page, ".wb-import-message", "answers added")
    assert "38 answers added" in page.locator(".wb-import-message").inner_text()
    wait_text(page, ".wb-counselor .wb-tables", "Client client-07")
    server: Server = counselor.server
    assert server.query("SELECT COUNT(*) FROM answers WHERE client_id = 'client-07'") == [(38,)]
    page.reload()
    page.wait_for_selector(".wb-counselor .wb-tables table", timeout=RENDER_TIMEOUT_MS)
