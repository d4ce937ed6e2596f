"""The CSV export: the answers table and its data dictionary, built by SQLite row by row for speed."""

from __future__ import annotations

import csv
import queue
import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import IO

from workbook.cells import FORMULA_STARTS, REPLACEMENT
from workbook.dictionary import DICTIONARY_COLUMNS
from workbook.export import ORDER, ExportRequest, answer_rows, dictionary_rows
from workbook.store import COLUMNS, STRING_COLUMNS, Store

CHUNK_ROWS = 5000
READERS = 2
QUEUE_CHUNKS = 4
SAFE_COLUMNS = ("entry_id", "client_id", "session_id", "step_id", "item_id", "kind", "saved_at")
_UNSAFE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


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
    starts = ", ".join(
        "'" + c + "'" if c.isprintable() else f"char({ord(c)})" for c in FORMULA_STARTS
    )
    fields = []
    for column in COLUMNS:
        if column in SAFE_COLUMNS:  # the store only holds ids and times of safe characters
            fields.append(column)
        elif column in STRING_COLUMNS:
            safe = (
                f"CASE WHEN substr({column}, 1, 1) IN ({starts}) "
                f"THEN '''' || {column} ELSE {column} END"
            )
            fields.append(f"""'"' || replace({safe}, '"', '""') || '"'""")
        else:  # the shortest text that reads back as the same float, like Python's repr
            fields.append(
                f"CASE WHEN {column} IS NULL THEN '' "
                f"WHEN CAST(printf('%!.15g', {column}) AS REAL) = {column} "
                f"THEN printf('%!.15g', {column}) ELSE printf('%!.17g', {column}) END"
            )
    return " || ',' || ".join(fields) + " || char(10)"


def _write_lines(store: Store, request: ExportRequest, out: IO[str]) -> int:
    # SQLite builds the lines without holding the GIL, so two readers, each taking every other
    # client, keep both cores busy; the lines are still written client by client, in order.
    clients = request.client_ids(store)
    readers = [_Reader(store, request, clients[i::READERS]) for i in range(READERS)]
    count = 0
    try:
        for reader in readers:
            reader.start()
        for index in range(len(clients)):
            for lines, rows in readers[index % READERS].client_chunks():
                # Control characters cannot start a formula, so replacing them after the SQL
                # check gives the same text as cells.cell_text does field by field.
                out.write(_UNSAFE_CONTROL.sub(REPLACEMENT, lines))
                count += rows
    finally:
        for reader in readers:
            reader.stop()
    return count


class _Reader(threading.Thread):
    """Reads the CSV lines of some clients, one client after another, into a short queue."""

    _END = None

    def __init__(self, store: Store, request: ExportRequest, clients: list[str]) -> None:
        super().__init__(name="workbook-csv-reader", daemon=True)
        self.store, self.request, self.clients = store, request, clients
        self.queue: queue.Queue[tuple[str, int] | BaseException | None] = queue.Queue(QUEUE_CHUNKS)
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            with self.store.connect() as conn:
                for client in self.clients:
                    where, params = replace(self.request.selection, client_ids=(client,)).where()
                    cursor = conn.execute(
                        f"SELECT {csv_line_sql()} FROM answers{where}{ORDER}", params
                    )
                    while chunk := cursor.fetchmany(CHUNK_ROWS):
                        self._put(("".join([row[0] for row in chunk]), len(chunk)))
                    self._put(self._END)
        except BaseException as exc:  # handed to the writing thread, which raises it
            self._put(exc)

    def client_chunks(self) -> Iterator[tuple[str, int]]:
        """The next client's lines, chunk by chunk."""
        while (item := self.queue.get()) is not self._END:
            if isinstance(item, BaseException):
                raise item
            yield item

    def stop(self) -> None:
        """Let the thread end even if nobody reads what it has left."""
        self.stopping.set()

    def _put(self, item: tuple[str, int] | BaseException | None) -> None:
        while not self.stopping.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue
