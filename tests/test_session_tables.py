"""Session tables for counselors: what a session holds, in words, what changed, and scores over sessions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sample_store import fill_sample_store

from workbook.session_tables import (
    changes_since_previous,
    load_history,
    scores_over_sessions,
    session_tables,
)
from workbook.store import Store, new_answer


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "counselor.sqlite3")
    fill_sample_store(s, ("alex",), sessions=3)
    return s


def test_a_session_as_tables_in_words(store: Store) -> None:
    tables = session_tables(load_history(store, "alex"), "2026-09-08")
    assert set(tables) == {
        "Checklists", "Ratings and choices", "Reflections", "Log: Daily grounding check-in",
        "Scores at the end of this session",
    }  # fmt: skip
    checks = tables["Checklists"]
    assert set(checks["Ticked"]) <= {"Yes", "No"}
    assert "Constant arguing" in set(checks["Item"])
    log = tables["Log: Daily grounding check-in"]
    assert list(log.columns) == ["Day", "Calm", "Urge", "Helped", "Note"]
    assert log.iloc[0]["Helped"] == "Breathe and journal, Sleep"
    ratings = tables["Ratings and choices"]
    assert ratings["Answer"].str.contains(r"\(").any()  # rating labels are shown


def test_what_changed_since_the_previous_session(store: Store) -> None:
    history = load_history(store, "alex")
    changes = changes_since_previous(history, "2026-09-08")
    arguing = changes[changes["Item"] == "Constant arguing"].iloc[0]
    assert (arguing["Before"], arguing["Now"], arguing["Change"]) == ("No", "Yes", "changed")
    assert set(changes[changes["Section"] == "Get grounded"]["Change"]) == {"new"}
    assert len(changes_since_previous(history, "2026-09-01")) == len(
        history.in_session("2026-09-01")
    )


def test_an_answer_changed_back_is_not_listed(store: Store) -> None:
    history = load_history(store, "alex")
    before = history.in_session("2026-09-08")[("step-01", "killers.constant-arguing")]
    assert "Constant arguing" in set(changes_since_previous(history, "2026-09-15")["Item"])
    store.append(
        [new_answer(client_id="alex", session_id="2026-09-15", step_id="step-01",
                    item_id="killers.constant-arguing", kind="check", prompt="Constant arguing",
                    value=before.value, value_num=before.value_num,
                    saved_at="2026-09-15T18:00:00.000000+00:00")]
    )  # fmt: skip
    changes = changes_since_previous(load_history(store, "alex"), "2026-09-15")
    assert "Constant arguing" not in set(changes["Item"])
    assert len(changes) > 0


def test_scores_over_sessions(store: Store) -> None:
    scores = scores_over_sessions(load_history(store, "alex"))
    assert list(scores["Session"]) == [1, 2, 3]
    assert list(scores["CSI-4 (0–21)"]) == [8, 12, 16]
    assert list(scores["Date"]) == ["2026-09-01", "2026-09-08", "2026-09-15"]
    assert (scores["Answers saved"] > 0).all()
