"""Exports: CSV with its data dictionary, JSON round trips, de-identification, safe cells and file names."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sample_store import HOSTILE, fill_sample_store

from workbook.backup import restore
from workbook.cells import FORMULA_STARTS
from workbook.content import load_guide
from workbook.deidentify import TEXT_REMOVED
from workbook.export import ExportError, ExportRequest, export, export_files, inside
from workbook.selection import Selection
from workbook.store import COLUMNS, Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "counselor.sqlite3")
    fill_sample_store(s, ("alex", "sam"), sessions=3)
    return s


def read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")


def csv_files(
    store: Store, request: ExportRequest | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    files = export_files(store, "csv", request or ExportRequest(), "answers")
    return read_csv(files["answers.csv"]), read_csv(files["answers-dictionary.csv"])


def test_csv_has_exactly_the_answers_columns_and_every_row(store: Store) -> None:
    answers, _ = csv_files(store)
    assert tuple(answers.columns) == COLUMNS
    assert len(answers) == store.count()
    assert set(answers["client_id"]) == {"alex", "sam"}


def test_the_dictionary_names_every_column_and_every_item_with_its_codes(store: Store) -> None:
    _, dictionary = csv_files(store)
    columns = dictionary[dictionary["entry"] == "column"]
    assert tuple(columns["item_id"]) == COLUMNS
    items = dictionary[dictionary["entry"] == "item"]
    listed = set(zip(items["step_id"], items["item_id"], strict=True))
    guide = load_guide()
    for section in guide.sections:
        for item in section.form_items:
            assert (item.step_id, item.item_id) in listed
    checks = items[items["kind"] == "check"]
    assert (checks["codes"].str.contains("ticked")).all()
    ratings = items[items["kind"] == "rating"]
    assert ratings["codes"].str.contains("whole number").all()
    assert ("step-02", "grounding.<entry>.calm") in listed
    assert ("csi4", "csi4.happiness") in listed or any(s == "csi4" for s, _ in listed)


def test_items_unknown_to_this_version_are_still_in_the_dictionary(store: Store) -> None:
    restore_one(store, step_id="old-step", item_id="gone.item")
    _, dictionary = csv_files(store)
    row = dictionary[dictionary["item_id"] == "gone.item"]
    assert list(row["codes"]) == ["not defined by this version"]


def restore_one(store: Store, **fields: str) -> None:
    row = {
        "entry_id": str(uuid.uuid4()), "client_id": "alex", "session_id": "2026-09-15",
        "step_id": "step-01", "item_id": "x", "kind": "text", "prompt": "p", "value": "v",
        "value_num": None, "saved_at": "2026-09-15T16:00:00+00:00",
    } | fields  # fmt: skip
    doc = {"format": "repair-workbook-backup", "format_version": 1, "answers": [row]}
    restore(store, json.dumps(doc).encode())


def test_formula_like_text_is_neutralised_in_every_text_column(store: Store) -> None:
    restore_one(store, prompt="=2+5", value="@cmd")
    answers, _ = csv_files(store)
    for column in (
        "entry_id",
        "client_id",
        "session_id",
        "step_id",
        "item_id",
        "kind",
        "prompt",
        "value",
    ):
        assert not answers[column].str.startswith(FORMULA_STARTS).any(), column
    assert "'=2+5" in set(answers["prompt"])
    assert "'@cmd" in set(answers["value"])
    values = set(answers["value"])
    assert any(v.startswith("'=HYPERLINK") for v in values)
    assert any(v.startswith("Walked by the river") for v in values)  # ordinary text stays as it is


def test_numbers_stay_numbers(store: Store) -> None:
    restore_one(store, kind="rating", value="-3", value_num=-3.0)  # type: ignore[arg-type]
    answers, _ = csv_files(store)
    assert "-3.0" in set(answers["value_num"])


def test_filters_select_client_session_step_and_since(store: Store) -> None:
    request = ExportRequest(Selection(("sam",), ("2026-09-08",), "step-01"))
    answers, _ = csv_files(store, request)
    assert len(answers) > 0
    assert set(answers["client_id"]) == {"sam"}
    assert set(answers["session_id"]) == {"2026-09-08"}
    assert set(answers["step_id"]) == {"step-01"}
    since, _ = csv_files(store, ExportRequest(Selection(since=date(2026, 9, 10))))
    assert set(since["session_id"]) == {"2026-09-15"}


def test_an_unknown_client_is_a_clear_error(store: Store) -> None:
    with pytest.raises(ExportError, match="No answers for client"):
        export_files(store, "csv", ExportRequest(Selection(("nobody",))), "x")


def test_json_round_trip_gives_identical_tables(store: Store, tmp_path: Path) -> None:
    (backup,) = export_files(store, "json", ExportRequest(), "all").values()
    empty = Store(tmp_path / "empty.sqlite3")
    result = restore(empty, backup)
    assert result.added == store.count()
    assert csv_files(empty)[0].equals(csv_files(store)[0])
    (again,) = export_files(empty, "json", ExportRequest(), "all").values()
    first, second = json.loads(backup), json.loads(again)
    assert first["answers"] == second["answers"]
    assert restore(empty, backup).added == 0  # importing the same file twice adds nothing
    assert empty.count() == store.count()


def test_json_export_carries_the_dictionary_and_the_selection(store: Store) -> None:
    request = ExportRequest(Selection(("alex",)))
    (data,) = export_files(store, "json", request, "alex").values()
    doc = json.loads(data)
    assert doc["selection"] == "clients alex"
    assert {a["client_id"] for a in doc["answers"]} == {"alex"}
    assert any(d["item_id"] == "value_num" for d in doc["dictionary"])


def test_deidentified_csv_hides_ids_dates_and_free_text(store: Store) -> None:
    answers, dictionary = csv_files(store, ExportRequest(deidentify=True))
    text = answers.to_csv()
    for secret in ("alex", "sam", "2026-09", "Walked by the river", *HOSTILE[:3]):
        assert secret not in text, secret
    assert set(answers["client_id"]) <= {
        c for c in answers["client_id"] if re.fullmatch(r"P-[0-9a-f]{8}", c)
    }
    assert answers["client_id"].nunique() == 2
    assert set(answers["session_id"]) == {"session-01", "session-02", "session-03"}
    assert set(answers["saved_at"]) == {"0", "7", "14"}
    texts = answers[answers["kind"] == "text"]
    assert set(texts["value"]) == {TEXT_REMOVED}
    days = answers[answers["item_id"].str.endswith(".day")]
    assert set(days["value"]) == {"0", "7", "14"}
    checks = answers[answers["kind"] == "check"]
    assert set(checks["value"]) == {"true", "false"}  # coded answers stay
    with store.connect() as conn:
        entry_ids = {r[0] for r in conn.execute("SELECT entry_id FROM answers")}
    assert not entry_ids & set(answers["entry_id"])
    assert "De-identified" in " ".join(dictionary["text"])


def test_each_deidentified_export_gets_new_pseudonyms(store: Store) -> None:
    first, _ = csv_files(store, ExportRequest(deidentify=True))
    second, _ = csv_files(store, ExportRequest(deidentify=True))
    assert not set(first["client_id"]) & set(second["client_id"])


def test_deidentified_export_can_keep_free_text(store: Store) -> None:
    answers, _ = csv_files(store, ExportRequest(deidentify=True, keep_text=True))
    assert any(v.startswith("Walked by the river") for v in answers["value"])


def test_a_deidentified_json_cannot_be_imported(store: Store, tmp_path: Path) -> None:
    from workbook.backup import BackupError

    (data,) = export_files(store, "json", ExportRequest(deidentify=True), "x").values()
    with pytest.raises(BackupError, match="de-identified"):
        restore(Store(tmp_path / "other.sqlite3"), data)


def test_export_to_a_folder_writes_one_file_set_per_client(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    written = export(store, "csv", folder, ExportRequest())
    assert sorted(p.name for p in written) == [
        "alex-dictionary.csv", "alex.csv", "sam-dictionary.csv", "sam.csv",
    ]  # fmt: skip
    assert all(p.parent == folder.resolve() for p in written)
    with (folder / "sam.csv").open(encoding="utf-8-sig") as f:
        assert {row["client_id"] for row in csv.DictReader(f)} == {"sam"}


def test_export_adds_the_format_suffix_and_leaves_no_partial_file(
    store: Store, tmp_path: Path
) -> None:
    (path,) = export(store, "json", tmp_path / "report", ExportRequest())
    assert path.name == "report.json"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".export-")) == []


@pytest.mark.parametrize(
    "name", ["../escape.csv", "/etc/passwd", "..", "a/../../b.csv", "C:\\x.csv", ""]
)
def test_names_built_from_ids_never_leave_the_folder(tmp_path: Path, name: str) -> None:
    path = inside(tmp_path, name)
    assert path.parent == tmp_path.resolve()


def test_unknown_format_is_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="Unknown format"):
        export(store, "pdf", tmp_path / "x.pdf", ExportRequest())
