"""The answers store: typed tables, latest answers, exact text, concurrent writers, format checks, erase."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import random
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest

from workbook import store
from workbook.store import COLUMNS, STORE_FORMAT, Answer, Store, StoreError, new_answer

WRITER = Path(__file__).parent / "store_writer.py"


def answer(
    item_id: str = "i1",
    *,
    value: str = "v",
    prompt: str = "p",
    client_id: str = "a",
    step_id: str = "step-01",
    saved_at: str | None = None,
    value_num: float | None = None,
    kind: str = "text",
) -> Answer:
    return new_answer(
        client_id=client_id,
        session_id="2024-05-01",
        step_id=step_id,
        item_id=item_id,
        kind=kind,
        prompt=prompt,
        value=value,
        value_num=value_num,
        saved_at=saved_at,
    )


def files_of(path: Path) -> list[Path]:
    """The database file and whichever of its -wal and -shm files exist."""
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


def bytes_contain(path: Path, needle: str) -> list[str]:
    """Names of the store's files whose bytes contain the utf-8 encoding of `needle`."""
    encoded = needle.encode("utf-8")
    return [p.name for p in files_of(path) if encoded in p.read_bytes()]


# -- typed tables ---------------------------------------------------------------------------------


def test_history_frame_has_the_columns_in_order_and_typed(db: Path) -> None:
    s = Store()
    s.append(
        [
            answer(
                "i1",
                value="yes",
                kind="check",
                value_num=None,
                saved_at="2024-05-01T10:00:00.000001+00:00",
            ),
            answer(
                "i2",
                value="4",
                kind="rating",
                value_num=4.0,
                saved_at="2024-05-01T10:00:01.000000+00:00",
            ),
        ]
    )
    frame = s.history_frame()

    assert tuple(frame.columns) == COLUMNS
    assert len(frame) == 2
    for column in store.STRING_COLUMNS:
        assert isinstance(frame[column].dtype, pd.StringDtype), (column, frame[column].dtype)
    assert len(store.STRING_COLUMNS) == 8
    assert frame["value_num"].dtype == "float64"
    assert math.isnan(frame["value_num"].iloc[0])
    assert frame["value_num"].iloc[1] == 4.0
    saved_at = frame["saved_at"].dtype
    assert isinstance(saved_at, pd.DatetimeTZDtype) and str(saved_at.tz) == "UTC", saved_at
    assert frame["saved_at"].iloc[0] == pd.Timestamp("2024-05-01T10:00:00.000001", tz="UTC")
    assert list(frame["item_id"]) == ["i1", "i2"]


def test_empty_frames_are_typed_too(db: Path) -> None:
    for frame in (Store().history_frame(), Store().latest_frame()):
        assert tuple(frame.columns) == COLUMNS and len(frame) == 0
        assert isinstance(frame["entry_id"].dtype, pd.StringDtype)
        assert frame["value_num"].dtype == "float64"
        assert isinstance(frame["saved_at"].dtype, pd.DatetimeTZDtype)


# -- latest answers -------------------------------------------------------------------------------


def test_latest_is_the_newest_answer_even_when_imported_out_of_order(db: Path) -> None:
    s = Store()
    newer = answer("i1", value="newer", saved_at="2024-05-02T09:00:00.000000+00:00")
    older = answer("i1", value="older", saved_at="2024-05-01T09:00:00.000000+00:00")
    s.append([newer])
    s.append([older])  # inserted after, but saved earlier

    assert s.count() == 2
    assert s.latest("a") == {("step-01", "i1"): newer}
    frame = s.latest_frame("a")
    assert list(frame["value"]) == ["newer"]
    assert list(s.history_frame("a")["value"]) == ["older", "newer"]


