"""The workbook app in a real browser: start page, saving, navigation, quick exit, backup, progress."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from workbook.stepform import AUTOSAVE_DELAY

from .conftest import NOTEBOOKS, QUICK_EXIT_HOST, RENDER_TIMEOUT_MS, Browsing

pytestmark = pytest.mark.browser

TRICKY = "Ich war nicht da 😢🫶 — <img src=x onerror=alert(1)> & \"quotes\" 'too'"
SAVE_SECONDS = 5.0


def notebook_names() -> list[str]:
    return sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))


def status(page: Any) -> Any:
    return page.locator(".wb-form .wb-status")


def expect_saved(page: Any, timeout: float = SAVE_SECONDS) -> None:
    """The form's status says Saved within `timeout` seconds."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.wb-form .wb-status')]"
        ".some(e => e.innerText.includes('Saved'))",
        timeout=timeout * 1000,
    )


def test_start_page_then_step_one_saves_and_restores_answers(browsing: Browsing) -> None:
    page, server = browsing.page, browsing.server
    page.goto(server.url + "/")
    page.wait_for_selector(".wb-live-frame", timeout=RENDER_TIMEOUT_MS)
    assert page.url == f"{server.url}/voila/render/00_start.ipynb"
    assert page.locator(".jp-CodeCell .jp-InputArea:visible").count() == 0
    assert page.locator(".jp-InputArea-editor:visible").count() == 0
    assert page.locator(".jp-CodeCell .jp-InputArea-editor").count() == 0
    body = page.inner_text("body")
    assert "Traceback" not in body and "Something went wrong" not in body
    assert page.locator(".wb-problem").count() == 0

    page.locator("a[href='02_step-01.ipynb']:visible").first.click()
    page.wait_for_selector(".wb-form", timeout=RENDER_TIMEOUT_MS)
    assert page.url.endswith("/voila/render/02_step-01.ipynb")

    first_check = page.locator(".wb-form .wb-check input[type=checkbox]").first
    first_check.check()
    area = page.locator(".wb-form .wb-text textarea").first
    area.click()
    area.press_sequentially(TRICKY)
    expect_saved(page)

    latest = server.wait_for(
        lambda: (lambda v: v if v.get("reflect.my-part") == TRICKY else None)(
            server.latest("step-01")
        ),
        what="the reflection in the answers file",
    )
    assert latest["killers.constant-arguing"] == "true"

    page.reload()
    page.wait_for_selector(".wb-form", timeout=RENDER_TIMEOUT_MS)
    first_check = page.locator(".wb-form .wb-check input[type=checkbox]").first
    area = page.locator(".wb-form .wb-text textarea").first
    page.wait_for_function(
        "t => document.querySelector('.wb-form .wb-text textarea').value === t", arg=TRICKY
    )
    assert first_check.is_checked()
    assert area.input_value() == TRICKY
    assert page.locator(".wb-form img").count() == 0
    assert "Last saved" in status(page).first.inner_text()
    assert not browsing.watch.dialogs


def test_previous_next_and_all_pages_links(browsing: Browsing) -> None:
    page = browsing.open("02_step-01.ipynb")
    assert page.get_attribute("a.wb-next", "href") == "03_step-02.ipynb"
    assert page.get_attribute("a.wb-prev", "href") == "01_intro.ipynb"

    listing = page.locator("details.wb-all-pages")
    assert not listing.locator("a").first.is_visible()
    listing.locator("summary").click()
    links = listing.locator("a[href]")
    names = notebook_names()
    assert links.count() == len(names)
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert sorted(hrefs) == names
    labels = [links.nth(i).inner_text().strip() for i in range(links.count())]
    assert all(labels) and len(set(labels)) == len(labels)
    assert all(links.nth(i).is_visible() for i in range(links.count()))

    page.click("a.wb-next")
    page.wait_for_selector(".wb-live-frame", timeout=RENDER_TIMEOUT_MS)
    assert page.url.endswith("/voila/render/03_step-02.ipynb")
    page.click("a.wb-prev")
    page.wait_for_selector(".wb-live-frame", timeout=RENDER_TIMEOUT_MS)
    assert page.url.endswith("/voila/render/02_step-01.ipynb")
    page.click("a.wb-prev")
    page.wait_for_selector(".wb-live-frame", timeout=RENDER_TIMEOUT_MS)
    assert page.url.endswith("/voila/render/01_intro.ipynb")


