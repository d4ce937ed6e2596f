"""De-identified exports: a random pseudonym per client, days instead of dates, free text removed."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterable
from datetime import date
from functools import cache

from workbook.sessions import Session, list_sessions
from workbook.store import Store, local_day

TEXT_REMOVED = "[text removed]"
_CODED_KINDS = frozenset({"check", "rating", "choice"})


class Deidentifier:
    """Rewrites answer rows (in the answers table's column order) for one export; new pseudonyms each time."""

    def __init__(self, store: Store, client_ids: Iterable[str], *, keep_text: bool = False) -> None:
        self.keep_text = keep_text
        self.pseudonyms: dict[str, str] = {}
        self.first_day: dict[str, date] = {}
        self.session_numbers: dict[tuple[str, str], int] = {}
        wanted = set(client_ids)
        for session in list_sessions(store):
            if session.client_id not in wanted:
                continue
            if session.client_id not in self.pseudonyms:
                self.pseudonyms[session.client_id] = self._new_pseudonym()
            self.session_numbers[(session.client_id, session.session_id)] = session.number
            first = self.first_day.get(session.client_id)
            if first is None or session.day < first:
                self.first_day[session.client_id] = session.day

    def row(self, row: tuple[object, ...]) -> tuple[object, ...]:
        """One answers-table row with its identifying parts replaced."""
        _entry, client, session, step, item, kind, prompt, value, value_num, saved_at = row
        assert isinstance(client, str) and isinstance(value, str) and isinstance(saved_at, str)
        assert isinstance(session, str) and isinstance(item, str) and isinstance(kind, str)
        return (
            str(uuid.uuid4()),
            self.pseudonyms[client],
            f"session-{self.session_numbers[(client, session)]:02d}",
            step,
            item,
            kind,
            prompt,
            self.value(client, kind, item, value, value_num),
            value_num,
            self.days(client, saved_at),
        )

    def value(self, client: str, kind: str, item_id: str, value: str, value_num: object) -> str:
        """An answer's value: codes kept, log dates as days, free text removed unless kept."""
        field_kind = _log_field_kind(item_id) if kind == "log" else None
        if field_kind == "date" and value:
            try:
                return str((date.fromisoformat(value) - self.first_day[client]).days)
            except ValueError:
                return ""
        is_free_text = field_kind == "text" or (
            field_kind is None and kind not in _CODED_KINDS and value_num is None
        )
        if is_free_text and not self.keep_text and value.strip():
            return TEXT_REMOVED
        return value

    def days(self, client: str, saved_at: str) -> int:
        """Whole days from the client's first session to this moment (local calendar days)."""
        return (local_day(saved_at) - self.first_day[client]).days

    def day_label(self, client: str) -> Callable[[Session], str]:
        """How a client's sessions are dated: `day N`, counted from the client's first session."""
        first = self.first_day[client]

        def label(session: Session) -> str:
            return f"day {(session.day - first).days}"

        return label

    def _new_pseudonym(self) -> str:
        taken = set(self.pseudonyms.values())
        while (candidate := f"P-{secrets.token_hex(4)}") in taken:
            pass
        return candidate


@cache
def _log_fields() -> dict[tuple[str, str], str]:
    from workbook.logs import load_logs

    return {(log.id, f.id): f.kind for log in load_logs().logs for f in log.fields}


def _log_field_kind(item_id: str) -> str | None:
    log_id, _, rest = item_id.partition(".")
    field_id = rest.rpartition(".")[2]
    return _log_fields().get((log_id, field_id))
