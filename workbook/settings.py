"""Where answers live and who/when they belong to: WORKBOOK_DB, WORKBOOK_CLIENT, WORKBOOK_SESSION."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

APP_NAME = "repair-workbook"
DB_FILENAME = "answers.sqlite3"
DEFAULT_CLIENT = "me"
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
SAFE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def db_path() -> Path:
    """The SQLite file of answers: $WORKBOOK_DB, else a file in the user's data directory."""
    configured = os.environ.get("WORKBOOK_DB", "").strip()
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / DB_FILENAME


def client_id() -> str:
    """The pseudonymous id of the person answering: $WORKBOOK_CLIENT, else `me`."""
    return validate_id(os.environ.get("WORKBOOK_CLIENT", "").strip() or DEFAULT_CLIENT, "client id")


def session_id(today: date | None = None) -> str:
    """The current sitting: $WORKBOOK_SESSION, else one per day (the local date, YYYY-MM-DD)."""
    configured = os.environ.get("WORKBOOK_SESSION", "").strip()
    if configured:
        return validate_id(configured, "session id")
    return (today or date.today()).isoformat()


def on_binder() -> bool:
    """Whether this runs on a temporary Binder session (BinderHub sets BINDER_* variables)."""
    return any(
        os.environ.get(name)
        for name in ("WORKBOOK_ON_BINDER", "BINDER_LAUNCH_HOST", "BINDER_REPO_URL")
    )


def strict() -> bool:
    """Whether page errors should raise (WORKBOOK_STRICT=1, used by the tests) instead of showing a note."""
    return os.environ.get("WORKBOOK_STRICT", "") == "1"


def validate_id(value: str, what: str) -> str:
    """Accept a client or session id only if it is short and safe to use in file names."""
    if not _SAFE_ID.fullmatch(value):
        raise ValueError(
            f"{what} {value!r} is not allowed: use 1-64 letters, digits, dots, dashes or underscores"
        )
    return value


def validate_key(value: str, what: str, limit: int) -> str:
    """Accept a step id, item id or kind only if it is 1-`limit` letters, digits, dots, dashes or underscores."""
    if len(value) > limit or not SAFE_KEY.fullmatch(value):
        raise ValueError(
            f"{what} {value[:40]!r} is not allowed: use 1-{limit} letters, digits, dots, dashes "
            "or underscores, starting with a letter or digit"
        )
    return value
