"""The printable HTML report: per client and session, escaped text, embedded charts, print styles."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from sample_store import fill_sample_store

from workbook.export import ExportRequest
from workbook.report import report_html
from workbook.selection import Selection
from workbook.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "counselor.sqlite3")
    fill_sample_store(s, ("alex", "sam"), sessions=3)
    return s


class Tags(HTMLParser):
    """Collects the start tags of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def test_a_section_per_client_and_per_session(store: Store) -> None:
    page = report_html(store, ExportRequest())
    assert page.count("<section class='client'>") == 2
    assert page.count("<section class='session'>") == 6
    assert "Client alex" in page and "Client sam" in page
    assert "Session 2 · 2026-09-08" in page
    assert "What changed since the previous session" in page
    assert "This is the first session." in page


def test_text_from_people_is_escaped_and_no_script_can_run(store: Store) -> None:
    page = report_html(store, ExportRequest())
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    found = tags(page)
    assert not [t for t, _ in found if t in ("img", "script", "iframe", "object")]
    assert not [a for _, attrs in found for a in attrs if a.startswith("on")]
    meta = [a for t, a in found if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert meta and "default-src 'none'" in (meta[0]["content"] or "")


def test_charts_are_embedded_and_the_page_prints_cleanly(store: Store) -> None:
    page = report_html(store, ExportRequest())
    assert page.count("<svg") >= 10  # CSI-4 and four assessments, per client
    assert "@media print" in page and "break-before: page" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "").replace(
        "http://example.invalid", ""
    )


def test_a_selection_limits_clients_sessions_and_sections(store: Store) -> None:
    request = ExportRequest(Selection(("sam",), ("2026-09-08",), "step-01"))
    page = report_html(store, request)
    assert "Client alex" not in page
    assert page.count("<section class='session'>") == 1
    assert "Checklists" in page and "Satisfaction check-in" not in page.split("Session 2")[1]


def test_a_deidentified_report_hides_names_dates_and_free_text(store: Store) -> None:
    page = report_html(store, ExportRequest(deidentify=True))
    for secret in ("alex", "sam", "2026-09", "Walked by the river", "HYPERLINK"):
        assert secret not in page, secret
    assert "Session 2 · day 7" in page
    assert "[text removed]" in page


def test_a_deidentified_report_of_a_chosen_client_and_session_names_neither(store: Store) -> None:
    request = ExportRequest(Selection(("alex",), ("2026-09-15",), since=None), deidentify=True)
    page = report_html(store, request)
    assert "alex" not in page and "2026-09" not in page
    assert "1 chosen client(s); 1 chosen session(s)" in page


def test_safety_signals_lead_the_clients_section(store: Store) -> None:
    from workbook.content import load_guide
    from workbook.store import new_answer

    harm = next(i for i in load_guide().section("harm-signs").form_items if i.safety)
    store.append(
        [new_answer(client_id="sam", session_id="2026-09-15", step_id=harm.step_id,
                    item_id=harm.item_id, kind="check", prompt=harm.prompt, value="true",
                    value_num=1.0, saved_at="2026-09-15T18:00:00.000000+00:00")]
    )  # fmt: skip
    page = report_html(store, ExportRequest())
    sam = page.split("Client sam")[1]
    assert "Safety first." in sam and harm.prompt in sam
    assert harm.prompt not in page.split("Client sam")[0]
