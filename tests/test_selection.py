"""Selections: which answers an export covers, checked against the real store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sample_store import fill_sample_store

from workbook.selection import Selection
from workbook.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "a.sqlite3")
    fill_sample_store(s, ("alex", "sam", "kim"), sessions=3)
    return s


def selected(store: Store, selection: Selection) -> list[tuple[str, str, str, str]]:
    where, params = selection.where()
    with store.connect() as conn:
        return conn.execute(
            f"SELECT client_id, session_id, step_id, saved_at FROM answers{where}", params
        ).fetchall()


def test_an_empty_selection_takes_everything(store: Store) -> None:
    assert len(selected(store, Selection())) == store.count()
    assert Selection().describe() == "everything"


def test_each_filter_narrows_the_rows(store: Store) -> None:
    rows = selected(store, Selection(("alex", "kim"), ("2026-09-08",), "step-01", date(2026, 9, 2)))
    assert rows
    assert {r[0] for r in rows} == {"alex", "kim"}
    assert {r[1] for r in rows} == {"2026-09-08"}
    assert {r[2] for r in rows} == {"step-01"}


def test_since_counts_from_the_start_of_the_local_day(store: Store) -> None:
    later = selected(store, Selection(since=date(2026, 9, 9)))
    assert {r[1] for r in later} == {"2026-09-15"}


def test_unsafe_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="not allowed"):
        Selection(("../etc",))
    with pytest.raises(ValueError, match="not allowed"):
        Selection(session_ids=("x' OR 1=1 --",))


def test_a_deidentified_description_names_no_ids_or_dates() -> None:
    selection = Selection(("alex",), ("2026-09-08",), "step-01", date(2026, 9, 2))
    assert selection.describe() == (
        "clients alex; sessions 2026-09-08; section step-01; saved on or after 2026-09-02"
    )
    hidden = selection.describe(deidentified=True)
    assert "alex" not in hidden and "2026" not in hidden