def test_latest_is_per_item_and_per_client(db: Path) -> None:
    s = Store()
    t = "2024-05-01T09:00:0{}.000000+00:00"
    s.append(
        [
            answer("i1", client_id="a", value="a1-new", saved_at=t.format(5)),
            answer("i1", client_id="b", value="b1-old", saved_at=t.format(1)),
            answer("i1", client_id="a", value="a1-old", saved_at=t.format(2)),
            answer("i1", client_id="b", value="b1-new", saved_at=t.format(3)),
            answer("i2", client_id="a", value="a2", saved_at=t.format(0)),
            answer("i1", client_id="a", step_id="step-02", value="a-s2", saved_at=t.format(0)),
        ]
    )

    latest_a = s.latest("a")
    assert {k: v.value for k, v in latest_a.items()} == {
        ("step-01", "i1"): "a1-new",
        ("step-01", "i2"): "a2",
        ("step-02", "i1"): "a-s2",
    }
    assert {k: v.value for k, v in s.latest("b").items()} == {("step-01", "i1"): "b1-new"}
    assert {k: v.value for k, v in s.latest("a", "step-02").items()} == {("step-02", "i1"): "a-s2"}
    assert s.latest("nobody") == {}

    frame = s.latest_frame()
    assert len(frame) == 4
    assert not frame.duplicated(["client_id", "step_id", "item_id"]).any()
    got = {(r.client_id, r.step_id, r.item_id): r.value for r in frame.itertuples()}
    assert got == {
        ("a", "step-01", "i1"): "a1-new",
        ("a", "step-01", "i2"): "a2",
        ("a", "step-02", "i1"): "a-s2",
        ("b", "step-01", "i1"): "b1-new",
    }
    assert list(s.latest_frame("b")["value"]) == ["b1-new"]


def test_append_is_idempotent_by_entry_id(db: Path) -> None:
    s = Store()
    one = answer("i1")
    two = answer("i2")
    assert s.append([one]) == 1
    assert s.append([one]) == 0
    assert s.append([one, two]) == 1
    assert s.append([]) == 0
    assert s.count() == 2
    assert sorted(s.history_frame()["entry_id"]) == sorted([one.entry_id, two.entry_id])


# -- exact text -----------------------------------------------------------------------------------


def _long_text() -> str:
    rng = random.Random(4471)
    letters = "abcdefghijklmnopqrstuvwxyzéüßçøñ"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 9))) for _ in range(10_000)]
    lines = [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
    return "\n".join(lines)


LONG_TEXT = _long_text()
TRICKY_TEXTS = {
    "emoji": "👩‍❤️‍👨 🙏🏽 family 👨‍👩‍👧‍👦 flag 🏳️‍🌈 done",
    "arabic": "\u200fأنا أحبك\u200f ولكن \u200eOK\u200e نحن بحاجة إلى التحدث",
    "hebrew": "\u200fאני אוהב אותך\u200f \u200e(2024)\u200e שלום",
    "long": LONG_TEXT,
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "newlines": "line one\r\nline\ttwo\r\n\ttabbed\rlone CR\n",
    "formula": '=HYPERLINK("x")',
}


def test_long_text_is_about_60_kb_without_nul() -> None:
    assert len(LONG_TEXT.split()) == 10_000
    assert "\x00" not in LONG_TEXT
    assert 50_000 < len(LONG_TEXT.encode("utf-8")) < 80_000


@pytest.mark.parametrize("name", TRICKY_TEXTS)
def test_text_round_trips_byte_exact(db: Path, name: str) -> None:
    text = TRICKY_TEXTS[name]
    prompt = f"{text} [prompt]"
    s = Store()
    saved = answer("i1", value=text, prompt=prompt)
    s.append([saved])

    back = s.latest("a")[("step-01", "i1")]
    assert back == saved
    assert back.value == text and back.value.encode("utf-8") == text.encode("utf-8")
    assert back.prompt == prompt and back.prompt.encode("utf-8") == prompt.encode("utf-8")

    for frame in (s.history_frame("a"), s.latest_frame("a")):
        assert frame["value"].iloc[0] == text
        assert frame["value"].iloc[0].encode("utf-8") == text.encode("utf-8")
        assert frame["prompt"].iloc[0].encode("utf-8") == prompt.encode("utf-8")

    # What is on disk is the utf-8 text itself, unchanged.
    with sqlite3.connect(db) as conn:
        raw_value, raw_prompt = conn.execute(
            "SELECT CAST(value AS BLOB), CAST(prompt AS BLOB) FROM answers"
        ).fetchone()
    conn.close()
    assert raw_value == text.encode("utf-8")
    assert raw_prompt == prompt.encode("utf-8")


# -- concurrent writers ---------------------------------------------------------------------------


def run_writers(db: Path, go: Path, clients: list[str], count: int) -> list[dict[str, object]]:
    """Start one store_writer.py process per client, release them together, return their reports."""
    env = {**os.environ, "WORKBOOK_DB": str(db)}
    procs = [
        subprocess.Popen(
            [sys.executable, str(WRITER), str(go), client, str(count)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for client in clients
    ]
    deadline = time.monotonic() + 60
    while not all(Path(f"{go}.{c}.ready").exists() for c in clients):
        assert time.monotonic() < deadline, "writers did not get ready"
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
        time.sleep(0.01)
    go.write_text("go")
    reports = []
    for client, proc in zip(clients, procs, strict=True):
        out, err = proc.communicate(timeout=300)
        assert "database is locked" not in err, f"{client}: {err}"
        assert proc.returncode == 0, f"{client}: {err}"
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


@pytest.mark.parametrize("existing", [False, True], ids=["new-file", "existing-store"])
def test_two_processes_appending_one_per_transaction_lose_nothing(
    db: Path, tmp_path: Path, existing: bool
) -> None:
    if existing:
        assert Store(db).count() == 0
    clients = ["writer-a", "writer-b"]
    reports = run_writers(db, tmp_path / "go", clients, 500)

    assert [r["added"] for r in reports] == [500, 500]
    # They really ran at the same time.
    assert max(r["start"] for r in reports) < min(r["end"] for r in reports)

    s = Store(db)
    assert s.count() == 1000
    frame = s.history_frame()
    assert frame["entry_id"].nunique() == 1000
    assert frame["client_id"].value_counts().to_dict() == {"writer-a": 500, "writer-b": 500}
    for client in clients:
        assert len(s.latest(client)) == 500


def test_writers_starting_together_on_a_new_file_all_succeed(tmp_path: Path) -> None:
    """The first use of a new answers file by two processes at once (repeated: it is a race)."""
    for round_ in range(15):
        db = tmp_path / f"round-{round_}.sqlite3"
        reports = run_writers(db, tmp_path / f"go-{round_}", ["first", "second"], 5)
        assert [r["added"] for r in reports] == [5, 5]
        assert Store(db).count() == 10


# -- the file's format ----------------------------------------------------------------------------


def _newer_store(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(store._CREATE)
    conn.execute(f"PRAGMA user_version = {STORE_FORMAT + 1}")
    conn.commit()
    conn.close()


def _newer_store_in_wal(path: Path) -> None:
    Store(path).append([answer("i1")])
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {STORE_FORMAT + 1}")
    conn.close()


def _foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT, minutes INTEGER)")
    conn.execute("INSERT INTO recipes VALUES ('bread', 240)")
    conn.commit()
    conn.close()


def _damaged_store(path: Path) -> None:
    Store(path).append([answer(f"i{n}", value="x" * 500) for n in range(50)])
    data = bytearray(path.read_bytes())
    rng = random.Random(1)
    data[100:] = bytes(rng.randrange(256) for _ in range(len(data) - 100))
    path.write_bytes(bytes(data))


REFUSED = {
    "newer": (_newer_store, "newer version"),
    "newer-wal": (_newer_store_in_wal, "newer version"),
    "foreign": (_foreign_sqlite, "not a Repair Workbook answers file"),
    "random-bytes": (lambda p: p.write_bytes(random.Random(7).randbytes(8192)), ""),
    "text-file": (lambda p: p.write_text("name,answer\nme,hello\n" * 200), ""),
    "short-text": (lambda p: p.write_text("hello\n"), ""),
    "damaged-sqlite": (_damaged_store, ""),
}


@pytest.mark.parametrize("case", REFUSED)
def test_unusable_files_are_refused_and_left_unchanged(db: Path, case: str) -> None:
    make, message = REFUSED[case]
    make(db)
    before = db.read_bytes()

    for action in (Store(db).count, lambda: Store(db).append([answer("i9")]), Store(db).erase):
        with pytest.raises(StoreError) as info:
            action()
        assert message in str(info.value)
        assert str(db) in str(info.value)

    assert db.read_bytes() == before
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0


def test_an_empty_file_is_accepted_and_initialised(db: Path) -> None:
    db.write_bytes(b"")
    s = Store(db)
    assert s.count() == 0
    assert s.append([answer("i1")]) == 1
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == STORE_FORMAT
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert "answers" in tables
    assert Store(db).count() == 1


def test_a_missing_file_and_folder_are_created(tmp_path: Path) -> None:
    path = tmp_path / "deeper" / "still" / "answers.sqlite3"
    assert Store(path).append([answer("i1")]) == 1
    assert path.is_file()


# -- erase ----------------------------------------------------------------------------------------

SECRET_A = "ZEBRA-SECRET-4471 👩‍❤️‍👨"
SECRET_B = "OTTER-SECRET-9902 🙏🏽"


def _fill_two_clients(s: Store) -> None:
    for n in range(3):
        s.append([answer(f"i{n}", client_id="a", value=f"{SECRET_A} v{n}", prompt=f"{SECRET_A} p")])
        s.append([answer(f"i{n}", client_id="b", value=f"{SECRET_B} v{n}", prompt=f"{SECRET_B} p")])


@pytest.mark.parametrize("other_connection_open", [False, True], ids=["alone", "with-reader"])
def test_erase_one_client_removes_its_text_from_every_file(
    db: Path, other_connection_open: bool
) -> None:
    s = Store()
    s.append([answer("first", client_id="c", value="harmless")])
    # An idle connection held open keeps the -wal file alive between the store's own connections.
    other = sqlite3.connect(db) if other_connection_open else None
    try:
        if other is not None:
            assert other.execute("SELECT COUNT(*) FROM answers").fetchone() == (1,)
        _fill_two_clients(s)
        assert bytes_contain(db, SECRET_A)
        if other_connection_open:
            assert Path(f"{db}-wal").exists()

        assert s.erase(client_id="a") == 3

        assert bytes_contain(db, SECRET_A) == []
        assert bytes_contain(db, "ZEBRA-SECRET-4471") == []
        assert s.latest("a") == {}
        assert list(s.latest("c")) == [("step-01", "first")]
        assert {a.value for a in s.latest("b").values()} == {f"{SECRET_B} v{n}" for n in range(3)}
        assert s.count() == 4

        assert s.erase() == 4
        assert s.count() == 0
        for secret in (SECRET_A, SECRET_B, "ZEBRA-SECRET", "OTTER-SECRET"):
            assert bytes_contain(db, secret) == [], secret
    finally:
        if other is not None:
            other.close()
    for secret in (SECRET_A, SECRET_B, "ZEBRA-SECRET", "OTTER-SECRET"):
        assert bytes_contain(db, secret) == [], secret


def test_erase_all_removes_every_text(db: Path) -> None:
    s = Store()
    _fill_two_clients(s)
    assert s.erase(None) == 6
    assert s.count() == 0
    assert files_of(db)
    for secret in (SECRET_A, SECRET_B, "ZEBRA-SECRET", "OTTER-SECRET"):
        assert bytes_contain(db, secret) == [], secret
    # The store still works afterwards.
    assert s.append([answer("i1")]) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("entry_id", "not-a-uuid"),
        ("client_id", "=cmd"),
        ("session_id", "a,b"),
        ("step_id", 'say "hi"'),
        ("item_id", "line\nbreak"),
        ("kind", ""),
        ("saved_at", "2024-05-01 10:00"),
    ],
)
def test_rows_with_unsafe_ids_are_refused_and_nothing_is_added(
    tmp_path: Path, field: str, value: str
) -> None:
    s = Store(tmp_path / "a.sqlite3")
    good = answer("ok")
    bad = dataclasses.replace(good, **{"entry_id": str(uuid.uuid4()), field: value})
    with pytest.raises(ValueError, match=r"cannot be stored|not UTC"):
        s.append([good, bad])
    assert s.count() == 0
