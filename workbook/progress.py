"""Progress through the guide as tables: how much of each section has answers, and activity by day."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbook.content import Guide, load_guide
from workbook.store import Store

if TYPE_CHECKING:
    import pandas as pd


def completion(store: Store, client_id: str, guide: Guide | None = None) -> pd.DataFrame:
    """Per section: items with a current answer (a ticked box, a rating, some text) out of all items."""
    import pandas as pd

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
        rows.append(
            {
                "section_id": section.id,
                "section": section.short_title
                if section.number is None
                else f"Step {section.number}",
                "answered": answered,
                "items": len(items),
            }
        )
    frame = pd.DataFrame(rows)
    frame["share"] = frame["answered"] / frame["items"]
    return frame


def activity(store: Store, client_id: str) -> pd.DataFrame:
    """Answers saved per day (local calendar days), oldest first, with days of no activity left out."""
    import pandas as pd

    history = store.history_frame(client_id)
    if history.empty:
        return pd.DataFrame(
            {"day": pd.Series(dtype="datetime64[ns]"), "answers": pd.Series(dtype="int64")}
        )
    # Python's astimezone() follows the computer's own time zone rules, summer time included.
    days = history["saved_at"].map(lambda moment: moment.to_pydatetime().astimezone().date())
    counts = pd.to_datetime(days).value_counts().sort_index()
    return pd.DataFrame({"day": counts.index, "answers": counts.to_numpy()})
