"""Backups: a full round trip between stores, idempotent restore, and refusals that change nothing."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from workbook.backup import (
    FORMAT,
    FORMAT_VERSION,
    BackupError,
    ImportResult,
    backup_bytes,
    backup_document,
    read_backup,
    restore,
)
from workbook.store import COLUMNS, Answer, Store, new_answer

EMOJI = "I miss us 💔👩‍❤️‍👨 — we 🙏"
RTL = "שלום, אני מצטער — مرحبا، أنا آسف"
SCRIPT = "<script>alert('x')</script><img src=x onerror=alert(1)>"
LONG = " ".join(f"word{n}" for n in range(10_000))
FORMULA = "=1+1"


def sample_answers(client_id: str = "me", count: int = 0) -> list[Answer]:
    """A mix of kinds and awkward text; `count` extra plain text answers after them."""
    common: dict[str, Any] = {"client_id": client_id, "session_id": "2024-05-01"}
    answers = [
        new_answer(step_id="step-01", item_id="killers.stonewalling", kind="check",
                   prompt="Stonewalling", value="true", value_num=1.0, **common),
        new_answer(step_id="step-01", item_id="killers.jealousy-control", kind="check",
                   prompt="Jealousy", value="false", value_num=0.0, **common),
        new_answer(step_id="step-02", item_id="check-in.calm", kind="rating",
                   prompt="How calm?", value="7", value_num=7.0, **common),
        new_answer(step_id="step-05", item_id="parts.acknowledgment", kind="text",
                   prompt="Acknowledge", value=EMOJI, **common),
        new_answer(step_id="step-05", item_id="parts.ownership", kind="text",
                   prompt="Own it", value=RTL, **common),
        new_answer(step_id="step-05", item_id="parts.empathy", kind="text",
                   prompt="<b>Empathy</b>", value=SCRIPT, **common),
        new_answer(step_id="step-05", item_id="parts.change", kind="text",
                   prompt="Change", value=LONG, **common),
        new_answer(step_id="faq", item_id="my-answer.win-back", kind="text",
                   prompt="Win back?", value=FORMULA, **common),
        new_answer(step_id="faq", item_id="my-answer.how-long", kind="text",
                   prompt="How long?", value="", **common),
        new_answer(step_id="intro", item_id="where-i-am.stage", kind="choice",
                   prompt="Stage", value="just-broke-up", value_num=0.0, **common),
    ]  # fmt: skip
    answers += [
        new_answer(step_id="faq", item_id=f"extra.{n}", kind="text", prompt="Extra",
                   value=f"answer {n}", **common)
        for n in range(count)
    ]  # fmt: skip
    return answers


def sorted_history(store: Store) -> pd.DataFrame:
    return store.history_frame().sort_values("entry_id").reset_index(drop=True)


def file_state(path: Path) -> bytes | None:
    """The store file's bytes, or None when it does not exist."""
    return path.read_bytes() if path.exists() else None


def document(rows: list[dict[str, Any]], **overrides: Any) -> bytes:
    doc: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": "2024-05-01T10:00:00.000000+00:00",
        "app_version": "test",
        "columns": list(COLUMNS),
        "answers": rows,
    }
    doc.update(overrides)
    return json.dumps(doc, ensure_ascii=False).encode()


def row(**changes: Any) -> dict[str, Any]:
    """One valid backup row, with some fields changed."""
    base = dict(
        entry_id="1b4e28ba-2fa1-11d2-883f-0016d3cca427",
        client_id="me",
        session_id="2024-05-01",
        step_id="step-01",
        item_id="killers.stonewalling",
        kind="check",
        prompt="Stonewalling",
        value="true",
        value_num=1.0,
        saved_at="2024-05-01T10:00:00.000000+00:00",
    )
    base.update(changes)
    return base


def valid_rows(n: int) -> list[dict[str, Any]]:
    rnd = random.Random(n)
    return [
        row(
            entry_id=f"{rnd.getrandbits(128):032x}"[:8] + f"-0000-4000-8000-{k:012d}",
            item_id=f"item.{k}",
            saved_at=f"2024-05-01T10:{k // 60 % 60:02d}:{k % 60:02d}.000000+00:00",
        )
        for k in range(n)
    ]


@pytest.fixture
def populated(tmp_path: Path) -> Store:
    """A target store that already holds answers (so refusals must keep them byte for byte)."""
    target = Store(tmp_path / "target.sqlite3")
    target.append(sample_answers(client_id="someone-else"))
    return target


# --- Round trip ---------------------------------------------------------------------------------


