"""Clients and their numbered, dated sessions; a format-1 answers file gains them when opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sample_store import fill_sample_store

from workbook import store as store_module
from workbook.sessions import clients, list_sessions
from workbook.store import Store, new_answer


def test_sessions_are_numbered_per_client_in_the_order_they_started(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.sqlite3")
    fill_sample_store(store, ("alex", "sam"), sessions=3)
    assert clients(store) == ["alex", "sam"]
    alex = list_sessions(store, "alex")
    assert [s.number for s in alex] == [1, 2, 3]
    assert [s.session_id for s in alex] == ["2026-09-01", "2026-09-08", "2026-09-15"]
    assert all(s.answers == alex[0].answers > 0 for s in alex)
    assert alex[0].label.startswith("Session 1 · 2026-09-01")
    assert len(list_sessions(store)) == 6


def test_a_named_session_shows_its_id_beside_its_number(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.sqlite3")
    store.append(
        [
            new_answer(client_id="c", session_id="intake", step_id="s", item_id="i", kind="text",
                       prompt="p", value="v", saved_at="2026-10-02T10:00:00.000000+00:00"),
            new_answer(client_id="c", session_id="follow-up", step_id="s", item_id="i", kind="text",
                       prompt="p", value="w", saved_at="2026-10-09T10:00:00.000000+00:00"),
        ]
    )  # fmt: skip
    found = list_sessions(store, "c")
    assert [(s.number, s.session_id) for s in found] == [(1, "intake"), (2, "follow-up")]
    assert found[0].label.endswith("(intake)")


def test_a_format_1_file_is_upgraded_and_keeps_its_answers(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    store_module._run_script(conn, store_module._CREATE)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO answers VALUES ('e1', 'me', '2026-01-05', 'step-01', 'i', 'text', 'p', 'kept', NULL, "
        "'2026-01-05T10:00:00.000000+00:00')"
    )
    conn.commit()
    conn.close()

    store = Store(path)
    assert [s.session_id for s in list_sessions(store)] == ["2026-01-05"]
    assert store.latest("me")[("step-01", "i")].value == "kept"
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == store_module.STORE_FORMAT == 2
