"""The Excel export: equals the CSV when read back, frozen headers, column widths, no formulas, row limit."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sample_store import fill_sample_store

from workbook import export_excel
from workbook.backup import restore
from workbook.export import ExportRequest, export_files
from workbook.store import COLUMNS, Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "counselor.sqlite3")
    fill_sample_store(s, ("alex", "sam"), sessions=3)
    row = {
        "entry_id": str(uuid.uuid4()), "client_id": "alex", "session_id": "2026-09-15",
        "step_id": "step-01", "item_id": "x", "kind": "text", "prompt": "=1+1", "value": "-2\x07",
        "value_num": None, "saved_at": "2026-09-15T16:00:00+00:00",
    }  # fmt: skip
    doc = {"format": "repair-workbook-backup", "format_version": 1, "answers": [row]}
    restore(s, json.dumps(doc).encode())
    return s


def xlsx(store: Store, request: ExportRequest | None = None) -> bytes:
    (data,) = export_files(store, "xlsx", request or ExportRequest(), "book").values()
    return data


def test_excel_read_back_with_pandas_equals_the_csv(store: Store) -> None:
    files = export_files(store, "csv", ExportRequest(), "book")
    types = {c: str for c in COLUMNS if c != "value_num"} | {"value_num": "float64"}
    from_csv = pd.read_csv(
        io.BytesIO(files["book.csv"]), dtype=types, keep_default_na=False,
        na_values={"value_num": [""]}, encoding="utf-8-sig",
    )  # fmt: skip
    from_excel = pd.read_excel(io.BytesIO(xlsx(store)), sheet_name="answers", dtype=types)
    from_excel = from_excel.fillna({c: "" for c in COLUMNS if c != "value_num"})
    assert list(from_excel.columns) == list(COLUMNS)
    assert len(from_excel) == store.count()
    pd.testing.assert_frame_equal(from_excel, from_csv)
    dictionary = pd.read_excel(io.BytesIO(xlsx(store)), sheet_name="dictionary", dtype=str)
    from_csv_dictionary = pd.read_csv(
        io.BytesIO(files["book-dictionary.csv"]), dtype=str, keep_default_na=False,
        encoding="utf-8-sig",
    )  # fmt: skip
    pd.testing.assert_frame_equal(dictionary.fillna(""), from_csv_dictionary)


def test_sheets_have_a_frozen_bold_header_and_readable_widths(store: Store) -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx(store)))
    assert book.sheetnames == ["answers", "sessions", "scores", "dictionary"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.column_dimensions["A"].width >= 9
    assert book["answers"].column_dimensions["G"].width >= 40  # the prompt column


def test_no_cell_is_a_formula(store: Store) -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx(store)))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    values = [c.value for row in book["answers"].iter_rows() for c in row]
    assert "'=1+1" in values and "'-2\ufffd" in values


def test_numbers_are_numeric_cells(store: Store) -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx(store)))
    column = [row[8].value for row in book["answers"].iter_rows(min_row=2)]
    numbers = [v for v in column if v is not None]
    assert numbers and all(isinstance(v, int | float) for v in numbers)


def test_answers_past_the_row_limit_continue_on_another_sheet(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_excel, "MAX_ROWS", 50)
    book = openpyxl.load_workbook(io.BytesIO(xlsx(store)))
    parts = [name for name in book.sheetnames if name.startswith("answers")]
    assert parts == ["answers", "answers (2)", "answers (3)"]
    frames = [pd.read_excel(io.BytesIO(xlsx(store)), sheet_name=n, dtype=str) for n in parts]
    assert sum(len(f) for f in frames) == store.count()
    assert all(f.shape[0] <= 49 for f in frames)


def test_deidentified_excel_has_no_sessions_sheet_and_no_ids(store: Store) -> None:
    data = xlsx(store, ExportRequest(deidentify=True))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["answers", "scores", "dictionary"]
    values = {str(c.value) for row in book["answers"].iter_rows() for c in row}
    assert not {"alex", "sam", "2026-09-01"} & values


def test_the_scores_sheet_has_each_clients_sessions(store: Store) -> None:
    scores = pd.read_excel(io.BytesIO(xlsx(store)), sheet_name="scores")
    assert list(scores["client_id"]) == ["alex"] * 3 + ["sam"] * 3
    assert list(scores["session"]) == [1, 2, 3] * 2
    assert scores["csi4"].notna().all()
    hidden = pd.read_excel(
        io.BytesIO(xlsx(store, ExportRequest(deidentify=True))), sheet_name="scores"
    )
    assert set(hidden["date"]) == {"day 0", "day 7", "day 14"}
    assert not {"alex", "sam"} & set(hidden["client_id"])


def test_text_longer_than_an_excel_cell_is_cut_with_a_note(store: Store) -> None:
    huge = "I need to say everything 💔 " * 2000  # about 56,000 characters
    row = {
        "entry_id": str(uuid.uuid4()), "client_id": "alex", "session_id": "2026-09-15",
        "step_id": "step-01", "item_id": "x", "kind": "text", "prompt": "p", "value": huge,
        "value_num": None, "saved_at": "2026-09-15T17:00:00+00:00",
    }  # fmt: skip
    restore(
        store,
        json.dumps(
            {"format": "repair-workbook-backup", "format_version": 1, "answers": [row]}
        ).encode(),
    )
    book = openpyxl.load_workbook(io.BytesIO(xlsx(store)))
    cells = [c.value for r in book["answers"].iter_rows() for c in r if isinstance(c.value, str)]
    cut = [v for v in cells if f"{len(huge):,} characters in all; the CSV and JSON exports" in v]
    assert len(cut) == 1 and len(cut[0]) <= 32_767
    assert cut[0].startswith("I need to say everything 💔")
