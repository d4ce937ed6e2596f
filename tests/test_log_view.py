"""The log pages without a browser: set widget values, click buttons, read the store and the HTML."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from workbook.content import data_dir
from workbook.forms import LABELLED, Look
from workbook.log_view import LogView
from workbook.logs import append_entry, entries, parse_logs, update_field
from workbook.store import Store

SCRIPT = "<script>alert('x')</script>"
EMOJI = "🌧️→🌤️"


def svgs(view: LogView) -> list[ET.Element]:
    found = re.findall(r"<svg .*?</svg>", str(view.report.value), re.S)
    return [ET.fromstring(markup) for markup in found]


def test_a_grounding_entry_is_saved_and_shown_escaped(db: Path) -> None:
    store = Store()
    view = LogView(store, "me", "s-1", "grounding")
    assert "No entries yet" in view.report.value
    view.inputs["day"].value = date(2025, 4, 1)
    view.inputs["calm"].value = 6
    view.inputs["urge"].value = 4
    view.inputs["helped"].value = ("talk-to-friends", "sleep")
    view.inputs["note"].value = f"{EMOJI} {SCRIPT}"
    view.add_button.click()
    assert "Entry added for 2025-04-01" in view.status.value
    (entry,) = entries(store, "me", "grounding")
    assert entry.values == {
        "day": date(2025, 4, 1), "calm": 6, "urge": 4,
        "helped": ("talk-to-friends", "sleep"), "note": f"{EMOJI} {SCRIPT}",
    }  # fmt: skip
    report = view.report.value
    assert SCRIPT not in report
    assert f"<td>{EMOJI} &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</td>" in report
    assert "<td>Talk to trusted friends; Sleep</td>" in report
    (chart,) = svgs(view)
    assert chart.get("aria-label") == "Calm and urge to reach out, per day (daily mean)"
    # The form is empty again, ready for tomorrow.
    assert view.inputs["calm"].value is None
    assert view.inputs["note"].value == ""
    assert view.inputs["helped"].value == ()
    assert view.inputs["day"].value == date.today()


def test_the_suggestion_shows_for_a_high_urge_only(db: Path) -> None:
    view = LogView(Store(), "me", "s", "grounding")
    assert view.suggestion.value == ""
    view.inputs["urge"].value = 8
    assert "act from clarity, not panic" in view.suggestion.value.lower()
    view.inputs["urge"].value = 2
    assert view.suggestion.value == ""
    view.inputs["calm"].value = 3
    assert "clarity, not panic" in view.suggestion.value
    view.inputs["calm"].value = 8
    assert view.suggestion.value == ""


def test_the_suggestion_stays_after_saving_a_high_urge(db: Path) -> None:
    store = Store()
    view = LogView(store, "me", "s", "grounding")
    view.inputs["calm"].value = 6
    view.inputs["urge"].value = 8
    view.add_button.click()
    assert len(entries(store, "me", "grounding")) == 1
    assert view.inputs["urge"].value is None
    assert "clarity, not panic" in view.suggestion.value
    view.inputs["calm"].value = 6
    view.inputs["urge"].value = 2
    view.add_button.click()
    assert len(entries(store, "me", "grounding")) == 2
    assert view.suggestion.value == ""


def test_an_incomplete_check_in_saves_nothing(db: Path) -> None:
    store = Store()
    view = LogView(store, "me", "s", "grounding")
    view.inputs["urge"].value = 5
    view.add_button.click()
    assert "wb-status-error" in view.status.value
    assert "Please fill in" in view.status.value
    assert store.count() == 0
    assert view.inputs["urge"].value == 5  # what was chosen stays


def test_an_empty_commitment_gives_a_clear_message(db: Path) -> None:
    store = Store()
    view = LogView(store, "me", "s", "trust")
    view.inputs["what"].value = "   "
    view.add_button.click()
    assert "Please fill in “What I said I&#x27;d do”" in view.status.value
    assert store.count() == 0
    assert view.open_entries.options == ()
    assert view.mark_buttons["yes"].disabled


def test_commitments_are_marked_kept_later(db: Path) -> None:
    store = Store()
    view = LogView(store, "me", "s", "trust")
    assert view.inputs["kept"].value == "not-yet"
    for what, due in [(f"Call at 8 {SCRIPT}", date(2025, 5, 5)), ("Walk", date(2025, 5, 6))]:
        view.inputs["what"].value = what
        view.inputs["due"].value = due
        view.add_button.click()
    assert [label for label, _id in view.open_entries.options] == [
        "2025-05-06 · Walk", f"2025-05-05 · Call at 8 {SCRIPT}",
    ]  # fmt: skip
    call = view.open_entries.options[1][1]
    view.open_entries.value = call
    rows_before = store.count()
    view.mark_buttons["yes"].click()
    assert store.count() == rows_before + 1
    assert "Marked as “Kept”" in view.status.value
    assert [label for label, _id in view.open_entries.options] == ["2025-05-06 · Walk"]
    by_id = {e.entry_id: e for e in entries(store, "me", "trust")}
    assert by_id[call].values["kept"] == "yes"
    report = view.report.value
    assert SCRIPT not in report
    assert "<td>Kept</td>" in report and "<td>Not yet</td>" in report
    assert "Kept 1 of 1 commitments marked so far." in report
    view.mark_buttons["no"].click()
    assert view.open_entries.options == ()
    assert view.mark_buttons["yes"].disabled
    (chart,) = svgs(view)
    rect = chart.find("{http://www.w3.org/2000/svg}rect")
    assert rect is not None
    assert rect.findtext("{http://www.w3.org/2000/svg}title") == "2025-W19: 1 of 2 kept"


def test_marking_with_nothing_open_says_so(db: Path) -> None:
    view = LogView(Store(), "me", "s", "trust")
    assert view.mark("yes") is False
    assert "Choose an open entry first" in view.status.value


def test_a_conflict_entry_and_its_chart(db: Path) -> None:
    store = Store()
    view = LogView(store, "me", "s", "conflict", Look())
    view.inputs["day"].value = date(2025, 6, 2)
    view.inputs["rules"].value = ("take-breaks", "validate-feelings")
    view.inputs["break"].value = "yes"
    view.inputs["phrase"].value = "other"
    view.inputs["phrase_other"].value = "Can we pause & <b>breathe</b>?"
    view.add_button.click()
    (entry,) = entries(store, "me", "conflict")
    assert entry.values["rules"] == ("take-breaks", "validate-feelings")
    assert entry.values["break"] == "yes"
    assert entry.values["phrase_other"] == "Can we pause & <b>breathe</b>?"
    report = view.report.value
    assert "<b>breathe</b>" not in report
    assert "a break taken in 100% of them" in report
    assert "“Can we pause &amp; &lt;b&gt;breathe&lt;/b&gt;?” ×1" in report
    (chart,) = svgs(view)
    assert chart.get("aria-label") == "How often each rule was kept (1 conflict logged)"
    assert view.inputs["break"].value is None
    assert view.inputs["rules"].value == ()


def test_refresh_takes_in_entries_saved_elsewhere(db: Path) -> None:
    store = Store()
    view = LogView(store, "me", "s", "trust")
    other = LogView(store, "me", "s", "trust")
    entry_id = append_entry(store, "me", "s", "trust", {"what": "Text back", "due": "2025-07-01"})
    view.refresh()
    assert "Text back" in view.report.value
    assert view.open_entries.value == entry_id
    update_field(store, "me", "s", "trust", entry_id, "kept", "yes")
    other.refresh()
    assert other.open_entries.options == ()
    assert "<td>Kept</td>" in other.report.value


def test_every_log_builds_with_a_small_widget_tree(db: Path) -> None:
    for log_id in ("grounding", "trust", "conflict"):
        view = LogView(Store(), "me", "s", log_id)
        assert len(view.widget.children) <= 16
        for chart in svgs(view):
            assert chart.get("role") == "img"


def test_each_field_is_labelled_by_its_own_widget_with_escaped_markup(db: Path) -> None:
    doc = json.loads((data_dir() / "logs.json").read_text(encoding="utf-8"))
    grounding = next(log for log in doc["logs"] if log["id"] == "grounding")
    grounding["fields"][0]["label"] = "Day <img src=x onerror=alert(1)> & night"
    view = LogView(Store(), "me", "s-1", "grounding", book=parse_logs(doc, "logs.json"))
    day, helped = view.inputs["day"], view.inputs["helped"]
    assert day.description == (
        "<span class='wb-prompt'>Day &lt;img src=x onerror=alert(1)&gt; &amp; night</span>"
        " <span class='wb-required'>(required)</span>"
    )
    assert "<span class='wb-hint'>Choose any that apply" in helped.description
    for widget in view.inputs.values():
        assert widget.description_allow_html is True and widget.tooltip == ""
        assert LABELLED in widget._dom_classes
        assert widget in view.widget.children  # no separate label widget before it
    assert not any("wb-prompt" in str(getattr(c, "value", "")) for c in view.widget.children)
