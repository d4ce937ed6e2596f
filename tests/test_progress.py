"""Progress tables: completion per section from current answers, and activity per day."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from workbook.content import load_guide
from workbook.progress import activity, completion
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


def by_section(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index("section_id")


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
    table = completion(Store(), "me", guide)
    assert list(table.columns) == ["section_id", "section", "answered", "items", "share"]
    assert list(table["section_id"]) == [s.id for s in guide.sections]
    assert (table["answered"] == 0).all()
    assert list(table["items"]) == [len(s.form_items) for s in guide.sections]
    assert (table["share"] == 0.0).all()
    assert table["answered"].dtype.kind == "i" and table["share"].dtype.kind == "f"


def test_section_labels_use_step_numbers(db: Path) -> None:
    table = by_section(completion(Store(), "me"))
    assert table.loc["step-01", "section"] == "Step 1"
    assert table.loc["step-10", "section"] == "Step 10"
    assert table.loc["intro", "section"] == load_guide().section("intro").short_title


def test_completion_counts_only_current_non_empty_answers(db: Path) -> None:
    store = Store()
    store.append(
        [
            check("step-01", "killers.stonewalling", True),
            check("step-01", "killers.constant-arguing", False),  # unticked: no answer
            check("step-01", "killers.jealousy-control", True),
            answer("step-05", "parts.acknowledgment", "I was wrong"),
            answer("step-05", "parts.ownership", ""),  # empty text: no answer
            answer("step-02", "check-in.calm", "7", kind="rating", value_num=7.0),
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
    assert table.loc["step-01", "answered"] == 1
    assert table.loc["step-05", "answered"] == 1
    assert table.loc["step-02", "answered"] == 1
    assert table.loc["intro", "answered"] == 1
    assert table.loc["step-03", "answered"] == 0
    assert table["answered"].sum() == 4
    assert table.loc["step-01", "share"] == pytest.approx(1 / table.loc["step-01", "items"])
    assert table["share"].between(0, 1).all()


def test_completion_is_per_client(db: Path) -> None:
    store = Store()
    store.append([answer("faq", "my-answer.win-back", "yes", client_id="client-2")])
    assert completion(store, "me")["answered"].sum() == 0
    assert by_section(completion(store, "client-2")).loc["faq", "answered"] == 1


def test_a_fully_answered_section_has_share_one(db: Path) -> None:
    guide = load_guide()
    section = guide.section("scripts")
    store = Store()
    store.append([answer(section.id, i.item_id, "written") for i in section.form_items])
    table = by_section(completion(store, "me", guide))
    assert table.loc["scripts", "answered"] == table.loc["scripts", "items"] == 3
    assert table.loc["scripts", "share"] == 1.0
    assert table["share"].between(0, 1).all()


def test_empty_store_activity_is_an_empty_typed_frame(db: Path) -> None:
    table = activity(Store(), "me")
    assert table.empty
    assert list(table.columns) == ["day", "answers"]
    assert table["day"].dtype.kind == "M"
    assert table["answers"].dtype.kind == "i"


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
    table = activity(store, "me")
    assert list(table.columns) == ["day", "answers"]
    assert table["day"].dtype.kind == "M" and table["answers"].dtype.kind == "i"
    assert [d.date().isoformat() for d in table["day"]] == ["2024-05-01", "2024-05-03"]
    assert list(table["answers"]) == [3, 2]
    assert table["answers"].sum() == len(times)


def test_activity_counts_every_saved_row_not_only_the_latest(db: Path) -> None:
    store = Store()
    store.append(
        answer("faq", "same", f"v{n}", saved_at=f"2024-05-01T10:00:0{n}.000000+00:00")
        for n in range(4)
    )
    assert list(activity(store, "me")["answers"]) == [4]


def test_activity_uses_local_calendar_days(db: Path, local_zone: None) -> None:
    # 02:00 UTC on 2 May is still 1 May in New York: the docstring promises local days.
    saved = "2024-05-02T02:00:00.000000+00:00"
    store = Store()
    store.append([answer("faq", "late", "x", saved_at=saved)])
    local_day = datetime.fromisoformat(saved).astimezone().date()
    assert local_day.isoformat() == "2024-05-01"
    table = activity(store, "me")
    assert [d.date() for d in table["day"]] == [local_day]
