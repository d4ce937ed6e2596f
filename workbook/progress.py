"""Progress through the guide: how much of each section has answers, and how many answers per day."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from workbook.content import Guide, load_guide
from workbook.store import Store, local_day


@dataclass(frozen=True)
class SectionProgress:
    """Items of one section with a current answer, out of all its items."""

    section_id: str
    label: str
    answered: int
    items: int

    @property
    def share(self) -> float:
        """The answered share, from 0 to 1."""
        return self.answered / self.items if self.items else 0.0


def completion(store: Store, client_id: str, guide: Guide | None = None) -> list[SectionProgress]:
    """Per section: items with a current answer (a ticked box, a rating, some text) out of all items."""
    guide = guide or load_guide()
    latest = store.latest(client_id)
    rows = []
    for section in guide.sections:
        items = section.form_items
        answered = sum(
            1
            for item in items
            if (a := latest.get((section.id, item.item_id))) is not None
            and a.value not in ("", "false")
        )
        label = section.short_title if section.number is None else f"Step {section.number}"
        rows.append(SectionProgress(section.id, label, answered, len(items)))
    return rows


def activity(store: Store, client_id: str) -> list[tuple[date, int]]:
    """Answers saved per local calendar day, oldest first (days without answers left out)."""
    # Python's astimezone() follows the computer's own time zone rules, summer time included.
    days = Counter(local_day(t) for t in store.saved_times(client_id))
    return sorted(days.items())
