"""Which answers an export or a report covers: clients, sessions, a step, and a first day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from workbook.settings import validate_id


@dataclass(frozen=True)
class Selection:
    """A filter on the answers table; empty fields select everything."""

    client_ids: tuple[str, ...] = ()
    session_ids: tuple[str, ...] = ()
    step_id: str | None = None
    since: date | None = None

    def __post_init__(self) -> None:
        for client in self.client_ids:
            validate_id(client, "client id")
        for session in self.session_ids:
            validate_id(session, "session id")
        if self.step_id is not None and not 0 < len(self.step_id) <= 100:
            raise ValueError("step id should be 1 to 100 characters")

    def where(self) -> tuple[str, list[str]]:
        """An SQL condition on the answers table (starting with ' WHERE', or empty) and its parameters."""
        conditions: list[str] = []
        params: list[str] = []
        for column, values in (("client_id", self.client_ids), ("session_id", self.session_ids)):
            if values:
                conditions.append(f"{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        if self.step_id is not None:
            conditions.append("step_id = ?")
            params.append(self.step_id)
        if self.since is not None:
            conditions.append("saved_at >= ?")
            params.append(since_utc(self.since))
        return (" WHERE " + " AND ".join(conditions) if conditions else "", params)

    def describe(self, *, deidentified: bool = False) -> str:
        """The filter in words, for report headers and messages (without ids or dates if de-identified)."""
        parts = []
        if self.client_ids:
            parts.append(
                f"{len(self.client_ids)} chosen client(s)"
                if deidentified
                else "clients " + ", ".join(self.client_ids)
            )
        if self.session_ids:
            parts.append(
                f"{len(self.session_ids)} chosen session(s)"
                if deidentified
                else "sessions " + ", ".join(self.session_ids)
            )
        if self.step_id is not None:
            parts.append(f"section {self.step_id}")
        if self.since is not None:
            parts.append(
                "saved from a chosen day on"
                if deidentified
                else f"saved on or after {self.since.isoformat()}"
            )
        return "; ".join(parts) if parts else "everything"


def since_utc(day: date) -> str:
    """The start of a local calendar day as the store's UTC text, for comparing with saved_at."""
    start = datetime.combine(day, time.min).astimezone()
    return start.astimezone(UTC).isoformat(timespec="microseconds")
