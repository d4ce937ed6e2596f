"""Progress tables: completion per section from current answers, and activity per day."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from workbook.content import load_guide
from workbook.logs import append_entry, load_logs
from workbook.progress import SectionProgress, activity, completion
from workbook.store import Answer, Store, new_answer


def answer(
    step_id: str,
    item_id: str,
    value: str,
    *,
    kind: str = "text",
    value_num: float | None = None,
    client_id: str = "me",
    saved_at: str | None = None,
) -> Answer:
    return new_answer(
        step_id=step_id,
        item_id=item_id,
        kind=kind,
        prompt="p",
        value=value,
        value_num=value_num,
        client_id=client_id,
        session_id="2024-05-01",
        saved_at=saved_at,
    )


def check(step_id: str, item_id: str, ticked: bool, **kw: str) -> Answer:
    return answer(step_id, item_id, "true" if ticked else "false", kind="check",
                  value_num=1.0 if ticked else 0.0, **kw)  # fmt: skip


def by_section(rows: list[SectionProgress]) -> dict[str, SectionProgress]:
    return {r.section_id: r for r in rows}


@pytest.fixture
def local_zone() -> Iterator[None]:
    """Run with the local time zone set to New York (UTC-4 in May)."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


def test_empty_store_completion_lists_every_section_at_zero(db: Path) -> None:
    guide = load_guide()
    rows = completion(Store(), "me", guide)
    assert [r.section_id for r in rows] == [s.id for s in guide.sections]
    assert all(r.answered == 0 and r.share == 0.0 for r in rows)
    logs_per_section = Counter(log.step_id for log in load_logs().logs)
    assert [r.items for r in rows] == [
        len(s.form_items) + logs_per_section[s.id] for s in guide.sections
    ]


def test_a_log_with_an_entry_counts_as_one_answered_item(db: Path) -> None:
    store = Store()
    append_entry(store, "me", "s", "grounding", {"calm": 4, "urge": 8})
    append_entry(store, "me", "s", "grounding", {"calm": 6, "urge": 3})
    table = by_section(completion(store, "me"))
    assert table["step-02"].answered == 1
    assert table["step-06"].answered == table["step-08"].answered == 0


def test_completion_reads_the_answers_once_for_forms_and_logs(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store()
    append_entry(store, "me", "s", "conflict", {"day": "2025-03-02", "break": True})
    reads: list[tuple[object, ...]] = []
    real_latest = store.latest

    def counted_latest(*args: Any) -> dict[tuple[str, str], Answer]:
        reads.append(args)
        return real_latest(*args)

    monkeypatch.setattr(store, "latest", counted_latest)
    assert by_section(completion(store, "me"))["step-08"].answered == 1
    assert reads == [("me",)]


def test_section_labels_use_step_numbers(db: Path) -> None:
    table = by_section(completion(Store(), "me"))
    assert table["step-01"].label == "Step 1"
    assert table["step-10"].label == "Step 10"
    assert table["intro"].label == load_guide().section("intro").short_title


def test_completion_counts_only_current_non_empty_answers(db: Path) -> None:
    store = Store()
    store.append(
        [
            check("step-01", "killers.stonewalling", True),
            check("step-01", "killers.constant-arguing", False),  # unticked: no answer
            check("step-01", "killers.jealousy-control", True),
            answer("step-05", "parts.acknowledgment", "I was wrong"),
            answer("step-05", "parts.ownership", ""),  # empty text: no answer
            answer("step-06", "trust-actions.show-up", "3", kind="rating", value_num=3.0),
            answer("intro", "where-i-am.stage", "just-broke-up", kind="choice", value_num=0.0),
            answer("step-05", "no-such-item", "ignored: not in the guide"),
            answer("step-99", "whatever", "ignored: no such section"),
        ]
    )
    # Later answers replace earlier ones: one box unticked, one text emptied, one text written.
    time.sleep(0.002)
    store.append(
        [
            check("step-01", "killers.jealousy-control", False),
            answer("step-05", "parts.ownership", "Mine"),
            answer("step-05", "parts.acknowledgment", ""),
        ]
    )
    table = by_section(completion(store, "me"))
    assert table["step-01"].answered == 1
    assert table["step-05"].answered == 1
    assert table["step-06"].answered == 1
    assert table["intro"].answered == 1
    assert table["step-03"].answered == 0
    assert sum(r.answered for r in table.values()) == 4
    assert table["step-01"].share == pytest.approx(1 / table["step-01"].items)
    assert all(0 <= r.share <= 1 for r in table.values())


def test_completion_is_per_client(db: Path) -> None:
    store = Store()
    store.append([answer("faq", "my-answer.win-back", "yes", client_id="client-2")])
    assert sum(r.answered for r in completion(store, "me")) == 0
    assert by_section(completion(store, "client-2"))["faq"].answered == 1


def test_a_fully_answered_section_has_share_one(db: Path) -> None:
    guide = load_guide()
    section = guide.section("scripts")
    store = Store()
    store.append([answer(section.id, i.item_id, "written") for i in section.form_items])
    row = by_section(completion(store, "me", guide))["scripts"]
    assert row.answered == row.items == 3
    assert row.share == 1.0


def test_empty_store_has_no_activity(db: Path) -> None:
    assert activity(Store(), "me") == []


def test_activity_groups_answers_by_day(db: Path) -> None:
    store = Store()
    times = [
        "2024-05-03T09:00:00.000000+00:00",
        "2024-05-01T08:00:00.000000+00:00",
        "2024-05-01T12:00:00.000000+00:00",
        "2024-05-01T13:00:00.000000+00:00",
        "2024-05-03T20:00:00.000000+00:00",
    ]
    store.append(answer("faq", f"i{n}", "x", saved_at=t) for n, t in enumerate(times))
    store.append([answer("faq", "other", "x", client_id="client-2", saved_at=times[0])])
    days = [(d.isoformat(), n) for d, n in activity(store, "me")]
    local = [datetime.fromisoformat(t).astimezone().date().isoformat() for t in times]
    assert days == sorted({d: local.count(d) for d in local}.items())
    assert sum(n for _d, n in days) == len(times)


def test_activity_counts_every_saved_row_not_only_the_latest(db: Path) -> None:
    store = Store()
    store.append(
        answer("faq", "same", f"v{n}", saved_at=f"2024-05-01T12:00:0{n}.000000+00:00")
        for n in range(4)
    )
    assert [n for _d, n in activity(store, "me")] == [4]


def test_activity_uses_local_calendar_days(db: Path, local_zone: None) -> None:
    # 02:00 UTC on 2 May is still 1 May in New York: the docstring promises local days.
    saved = "2024-05-02T02:00:00.000000+00:00"
    store = Store()
    store.append([answer("faq", "late", "x", saved_at=saved)])
    local_day = datetime.fromisoformat(saved).astimezone().date()
    assert local_day.isoformat() == "2024-05-01"
    assert activity(store, "me") == [(local_day, 1)]
