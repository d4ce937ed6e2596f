"""The whole workbook as a versioned JSON backup: write it, and read it back by merging (idempotent)."""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from workbook import __version__
from workbook.selection import Selection
from workbook.settings import validate_id, validate_key
from workbook.store import COLUMNS, Answer, Store, now_utc

FORMAT = "repair-workbook-backup"
FORMAT_VERSION = 1
DEIDENTIFIED_FORMAT = "repair-workbook-deidentified-export"
MAX_BYTES = 200 * 1024 * 1024
_TEXT_LIMITS = {"step_id": 100, "item_id": 200, "kind": 40}


class BackupError(ValueError):
    """The file cannot be restored; the message says why in plain words."""


@dataclass(frozen=True)
class ImportResult:
    """What a restore did."""

    added: int
    already_present: int


def backup_document(
    store: Store, client_id: str | None = None, *, selection: Selection | None = None
) -> dict[str, Any]:
    """The backup as a JSON-ready dict: every saved answer (or one client's, or a selection), oldest first."""
    if selection is None:
        selection = Selection((client_id,) if client_id is not None else ())
    where, params = selection.where()
    with store.connect() as conn:
        sql = f"SELECT {', '.join(COLUMNS)} FROM answers{where} ORDER BY saved_at, rowid"
        rows = conn.execute(sql, params).fetchall()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": now_utc(),
        "app_version": __version__,
        "columns": list(COLUMNS),
        "answers": [dict(zip(COLUMNS, row, strict=True)) for row in rows],
    }


def backup_bytes(store: Store, client_id: str | None = None) -> bytes:
    """The backup file's bytes (UTF-8 JSON)."""
    return json.dumps(backup_document(store, client_id), ensure_ascii=False, indent=1).encode()


def read_backup(data: bytes) -> list[Answer]:
    """Check a backup file completely and return its answers (raises BackupError, changes nothing)."""
    if len(data) > MAX_BYTES:
        raise BackupError(
            f"This file is too large to be a workbook backup ({len(data) // 2**20} MB)."
        )
    if not data.strip():
        raise BackupError("This file is empty.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BackupError(
            "This is not a Repair Workbook backup: it is not a text (JSON) file."
        ) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BackupError(
            "This file cannot be read: it is not complete, valid JSON "
            f"(line {exc.lineno}: {exc.msg}). It may have been cut off while downloading."
        ) from None
    except (RecursionError, ValueError):  # absurdly deep nesting or enormous numbers
        raise BackupError(
            "This is not a Repair Workbook backup: its structure cannot be read."
        ) from None
    if isinstance(doc, dict) and doc.get("format") == DEIDENTIFIED_FORMAT:
        raise BackupError(
            "This is a de-identified export: its ids and dates were removed on purpose, "
            "so it cannot be restored into a workbook."
        )
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BackupError("This is not a Repair Workbook backup (it is some other JSON file).")
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BackupError("This backup has no valid format version, so it cannot be read safely.")
    if version > FORMAT_VERSION:
        raise BackupError(
            f"This backup was made by a newer version of Repair Workbook (format {version}; "
            f"this version reads format {FORMAT_VERSION}). Update the workbook to restore it."
        )
    rows = doc.get("answers")
    if not isinstance(rows, list):
        raise BackupError("This backup has no list of answers.")
    return [_answer(row, number) for number, row in enumerate(rows, start=1)]


def restore(store: Store, data: bytes, *, as_client: str | None = None) -> ImportResult:
    """Merge a backup into the store (all or nothing; answers already present are skipped).

    `as_client` files one person's backup under the id the counselor uses for them.
    """
    answers = read_backup(data)
    if as_client is not None:
        validate_id(as_client, "client id")
        found = sorted({a.client_id for a in answers})
        if len(found) > 1:
            raise BackupError(
                f"This backup holds answers of {len(found)} people ({', '.join(found[:5])}), so it "
                "cannot all be filed under one client id. Import it without --as-client."
            )
        answers = [replace(a, client_id=as_client) for a in answers]
    added = store.append(answers)
    return ImportResult(added=added, already_present=len(answers) - added)


def _answer(row: Any, number: int) -> Answer:
    where = f"Answer {number} in this backup"
    if not isinstance(row, dict):
        raise BackupError(f"{where} is not a record.")
    missing = [c for c in COLUMNS if c not in row]
    if missing:
        raise BackupError(f"{where} lacks: {', '.join(missing)}.")
    for column in COLUMNS:
        if column == "value_num":
            continue
        if not isinstance(row[column], str):
            raise BackupError(f"{where}: {column} should be text.")
        try:
            row[column].encode("utf-8")
        except UnicodeEncodeError:
            raise BackupError(
                f"{where}: {column} holds characters that are not valid text."
            ) from None
    try:
        uuid.UUID(row["entry_id"])
        validate_id(row["client_id"], "client id")
        validate_id(row["session_id"], "session id")
    except ValueError as exc:
        raise BackupError(f"{where}: {exc}.") from None
    for column, limit in _TEXT_LIMITS.items():
        try:
            validate_key(row[column], column, limit)
        except ValueError as exc:
            raise BackupError(f"{where}: {exc}.") from None
    return Answer(
        **{c: row[c] for c in COLUMNS if c not in ("value_num", "saved_at")},
        value_num=_number(row["value_num"], where),
        saved_at=_utc(row["saved_at"], where),
    )


def _number(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if not isinstance(value, bool) and isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if math.isfinite(number):
            return number
    raise BackupError(f"{where}: value_num should be a number or empty.")


def _utc(text: str, where: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BackupError(f"{where}: saved_at {text[:40]!r} is not a date and time.") from None
    if moment.tzinfo is None:
        raise BackupError(f"{where}: saved_at {text[:40]!r} has no time zone.")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