def test_round_trip_gives_an_identical_history(tmp_path: Path) -> None:
    source = Store(tmp_path / "a.sqlite3")
    target = Store(tmp_path / "b.sqlite3")
    answers = sample_answers() + sample_answers(client_id="client-2", count=5)
    assert source.append(answers) == len(answers)

    result = restore(target, backup_bytes(source))

    assert result == ImportResult(added=len(answers), already_present=0)
    pd.testing.assert_frame_equal(sorted_history(source), sorted_history(target))
    values = set(target.history_frame()["value"])
    assert {EMOJI, RTL, SCRIPT, LONG, FORMULA, ""} <= values
    assert len(LONG.split()) == 10_000
    nums = target.history_frame("me").set_index("item_id")["value_num"]
    assert nums["killers.stonewalling"] == 1.0
    assert nums["killers.jealousy-control"] == 0.0
    assert nums["check-in.calm"] == 7.0
    assert pd.isna(nums["parts.change"])


def test_backup_document_describes_itself(tmp_path: Path) -> None:
    source = Store(tmp_path / "a.sqlite3")
    source.append(sample_answers())
    doc = json.loads(backup_bytes(source).decode("utf-8"))
    assert doc["format"] == FORMAT and doc["format_version"] == FORMAT_VERSION
    assert doc["columns"] == list(COLUMNS)
    assert len(doc["answers"]) == len(sample_answers())
    assert backup_document(source, "nobody")["answers"] == []


def test_backup_of_one_client_holds_only_that_client(tmp_path: Path) -> None:
    source = Store(tmp_path / "a.sqlite3")
    source.append(sample_answers("me") + sample_answers("client-2"))
    answers = read_backup(backup_bytes(source, "client-2"))
    assert {a.client_id for a in answers} == {"client-2"}
    assert len(answers) == len(sample_answers())


def test_restoring_twice_adds_nothing_the_second_time(tmp_path: Path) -> None:
    source = Store(tmp_path / "a.sqlite3")
    target = Store(tmp_path / "b.sqlite3")
    n = source.append(sample_answers(count=3))
    data = backup_bytes(source)
    assert restore(target, data) == ImportResult(added=n, already_present=0)
    before = sorted_history(target)
    assert restore(target, data) == ImportResult(added=0, already_present=n)
    assert target.count() == n
    pd.testing.assert_frame_equal(before, sorted_history(target))


def test_restore_merges_with_what_is_there(tmp_path: Path) -> None:
    source = Store(tmp_path / "a.sqlite3")
    target = Store(tmp_path / "b.sqlite3")
    shared = sample_answers()
    source.append(shared)
    target.append(shared[:4] + sample_answers(client_id="client-2"))
    result = restore(target, backup_bytes(source))
    assert result == ImportResult(added=len(shared) - 4, already_present=4)
    assert target.count() == 2 * len(shared)


def test_restoring_an_empty_backup_adds_nothing(tmp_path: Path) -> None:
    data = backup_bytes(Store(tmp_path / "empty.sqlite3"))
    target = Store(tmp_path / "b.sqlite3")
    assert restore(target, data) == ImportResult(added=0, already_present=0)
    assert target.count() == 0


def test_saved_at_with_an_offset_is_stored_as_utc(tmp_path: Path) -> None:
    target = Store(tmp_path / "b.sqlite3")
    restore(target, document([row(saved_at="2024-05-01T12:30:00+02:00")]))
    (stored,) = target.latest("me").values()
    assert stored.saved_at == "2024-05-01T10:30:00.000000+00:00"
    when = target.history_frame()["saved_at"].iloc[0]
    assert when == pd.Timestamp("2024-05-01T10:30:00", tz="UTC")


def test_integer_value_num_is_accepted_as_a_number(tmp_path: Path) -> None:
    target = Store(tmp_path / "b.sqlite3")
    restore(target, document([row(value_num=1), row(entry_id="2b4e28ba-2fa1-11d2-883f-0016d3cca427",
                                                    item_id="x", value_num=None)]))  # fmt: skip
    nums = target.history_frame().set_index("item_id")["value_num"]
    assert nums["killers.stonewalling"] == 1.0 and pd.isna(nums["x"])


# --- Refusals -----------------------------------------------------------------------------------


def _good_backup() -> bytes:
    return document(valid_rows(20))


