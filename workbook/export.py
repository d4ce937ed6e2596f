"""Exports for counselors: the answers table as CSV, Excel, JSON (a full backup) or a printable HTML report."""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from workbook.backup import DEIDENTIFIED_FORMAT, backup_document
from workbook.cells import cell_text, cell_text_sql
from workbook.deidentify import Deidentifier
from workbook.dictionary import DICTIONARY_COLUMNS, data_dictionary
from workbook.downloads import safe_filename
from workbook.selection import Selection
from workbook.sessions import clients
from workbook.store import COLUMNS, STRING_COLUMNS, Store

FORMATS = ("csv", "xlsx", "json", "html")
ORDER = " ORDER BY client_id, session_id, saved_at, rowid"


class ExportError(ValueError):
    """An export cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class ExportRequest:
    """What to export and how: which answers, and whether to de-identify (and keep free text)."""

    selection: Selection = field(default_factory=Selection)
    deidentify: bool = False
    keep_text: bool = False

    def client_ids(self, store: Store) -> list[str]:
        """The clients this export covers."""
        known = clients(store)
        if not self.selection.client_ids:
            return known
        missing = [c for c in self.selection.client_ids if c not in known]
        if missing:
            raise ExportError(f"No answers for client(s) {', '.join(missing)} in {store.path}.")
        return list(self.selection.client_ids)

    def deidentifier(self, store: Store) -> Deidentifier | None:
        """A fresh de-identifier for this export (new pseudonyms), or None."""
        if not self.deidentify:
            return None
        return Deidentifier(store, self.client_ids(store), keep_text=self.keep_text)


def answer_rows(
    store: Store,
    request: ExportRequest,
    *,
    spreadsheet: bool,
    deidentifier: Deidentifier | None = None,
) -> Iterator[tuple[Any, ...]]:
    """The selected rows of the answers table, streamed in COLUMNS order (made safe for spreadsheets if asked)."""
    where, params = request.selection.where()
    plain = deidentifier is None
    columns = [
        cell_text_sql(c) if spreadsheet and plain and c in STRING_COLUMNS else c for c in COLUMNS
    ]
    with store.connect() as conn:
        conn.create_function("cell_text", 1, cell_text, deterministic=True)
        cursor = conn.execute(f"SELECT {', '.join(columns)} FROM answers{where}{ORDER}", params)
        if deidentifier is None:
            yield from cursor
            return
        for row in cursor:
            changed = deidentifier.row(row)
            yield tuple(cell_text(v) if spreadsheet and isinstance(v, str) else v for v in changed)


def dictionary_rows(
    store: Store, request: ExportRequest, *, spreadsheet: bool
) -> list[tuple[str, ...]]:
    """The data dictionary: every column, every item of this version, and any other item in the export."""
    where, params = request.selection.where()
    with store.connect() as conn:
        seen = conn.execute(
            f"SELECT DISTINCT step_id, item_id, kind, prompt FROM answers{where}", params
        ).fetchall()
    rows: list[tuple[str, ...]] = [
        (r.entry, r.step_id, r.item_id, r.kind, r.text, r.codes)
        for r in data_dictionary(deidentified=request.deidentify, seen=seen)
    ]
    return [tuple(cell_text(v) for v in row) for row in rows] if spreadsheet else rows


def json_document(store: Store, request: ExportRequest) -> dict[str, Any]:
    """A full, versioned backup `workbook import` reads back; de-identified: a table that cannot be imported."""
    dictionary = [
        dict(zip(DICTIONARY_COLUMNS, row, strict=True))
        for row in dictionary_rows(store, request, spreadsheet=False)
    ]
    deidentifier = request.deidentifier(store)
    if deidentifier is None:
        document = backup_document(store, selection=request.selection)
    else:
        rows = answer_rows(store, request, spreadsheet=False, deidentifier=deidentifier)
        document = {
            "format": DEIDENTIFIED_FORMAT,
            "format_version": 1,
            "note": "De-identified: pseudonyms, days since each client's first session, "
            + ("free text kept." if request.keep_text else "free text removed."),
            "columns": list(COLUMNS),
            "answers": [dict(zip(COLUMNS, row, strict=True)) for row in rows],
        }
    document["selection"] = request.selection.describe(deidentified=request.deidentify)
    document["dictionary"] = dictionary
    return document


def export_files(store: Store, fmt: str, request: ExportRequest, stem: str) -> dict[str, bytes]:
    """The files of one export in memory, by file name (for download links)."""
    _check(store, fmt, request)
    stem = safe_filename(stem)
    if fmt == "csv":
        from workbook.export_csv import write_csv

        answers, dictionary = io.StringIO(), io.StringIO()
        write_csv(store, request, answers, dictionary)
        return {
            f"{stem}.csv": answers.getvalue().encode("utf-8-sig"),
            f"{stem}-dictionary.csv": dictionary.getvalue().encode("utf-8-sig"),
        }
    if fmt == "json":
        text = json.dumps(json_document(store, request), ensure_ascii=False, indent=1)
        return {f"{stem}.json": text.encode("utf-8")}
    if fmt == "xlsx":
        from workbook.export_excel import write_excel

        buffer = io.BytesIO()
        write_excel(store, request, buffer)
        return {f"{stem}.xlsx": buffer.getvalue()}
    from workbook.report import report_html

    return {f"{stem}.html": report_html(store, request).encode("utf-8")}


def export(store: Store, fmt: str, target: Path, request: ExportRequest) -> list[Path]:
    """Write an export to `target` (a file, or an existing folder for one file set per client)."""
    _check(store, fmt, request)
    if target.is_dir():
        written = []
        for client in request.client_ids(store):
            one = replace(request, selection=replace(request.selection, client_ids=(client,)))
            name = "client" if request.deidentify else client
            written.extend(export(store, fmt, inside(target, f"{name}.{fmt}"), one))
        return written
    if not target.parent.is_dir():
        raise ExportError(f"The folder {target.parent} does not exist.")
    if target.suffix.lower() != f".{fmt}":
        target = target.with_name(f"{target.name}.{fmt}")
    if fmt == "csv":
        from workbook.export_csv import write_csv

        dictionary_path = target.with_name(f"{target.stem}-dictionary.csv")
        with (
            _AtomicFile(target, "w", encoding="utf-8-sig", newline="") as answers,
            _AtomicFile(dictionary_path, "w", encoding="utf-8-sig", newline="") as dictionary,
        ):
            write_csv(store, request, answers, dictionary)
        return [target, dictionary_path]
    if fmt == "xlsx":
        from workbook.export_excel import write_excel

        with _AtomicFile(target, "wb") as out:
            write_excel(store, request, out)
        return [target]
    (data,) = export_files(store, fmt, request, target.stem).values()
    with _AtomicFile(target, "wb") as out:
        out.write(data)
    return [target]


def inside(folder: Path, name: str) -> Path:
    """A file in `folder` named from (possibly hostile) ids: never a path that leaves the folder."""
    path = (folder / safe_filename(name)).resolve()
    if path.parent != folder.resolve():
        raise ExportError(f"Refusing to write {name!r} outside {folder}.")
    return path


def _check(store: Store, fmt: str, request: ExportRequest) -> None:
    if fmt not in FORMATS:
        raise ExportError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    request.client_ids(store)  # names any client that has no answers


class _AtomicFile:
    """Open a temporary file beside `target`; move it into place only when writing succeeded."""

    def __init__(self, target: Path, mode: str, **kwargs: Any) -> None:
        self.target, self.mode, self.kwargs = target, mode, kwargs

    def __enter__(self) -> IO[Any]:
        handle, self.temp = tempfile.mkstemp(prefix=".export-", dir=self.target.parent)
        self.file: IO[Any] = os.fdopen(handle, self.mode, **self.kwargs)
        return self.file

    def __exit__(self, kind: object, *_rest: object) -> None:
        self.file.close()
        if kind is None:
            os.replace(self.temp, self.target)
        else:
            os.unlink(self.temp)
