"""SQLite storage of answers: an append-only history, the latest answer per item, pandas tables out."""

from __future__ import annotations

import re
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import astuple, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from workbook import settings

if TYPE_CHECKING:
    import pandas as pd

STORE_FORMAT = 2
COLUMNS = (
    "entry_id", "client_id", "session_id", "step_id", "item_id",
    "kind", "prompt", "value", "value_num", "saved_at",
)  # fmt: skip
STRING_COLUMNS = COLUMNS[:8]
BUSY_TIMEOUT_MS = 30_000

_CREATE = """
CREATE TABLE answers (
    entry_id   TEXT NOT NULL PRIMARY KEY,
    client_id  TEXT NOT NULL,
    session_id TEXT NOT NULL,
    step_id    TEXT NOT NULL,
    item_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    prompt     TEXT NOT NULL,
    value      TEXT NOT NULL,
    value_num  REAL,
    saved_at   TEXT NOT NULL
);
CREATE INDEX answers_by_item ON answers (client_id, step_id, item_id, saved_at);
CREATE VIEW latest_answers AS
SELECT entry_id, client_id, session_id, step_id, item_id, kind, prompt, value, value_num, saved_at
FROM (
    SELECT *, ROW_NUMBER() OVER (
        PARTITION BY client_id, step_id, item_id ORDER BY saved_at DESC, rowid DESC
    ) AS newest
    FROM answers
)
WHERE newest = 1;
"""

# Format 2: sessions numbered and dated per client, and an index to select them quickly.
_SESSIONS = """
CREATE INDEX answers_by_session ON answers (client_id, session_id, saved_at);
CREATE VIEW sessions AS
SELECT client_id, session_id,
    ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY MIN(saved_at), session_id) AS number,
    MIN(saved_at) AS started_at, MAX(saved_at) AS last_saved_at, COUNT(*) AS answers
FROM answers
GROUP BY client_id, session_id;
"""


class StoreError(RuntimeError):
    """The answers file cannot be used (foreign, damaged, or from a newer version)."""


@dataclass(frozen=True)
class Answer:
    """One saved answer: a row of the answers table."""

    entry_id: str
    client_id: str
    session_id: str
    step_id: str
    item_id: str
    kind: str
    prompt: str
    value: str
    value_num: float | None
    saved_at: str