@pytest.mark.parametrize(
    "notebook", ["00_start.ipynb", "02_step-01.ipynb", "progress.ipynb", "backup.ipynb"]
)
def test_first_tab_reaches_quick_exit_which_leaves(browsing: Browsing, notebook: str) -> None:
    page = browsing.open(notebook)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('.wb-exit-bar a.wb-quick-exit')")
    bar = page.inner_text(".wb-exit-bar")
    assert "Quick exit" in bar and "does not clear" in bar and "history" in bar
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.startswith(QUICK_EXIT_HOST), page.url

    page = browsing.open(notebook)
    page.locator(".wb-exit-bar a.wb-quick-exit").click()
    page.wait_for_url(f"{QUICK_EXIT_HOST}/**")
    assert page.url.startswith(QUICK_EXIT_HOST)
    assert "127.0.0.1" not in page.url


def _save_text(browsing: Browsing, notebook: str, text: str, page: Any = None) -> Any:
    page = browsing.open(notebook, page=page, ready=".wb-form")
    area = page.locator(".wb-form .wb-text textarea").first
    area.click()
    area.press_sequentially(text)
    expect_saved(page)
    return page


def test_backup_download_then_restore_into_an_empty_store(
    browsing: Browsing, make_browsing: Any, tmp_path: Path
) -> None:
    from .conftest import running_server

    server = browsing.server
    _save_text(browsing, "03_step-02.ipynb", "Breathing helped 🌬️")
    server.wait_for(lambda: server.latest("step-02").get("journal.journal") == "Breathing helped 🌬️")
    page = browsing.open("backup.ipynb", ready="a.wb-download")
    rows = server.count()
    page.wait_for_function(
        "n => document.querySelector('.wb-download-size').innerText.includes(`(${n} saved`)",
        arg=rows,
        timeout=10_000,
    )
    with page.expect_download() as download_info:
        page.click("a.wb-download")
    download = download_info.value
    assert download.suggested_filename.startswith("repair-workbook-")
    assert download.suggested_filename.endswith(".json")
    backup = tmp_path / download.suggested_filename
    download.save_as(backup)
    document = json.loads(backup.read_text(encoding="utf-8"))
    assert document["format"] == "repair-workbook-backup"
    assert document["format_version"] == 1
    assert len(document["answers"]) == rows
    values = {(a["step_id"], a["item_id"]): a["value"] for a in document["answers"]}
    assert values[("step-02", "journal.journal")] == "Breathing helped 🌬️"

    truncated = tmp_path / "cut-off.json"
    truncated.write_bytes(backup.read_bytes()[: len(backup.read_bytes()) // 2])
    foreign = tmp_path / "package.json"
    foreign.write_text(json.dumps({"name": "something-else", "version": "1.0.0"}))

    with running_server(tmp_path / "empty", "empty") as empty:
        assert empty.count() == 0
        other = make_browsing(empty)
        page = other.open("backup.ipynb", ready=".wb-upload")
        message = page.locator(".wb-upload-message")

        def upload(path: Path) -> None:
            with page.expect_file_chooser() as chooser:
                page.click(".wb-upload")
            chooser.value.set_files(str(path))

        upload(backup)
        page.wait_for_function(
            "() => document.querySelector('.wb-upload-message').innerText.includes('answers added')",
            timeout=15_000,
        )
        assert f"{rows} answers added" in message.inner_text()
        assert empty.count() == rows
        assert empty.latest("step-02")["journal.journal"] == "Breathing helped 🌬️"

        for bad in (truncated, foreign):
            upload(bad)
            page.wait_for_function(
                "name => document.querySelector('.wb-upload-message').innerText"
                ".includes(name + ' was not restored')",
                arg=bad.name,
                timeout=15_000,
            )
            text = message.inner_text()
            assert "Nothing was changed" in text
            assert empty.count() == rows

        page.reload()
        page.wait_for_selector(".wb-upload", timeout=RENDER_TIMEOUT_MS)
        upload(backup)
        page.wait_for_function(
            "() => document.querySelector('.wb-upload-message').innerText.includes('already here')",
            timeout=15_000,
        )
        assert "0 answers added" in message.inner_text()
        assert empty.count() == rows


def test_progress_page_shows_two_charts_and_a_table(browsing: Browsing) -> None:
    page = browsing.open("progress.ipynb", ready=".wb-progress-page")
    charts = page.locator(".wb-progress-page svg[role=img]")
    assert charts.count() == 2
    for index in range(2):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50
    assert charts.first.get_attribute("aria-label") == "How much of each section you have filled in"
    page.locator(".wb-progress-page details summary").click()
    table = page.locator(".wb-progress-page table.wb-progress-table")
    assert table.is_visible()
    assert table.locator("tr").count() == 1 + 17
    assert "Items with an answer" in table.inner_text()


def test_typing_then_leaving_at_once_still_saves(browsing: Browsing) -> None:
    server = browsing.server
    page = browsing.open("06_step-05.ipynb", ready=".wb-form")
    section = "step-05"
    area = page.locator(".wb-form .wb-text textarea").first
    text = f"left in a hurry {time.time():.0f}"
    area.click()
    area.press_sequentially(text)
    typed = time.monotonic()
    page.click("a.wb-next")
    assert time.monotonic() - typed < AUTOSAVE_DELAY, "left before the autosave was due"
    page.wait_for_selector(".wb-live-frame", timeout=RENDER_TIMEOUT_MS)
    server.wait_for(
        lambda: text in server.latest(section).values(),
        timeout=10,
        what="the text typed just before leaving, in the answers file",
    )


def test_typing_then_closing_the_tab_at_once_still_saves(browsing: Browsing) -> None:
    server = browsing.server
    page = browsing.open("08_step-07.ipynb", page=browsing.new_page(), ready=".wb-form")
    area = page.locator(".wb-form .wb-text textarea").first
    text = f"closed the tab {time.time():.0f}"
    area.click()
    area.press_sequentially(text)
    with page.expect_event("close"):
        page.close(run_before_unload=True)  # as a person closing the tab: unload handlers run
    server.wait_for(
        lambda: text in server.latest("step-07").values(),
        timeout=10,
        what="the text typed just before the tab was closed, in the answers file",
    )


def test_typing_on_while_the_first_answer_is_scanned_still_saves(browsing: Browsing) -> None:
    # The first saved text answer makes the page scan all answers for safety signals, loading the
    # message checker's model in the background; typing on and leaving at once must still save.
    server = browsing.server
    page = browsing.open("02_step-01.ipynb", ready=".wb-form")
    area = page.locator(".wb-form .wb-text textarea").first
    area.fill("")  # an earlier test on this server may have left text here
    area.click()
    area.press_sequentially("I kept score ")
    expect_saved(page)
    rest = f"and I will stop {time.time():.0f}"
    area.press_sequentially(rest, delay=20)
    typed = time.monotonic()
    page.click("a.wb-next")
    assert time.monotonic() - typed < AUTOSAVE_DELAY, "left before the autosave was due"
    page.wait_for_selector(".wb-live-frame", timeout=RENDER_TIMEOUT_MS)
    server.wait_for(
        lambda: f"I kept score {rest}" in server.latest("step-01").values(),
        timeout=10,
        what="the whole text, typed on while the first answer was scanned",
    )


def test_two_tabs_on_one_step_both_save(browsing: Browsing) -> None:
    server = browsing.server
    first = _save_text(browsing, "04_step-03.ipynb", "written in the first tab")
    second = browsing.open("04_step-03.ipynb", page=browsing.new_page(), ready=".wb-form")
    area = second.locator(".wb-form .wb-text textarea").nth(1)
    area.click()
    area.press_sequentially("written in the second tab")
    expect_saved(second)
    saved = server.wait_for(
        lambda: (lambda v: v if "written in the second tab" in v.values() else None)(
            server.latest("step-03")
        ),
        what="the second tab's answer",
    )
    assert "written in the first tab" in saved.values()

    for tab in (first, second):
        tab.reload()
        tab.wait_for_selector(".wb-form", timeout=RENDER_TIMEOUT_MS)
        areas = tab.locator(".wb-form .wb-text textarea")
        tab.wait_for_function(
            "() => document.querySelectorAll('.wb-form .wb-text textarea')[1]?.value"
            " === 'written in the second tab'"
        )
        assert areas.nth(0).input_value() == "written in the first tab"
        assert areas.nth(1).input_value() == "written in the second tab"
