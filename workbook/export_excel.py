"""The Excel export: one sheet per table plus the data dictionary, written row by row in constant memory."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO, Any

import pandas as pd

from workbook.cells import cell_text
from workbook.deidentify import Deidentifier
from workbook.dictionary import DICTIONARY_COLUMNS
from workbook.export import ExportRequest, answer_rows, dictionary_rows
from workbook.selection import Selection
from workbook.store import COLUMNS, Store

MAX_ROWS = 1_048_576  # rows per sheet in Excel, header included
MAX_CELL = 32_767  # characters Excel keeps in one cell
ANSWER_WIDTHS = (38, 14, 14, 16, 28, 9, 48, 48, 10, 34)
DICTIONARY_WIDTHS = (9, 14, 28, 18, 60, 60)
SESSION_COLUMNS = ("client_id", "session_id", "number", "started_at", "last_saved_at", "answers")
SESSION_WIDTHS = (14, 14, 9, 34, 34, 9)
SCORE_COLUMNS = (
    "client_id", "session", "date", "answers_saved", "csi4", "worth_fighting_for",
    "signs_of_harm", "let_go_signs", "mistakes_noticed",
)  # fmt: skip
SCORE_WIDTHS = (14, 9, 12, 14, 8, 18, 14, 13, 17)


def write_excel(store: Store, request: ExportRequest, out: IO[bytes]) -> None:
    """Write the answers (split over sheets past Excel's row limit), sessions and data dictionary."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    deidentifier = request.deidentifier(store)
    rows = answer_rows(store, request, spreadsheet=True, deidentifier=deidentifier)
    _write_sheets(book, "answers", COLUMNS, ANSWER_WIDTHS, rows)
    if deidentifier is None:
        _write_sheets(book, "sessions", SESSION_COLUMNS, SESSION_WIDTHS, _sessions(store, request))
    _write_sheets(
        book, "scores", SCORE_COLUMNS, SCORE_WIDTHS, _scores(store, request, deidentifier)
    )
    dictionary = dictionary_rows(store, request, spreadsheet=True)
    _write_sheets(book, "dictionary", DICTIONARY_COLUMNS, DICTIONARY_WIDTHS, dictionary)
    book.save(out)


def _write_sheets(
    book: Any,
    title: str,
    header: Sequence[str],
    widths: Sequence[int],
    rows: Iterable[Sequence[Any]],
) -> None:
    sheet = _new_sheet(book, title, header, widths)
    written, part = 1, 1
    for row in rows:
        if written == MAX_ROWS:
            part += 1
            sheet = _new_sheet(book, f"{title} ({part})", header, widths)
            written = 1
        sheet.append(_fit(row))  # text is already safe: cell_text never lets it start with "="
        written += 1


def _fit(row: Sequence[Any]) -> Sequence[Any]:
    """The row, with any text too long for an Excel cell cut and marked (CSV and JSON keep it whole)."""
    if not any(isinstance(v, str) and len(v) > MAX_CELL for v in row):
        return row
    return [
        v[: MAX_CELL - len(_cut_note(v))] + _cut_note(v)
        if isinstance(v, str) and len(v) > MAX_CELL
        else v
        for v in row
    ]


def _cut_note(text: str) -> str:
    return f" […cut here: {len(text):,} characters in all; the CSV and JSON exports hold every one]"


def _new_sheet(book: Any, title: str, header: Sequence[str], widths: Sequence[int]) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    return sheet


def _sessions(store: Store, request: ExportRequest) -> Iterable[tuple[Any, ...]]:
    where, params = Selection(request.selection.client_ids).where()
    sql = f"SELECT {', '.join(SESSION_COLUMNS)} FROM sessions{where} ORDER BY client_id, number"
    with store.connect() as conn:
        for row in conn.execute(sql, params):
            yield tuple(cell_text(v) if isinstance(v, str) else v for v in row)


def _scores(
    store: Store, request: ExportRequest, deidentifier: Deidentifier | None
) -> Iterable[tuple[Any, ...]]:
    """Per client and session: the CSI-4 total and the assessments as they stood, one client at a time."""
    from workbook.session_tables import load_history, scores_over_sessions

    for client in request.client_ids(store):
        if deidentifier is None:
            history, name = load_history(store, client), client
        else:
            history = load_history(store, client, date_label=deidentifier.day_label(client))
            name = deidentifier.pseudonyms[client]
        for row in scores_over_sessions(history).itertuples(index=False):
            yield (name, *(None if v is pd.NA else v for v in row))