def now_utc() -> str:
    """The current time as UTC ISO-8601 with microseconds (sorts correctly as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def local_day(saved_at: str) -> date:
    """The local calendar day of a stored UTC time."""
    return datetime.fromisoformat(saved_at).astimezone().date()


def new_answer(
    *,
    step_id: str,
    item_id: str,
    kind: str,
    prompt: str,
    value: str,
    value_num: float | None = None,
    client_id: str | None = None,
    session_id: str | None = None,
    saved_at: str | None = None,
) -> Answer:
    """Build an Answer with a fresh entry id, the current client/session and time as defaults."""
    return Answer(
        entry_id=str(uuid.uuid4()),
        client_id=client_id or settings.client_id(),
        session_id=session_id or settings.session_id(),
        step_id=step_id,
        item_id=item_id,
        kind=kind,
        prompt=prompt,
        value=value,
        value_num=value_num,
        saved_at=saved_at or now_utc(),
    )


class Store:
    """The answers file. Every call opens its own short connection, so processes can share it."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else settings.db_path()
        self._ready = False

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection with the store's settings, the schema checked or created first."""
        conn = self._open()
        try:
            if not self._ready:
                self._prepare(conn)
                self._ready = True
            yield conn
        finally:
            conn.close()

    def append(self, answers: Iterable[Answer]) -> int:
        """Add answers to the history (already-present entry ids are skipped); return rows added."""
        rows = [_checked(astuple(a)) for a in answers]
        if not rows:
            return 0
        with self.connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            before = conn.total_changes
            conn.executemany(
                f"INSERT OR IGNORE INTO answers ({', '.join(COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(COLUMNS))})",
                rows,
            )
            added = conn.total_changes - before
            conn.execute("COMMIT")
        return added

    def latest(self, client_id: str, step_id: str | None = None) -> dict[tuple[str, str], Answer]:
        """The newest answer per (step_id, item_id) for a client, without pandas."""
        sql = "SELECT * FROM latest_answers WHERE client_id = ?"
        params: list[str] = [client_id]
        if step_id is not None:
            sql += " AND step_id = ?"
            params.append(step_id)
        with self.connect() as conn:
            return {(r[3], r[4]): Answer(*r) for r in conn.execute(sql, params)}

    def change_marker(self, client_id: str, step_id: str | None = None) -> tuple[int, str | None]:
        """A cheap fingerprint (row count, newest time) that changes whenever answers are added."""
        sql = "SELECT COUNT(*), MAX(saved_at) FROM answers WHERE client_id = ?"
        params: tuple[str, ...] = (client_id,)
        if step_id is not None:
            sql += " AND step_id = ?"
            params = (client_id, step_id)
        with self.connect() as conn:
            count, newest = conn.execute(sql, params).fetchone()
        return int(count), newest

    def saved_times(self, client_id: str) -> list[str]:
        """When each of a client's answers was saved (UTC ISO-8601), oldest first."""
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT saved_at FROM answers WHERE client_id = ? ORDER BY saved_at", (client_id,)
            )
            return [r[0] for r in rows]

    def count(self) -> int:
        """How many rows the history holds."""
        with self.connect() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0])

    def history_frame(self, client_id: str | None = None) -> pd.DataFrame:
        """Every saved answer, oldest first, as a typed DataFrame."""
        return self._frame("answers", client_id)

    def latest_frame(self, client_id: str | None = None) -> pd.DataFrame:
        """The latest answer per client and item, as a typed DataFrame."""
        return self._frame("latest_answers", client_id)

    def erase(self, client_id: str | None = None) -> int:
        """Delete every answer (or one client's) so the text is gone from the file; return rows removed."""
        with self.connect() as conn:
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("BEGIN IMMEDIATE")
            if client_id is None:
                cur = conn.execute("DELETE FROM answers")
            else:
                cur = conn.execute("DELETE FROM answers WHERE client_id = ?", (client_id,))
            removed = cur.rowcount
            conn.execute("COMMIT")
            # VACUUM rewrites the file without the freed pages; the checkpoint empties the WAL.
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return removed

    def _frame(self, table: str, client_id: str | None) -> pd.DataFrame:
        import pandas as pd

        sql = f"SELECT {', '.join(COLUMNS)} FROM {table}"
        params: tuple[str, ...] = ()
        if client_id is not None:
            sql += " WHERE client_id = ?"
            params = (client_id,)
        sql += (
            " ORDER BY saved_at, rowid"
            if table == "answers"
            else " ORDER BY client_id, step_id, item_id"
        )
        with self.connect() as conn:
            rows = conn.execute(sql, params).fetchall()
        return typed_frame(pd.DataFrame.from_records(rows, columns=list(COLUMNS)))

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA synchronous = NORMAL")
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"Cannot open the answers file {self.path}: {exc}") from None
        return conn

    def _prepare(self, conn: sqlite3.Connection) -> None:
        # Check before changing anything: a file we refuse must stay byte-identical.
        conn.execute("BEGIN")  # one consistent snapshot while another process may be setting up
        try:
            self._refuse_if_unusable(*self._inspect(conn))
        finally:
            conn.execute("ROLLBACK")
        _use_wal(conn)
        conn.execute("BEGIN IMMEDIATE")
        try:
            version, tables = self._inspect(conn)  # again: another process may have set it up
            self._refuse_if_unusable(version, tables)
            if not tables:
                _run_script(conn, _CREATE + _SESSIONS)
                conn.execute(f"PRAGMA user_version = {STORE_FORMAT}")
            else:
                _upgrade(conn, version)
            conn.execute("COMMIT")
        except BaseException:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

    def _inspect(self, conn: sqlite3.Connection) -> tuple[int, set[str]]:
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            return version, {r[0] for r in rows}
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a Repair Workbook answers file (SQLite says: {exc}). "
                "Point WORKBOOK_DB at another file, or move this one away."
            ) from None

    def _refuse_if_unusable(self, version: int, tables: set[str]) -> None:
        if version > STORE_FORMAT:
            raise StoreError(
                f"{self.path} was written by a newer version of Repair Workbook (store format "
                f"{version}; this version reads up to {STORE_FORMAT}). Update the workbook to open it."
            )
        if tables and (version == 0 or "answers" not in tables):
            raise StoreError(
                f"{self.path} is an SQLite file, but not a Repair Workbook answers file "
                f"(it holds: {', '.join(sorted(tables))}). Point WORKBOOK_DB at another file."
            )


def _use_wal(conn: sqlite3.Connection) -> None:
    # Switching the journal mode needs a moment alone with the file and does not wait for the
    # busy timeout, so retry while another process is setting the file up.
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise StoreError(f"Cannot prepare the answers file: {exc}") from None
            time.sleep(0.02)


# Upgrade steps between store formats: format N -> N + 1, run inside one transaction.
_UPGRADES: dict[int, str] = {1: _SESSIONS}


def _upgrade(conn: sqlite3.Connection, version: int) -> None:
    while version < STORE_FORMAT:
        _run_script(conn, _UPGRADES[version])
        version += 1
        conn.execute(f"PRAGMA user_version = {version}")


# Every id column holds only these characters, so exports can write them without quoting or escaping.
_ROW_PATTERNS = (
    re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    *(settings.SAFE_KEY,) * 5,
)
_SAVED_AT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00")


def _checked(row: tuple[object, ...]) -> tuple[object, ...]:
    for column, pattern, value in zip(COLUMNS, _ROW_PATTERNS, row, strict=False):
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise ValueError(f"{column} {str(value)[:40]!r} cannot be stored: it is not a valid id")
    if not isinstance(row[9], str) or not _SAVED_AT.fullmatch(row[9]):
        raise ValueError(f"saved_at {str(row[9])[:40]!r} is not UTC ISO-8601 with microseconds")
    return row


def typed_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Give an answers frame its dtypes: strings, float value_num, UTC datetime saved_at."""
    import pandas as pd

    frame = frame.astype({c: "string" for c in STRING_COLUMNS})
    frame["value_num"] = pd.to_numeric(frame["value_num"], errors="coerce").astype("float64")
    frame["saved_at"] = pd.to_datetime(frame["saved_at"], utc=True, format="ISO8601")
    return frame


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    # executescript() would commit the open transaction, so run statement by statement.
    for statement in script.split(";\n"):
        if statement.strip():
            conn.execute(statement)
