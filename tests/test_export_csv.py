"""The fast CSV path (lines built by SQLite) reads back exactly as cell by cell safe text would."""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path

from workbook.backup import restore
from workbook.cells import cell_text
from workbook.export import ExportRequest
from workbook.export_csv import write_csv
from workbook.store import COLUMNS, Store

AWKWARD = [
    'He said "never again", then left', "a,b,c", "two\nlines", "cr\rinside", "=1+2", "+44 7700",
    "-minus", "@at", "\tlead tab", "\rlead return", "bell\x07 and \x1f", "\x01=x", "'quoted",
    "emoji 💔🙂", "<script>alert(1)</script>", "", " ", "ünïcödé",
]  # fmt: skip
NUMBERS = [None, 0.0, 1.0, -3.0, 0.1, 0.30000000000000004, 1e20, 123456789.5, 2.5e-7]


def test_every_field_reads_back_as_safe_text_and_exact_numbers(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.sqlite3")
    rows = [
        {"entry_id": str(uuid.uuid4()), "client_id": "c", "session_id": "s", "step_id": "x",
         "item_id": f"i{n}", "kind": "text", "prompt": text, "value": text,
         "value_num": NUMBERS[n % len(NUMBERS)], "saved_at": "2026-01-01T10:00:00+00:00"}
        for n, text in enumerate(AWKWARD)
    ]  # fmt: skip
    doc = {"format": "repair-workbook-backup", "format_version": 1, "answers": rows}
    restore(store, json.dumps(doc).encode())
    answers, dictionary = io.StringIO(), io.StringIO()

    assert write_csv(store, ExportRequest(), answers, dictionary) == len(AWKWARD)

    read = list(csv.reader(io.StringIO(answers.getvalue(), newline="")))
    assert tuple(read[0]) == COLUMNS
    with store.connect() as conn:
        stored = conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM answers ORDER BY client_id, session_id, saved_at, rowid"
        ).fetchall()
    expected = [
        [
            ("" if v is None else repr(v)) if c == "value_num" else cell_text(v)
            for c, v in zip(COLUMNS, row, strict=True)
        ]
        for row in stored
    ]
    assert [r[:8] + r[9:] for r in read[1:]] == [r[:8] + r[9:] for r in expected]
    numbers = [float(r[8]) if r[8] else None for r in read[1:]]
    assert numbers == [row[8] for row in stored]
    assert {"0.1", "1.0", "-3.0", "0.30000000000000004"} <= {
        r[8] for r in read[1:]
    }  # shortest form
