"""The progress page: two SVG charts and a table listing every section as "N of M"."""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

from workbook.content import load_guide
from workbook.logs import load_logs
from workbook.progress_view import ProgressView
from workbook.store import Store, new_answer


def table_html(view: ProgressView) -> str:
    return str(view.widget.value)


def test_an_empty_store_builds_charts_and_a_full_table(db: Path) -> None:
    guide = load_guide()
    view = ProgressView(Store(), "me", guide)
    assert "wb-progress-page" in view.widget._dom_classes
    markup = table_html(view)
    assert markup.count("<svg ") == 2
    assert markup.count("<tr>") == len(guide.sections) + 1
    logs = Counter(log.step_id for log in load_logs().logs)
    for section in guide.sections:
        label = f"Step {section.number}" if section.number is not None else section.short_title
        items = len(section.form_items) + logs[section.id]
        row = f"<tr><td>{html.escape(label)}</td><td>0 of {items}</td></tr>"
        assert row in markup
    assert "A log counts as one item" in markup


def test_the_table_counts_answers(db: Path) -> None:
    guide = load_guide()
    store = Store()
    section = guide.section("scripts")
    store.append(
        new_answer(step_id="scripts", item_id=i.item_id, kind="text", prompt="p", value="x")
        for i in section.form_items[:2]
    )
    store.append(
        [new_answer(step_id="step-01", item_id="killers.stonewalling", kind="check",
                    prompt="p", value="true", value_num=1.0)]
    )  # fmt: skip
    markup = table_html(ProgressView(store, "me", guide))
    assert f"<tr><td>{html.escape(section.short_title)}</td><td>2 of 3</td></tr>" in markup
    assert f"<tr><td>Step 1</td><td>1 of {len(guide.section('step-01').form_items)}</td></tr>" in (
        markup
    )


def test_another_clients_answers_do_not_count(db: Path) -> None:
    store = Store()
    store.append(
        [new_answer(step_id="faq", item_id="my-answer.win-back", kind="text", prompt="p",
                    value="x", client_id="client-2")]
    )  # fmt: skip
    markup = table_html(ProgressView(store, "me", load_guide()))
    assert "<td>1 of" not in markup