def _truncated() -> bytes:
    data = _good_backup()
    return data[: len(data) // 2]


def _refusals() -> list[tuple[str, bytes, str]]:
    """(case id, file bytes, words the message must contain)."""
    binary = bytes(random.Random(7).getrandbits(8) for _ in range(4096))
    return [
        ("truncated", _truncated(), "cut off"),
        ("random-binary", b"\xff\xfe\x00\x81" + binary, "not a text"),
        ("invalid-utf8", b'{"format": "repair-workbook-backup", "x": "\xc3\x28"}', "not a text"),
        ("zip-header", b"PK\x03\x04\x14\x00\x00\x00binarystuff\x00\x00", "not complete, valid JSON"),
        ("empty", b"", "empty"),
        ("only-whitespace", b"  \n\t ", "empty"),
        ("foreign-object", json.dumps({"cells": []}).encode(), "not a Repair Workbook backup"),
        ("foreign-list", json.dumps([1, 2, 3]).encode(), "not a Repair Workbook backup"),
        ("json-string", b'"hello"', "not a Repair Workbook backup"),
        ("wrong-format", document([row()], format="other-backup"), "not a Repair Workbook backup"),
        ("newer-version", document([row()], format_version=99), "newer version"),
        ("no-version", document([row()], format_version=None), "format version"),
        ("text-version", document([row()], format_version="1"), "format version"),
        ("missing-answers", document([], answers=None), "no list of answers"),
        ("answers-not-list", document([], answers={"a": row()}), "no list of answers"),
        ("row-not-record", document([row(), "oops"]), "Answer 2"),
        ("row-missing-column",
         document([{k: v for k, v in row().items() if k != "prompt"}]), "lacks: prompt"),
        ("non-text-value", document([row(value=5)]), "value should be text"),
        ("null-prompt", document([row(prompt=None)]), "prompt should be text"),
        ("bad-entry-id", document([row(entry_id="not-a-uuid")]), "Answer 1"),
        ("naive-saved-at", document([row(saved_at="2024-05-01T10:00:00")]), "no time zone"),
        ("not-a-date", document([row(saved_at="yesterday")]), "not a date"),
        ("unsafe-client-id", document([row(client_id="../x")]), "client id"),
        ("unsafe-session-id", document([row(session_id="a/b")]), "session id"),
        ("value-num-string", document([row(value_num="3")]), "value_num should be a number"),
        ("value-num-bool", document([row(value_num=True)]), "value_num should be a number"),
        ("empty-step-id", document([row(step_id="")]), "step_id '' is not allowed"),
        ("formula-item-id", document([row(item_id="=cmd|x")]), "item_id '=cmd|x' is not allowed"),
        ("quoted-kind", document([row(kind='te"xt')]), "kind 'te\"xt' is not allowed"),
    ]  # fmt: skip


REFUSALS = _refusals()


@pytest.mark.parametrize(("data", "words"), [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS])
def test_bad_files_are_refused_and_change_nothing(
    populated: Store, data: bytes, words: str
) -> None:
    before = file_state(populated.path)
    count = populated.count()
    with pytest.raises(BackupError) as caught:
        restore(populated, data)
    message = str(caught.value)
    assert words.lower() in message.lower()
    assert len(message) < 400 and "Traceback" not in message
    assert file_state(populated.path) == before
    assert populated.count() == count


@pytest.mark.parametrize(("data", "words"), [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS])
def test_bad_files_do_not_create_an_empty_store(tmp_path: Path, data: bytes, words: str) -> None:
    target = Store(tmp_path / "fresh.sqlite3")
    with pytest.raises(BackupError, match="(?i)" + words.replace("(", r"\(")):
        restore(target, data)
    assert not target.path.exists()


def test_the_newer_version_message_names_both_versions(populated: Store) -> None:
    with pytest.raises(BackupError) as caught:
        restore(populated, document([row()], format_version=99))
    assert "99" in str(caught.value) and "newer version" in str(caught.value)
    assert "Update" in str(caught.value)


def test_the_row_number_is_named(populated: Store) -> None:
    rows = valid_rows(5)
    rows[3]["saved_at"] = "2024-05-01 10:00"
    with pytest.raises(BackupError, match="Answer 4 in this backup"):
        restore(populated, document(rows))


def test_a_bad_500th_row_adds_no_rows_at_all(populated: Store) -> None:
    rows = valid_rows(600)
    rows[499]["client_id"] = "../x"
    before = file_state(populated.path)
    count = populated.count()
    with pytest.raises(BackupError, match="Answer 500"):
        restore(populated, document(rows))
    assert populated.count() == count
    assert file_state(populated.path) == before
    # The same file without the bad row restores completely.
    rows[499]["client_id"] = "me"
    assert restore(populated, document(rows)) == ImportResult(added=600, already_present=0)


# --- Hostile files: still a BackupError, never a crash -------------------------------------------
# A restore is offered to anyone with a file: whatever the file holds, the person must get the
# plain "was not restored" message, which backup_view shows only for BackupError.


def test_deeply_nested_json_is_refused_with_a_message(populated: Store) -> None:
    before = file_state(populated.path)
    with pytest.raises(BackupError):
        restore(populated, b"[" * 100_000 + b"]" * 100_000)
    assert file_state(populated.path) == before


def test_a_huge_integer_is_refused_with_a_message(populated: Store) -> None:
    before = file_state(populated.path)
    with pytest.raises(BackupError):
        restore(
            populated,
            document([row()]).replace(b'"value_num": 1.0', b'"value_num": 1' + b"0" * 400),
        )
    assert file_state(populated.path) == before


def test_text_that_is_not_valid_unicode_is_refused_with_a_message(populated: Store) -> None:
    # "\ud800" is valid JSON but no character: SQLite cannot store it as UTF-8.
    second = row(entry_id="2b4e28ba-2fa1-11d2-883f-0016d3cca427", item_id="b", value="SECOND")
    data = document([row(), second]).replace(b'"SECOND"', b'"\\ud800"')
    before = file_state(populated.path)
    count = populated.count()
    with pytest.raises(BackupError):
        restore(populated, data)
    assert populated.count() == count
    assert file_state(populated.path) == before
