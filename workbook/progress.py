"""Progress through the guide: how much of each section has answers, and how many answers per day."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from workbook.content import Guide, load_guide
from workbook.logs import LogDef, entries_in, load_logs
from workbook.store import Answer, Store, local_day


@dataclass(frozen=True)
class SectionProgress:
    """Items of one section with a current answer, out of all its items (a log is one item)."""

    section_id: str
    label: str
    answered: int
    items: int

    @property
    def share(self) -> float:
        """The answered share, from 0 to 1."""
        return self.answered / self.items if self.items else 0.0


def completion(store: Store, client_id: str, guide: Guide | None = None) -> list[SectionProgress]:
    """Per section: items with a current answer (a ticked box, a rating, some text) out of all items;
    each of the section's logs counts as one item, answered once it has an entry."""
    return completion_in(store.latest(client_id), guide)


def completion_in(
    latest: Mapping[tuple[str, str], Answer], guide: Guide | None = None
) -> list[SectionProgress]:
    """completion() from answers already read (the latest answer per (step, item))."""
    guide = guide or load_guide()
    book = load_logs()
    logs: dict[str, list[LogDef]] = {}
    for log in book.logs:
        logs.setdefault(log.step_id, []).append(log)
    rows = []
    for section in guide.sections:
        items = section.form_items
        answered = sum(
            1
            for item in items
            if (a := latest.get((section.id, item.item_id))) is not None
            and a.value not in ("", "false")
        )
        section_logs = logs.get(section.id, [])
        answered += sum(1 for log in section_logs if entries_in(log, latest))
        label = section.short_title if section.number is None else f"Step {section.number}"
        rows.append(SectionProgress(section.id, label, answered, len(items) + len(section_logs)))
    return rows


def activity(store: Store, client_id: str) -> list[tuple[date, int]]:
    """Answers saved per local calendar day, oldest first (days without answers left out)."""
    # Python's astimezone() follows the computer's own time zone rules, summer time included.
    days = Counter(local_day(t) for t in store.saved_times(client_id))
    return sorted(days.items())
