"""Clients and their numbered, dated sessions, as the store's `sessions` view lists them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workbook.store import Store, local_day


@dataclass(frozen=True)
class Session:
    """One sitting of one client: its number (1 = first), when it started and how much was saved."""

    client_id: str
    session_id: str
    number: int
    started_at: str
    last_saved_at: str
    answers: int

    @property
    def day(self) -> date:
        """The local date the session started."""
        return local_day(self.started_at)

    @property
    def label(self) -> str:
        """How the session is shown: its number and date, and its id when that is not the date."""
        text = f"Session {self.number} · {self.day.isoformat()}"
        return text if self.session_id == self.day.isoformat() else f"{text} ({self.session_id})"


def clients(store: Store) -> list[str]:
    """Every client id that has saved answers, sorted."""
    with store.connect() as conn:
        rows = conn.execute("SELECT DISTINCT client_id FROM answers ORDER BY client_id")
        return [r[0] for r in rows]


def list_sessions(store: Store, client_id: str | None = None) -> list[Session]:
    """Sessions (of one client, or of all), by client then number."""
    sql = "SELECT client_id, session_id, number, started_at, last_saved_at, answers FROM sessions"
    params: tuple[str, ...] = ()
    if client_id is not None:
        sql += " WHERE client_id = ?"
        params = (client_id,)
    with store.connect() as conn:
        rows = conn.execute(sql + " ORDER BY client_id, number", params).fetchall()
    return [Session(*row) for row in rows]
