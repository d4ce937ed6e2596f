"""The CSV export: the answers table and its data dictionary, built by SQLite row by row for speed."""

from __future__ import annotations

import csv
from typing import IO

from workbook.cells import REPLACEMENT, UNSAFE_CONTROL, formula_safe_sql
from workbook.dictionary import DICTIONARY_COLUMNS
from workbook.export import ORDER, ExportRequest, answer_rows, dictionary_rows
from workbook.store import COLUMNS, STRING_COLUMNS, Store

CHUNK_ROWS = 5000
SAFE_COLUMNS = ("entry_id", "client_id", "session_id", "step_id", "item_id", "kind", "saved_at")


def write_csv(store: Store, request: ExportRequest, answers: IO[str], dictionary: IO[str]) -> int:
    """Write the answers table and its data dictionary as two CSV files; return the answer rows written."""
    answers.write(",".join(COLUMNS) + "\n")
    deidentifier = request.deidentifier(store)
    if deidentifier is None:
        count = _write_lines(store, request, answers)
    else:
        writer = csv.writer(answers, lineterminator="\n")
        count = 0
        for row in answer_rows(store, request, spreadsheet=True, deidentifier=deidentifier):
            writer.writerow(row)
            count += 1
    dict_writer = csv.writer(dictionary, lineterminator="\n")
    dict_writer.writerow(DICTIONARY_COLUMNS)
    dict_writer.writerows(dictionary_rows(store, request, spreadsheet=True))
    return count


def csv_line_sql() -> str:
    """An SQL expression giving one CSV line per answer: text quoted, formulas made plain, numbers exact."""
    fields = []
    for column in COLUMNS:
        if column in SAFE_COLUMNS:  # the store only holds ids and times of safe characters
            fields.append(column)
        elif column in STRING_COLUMNS:
            safe = formula_safe_sql(column)
            fields.append(f"""'"' || replace({safe}, '"', '""') || '"'""")
        else:  # the shortest text that reads back as the same float, like Python's repr
            fields.append(
                f"CASE WHEN {column} IS NULL THEN '' "
                f"WHEN CAST(printf('%!.15g', {column}) AS REAL) = {column} "
                f"THEN printf('%!.15g', {column}) ELSE printf('%!.17g', {column}) END"
            )
    return " || ',' || ".join(fields) + " || char(10)"


def _write_lines(store: Store, request: ExportRequest, out: IO[str]) -> int:
    where, params = request.selection.where()
    count = 0
    with store.connect() as conn:
        cursor = conn.execute(f"SELECT {csv_line_sql()} FROM answers{where}{ORDER}", params)
        while chunk := cursor.fetchmany(CHUNK_ROWS):
            # Control characters cannot start a formula, so replacing them after the SQL check
            # gives the same text as cells.cell_text does field by field.
            out.write(UNSAFE_CONTROL.sub(REPLACEMENT, "".join([row[0] for row in chunk])))
            count += len(chunk)
    return count
