"""The Couples Satisfaction Index, 4-item form (Funk & Rogge, 2007): once per session, scored 0–21."""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache

import ipywidgets as widgets

from workbook.content import ContentError, FormItem, Scale, data_dir, read_json
from workbook.forms import Look, build_field
from workbook.store import Store, new_answer

STEP_ID = "csi4"
CSI_FILE = "csi4.json"


@dataclass(frozen=True)
class Instrument:
    """The questionnaire: its items as form items, the cut-off and the citation."""

    title: str
    intro: str
    items: tuple[FormItem, ...]
    threshold: float
    threshold_note: str
    citation: str

    @property
    def maximum(self) -> int:
        """The highest possible total (21)."""
        return sum(i.scale.max for i in self.items if i.scale is not None)


@cache
def instrument() -> Instrument:
    """Load the CSI-4 definition from data, checking it."""
    path = data_dir() / CSI_FILE
    raw = read_json(path)
    try:
        items = tuple(
            FormItem(
                STEP_ID,
                f"{STEP_ID}.{i['id']}",
                "rating",
                i["text"],
                scale=Scale(0, len(i["labels"]) - 1, tuple(i["labels"])),
            )
            for i in raw["items"]
        )
        found = Instrument(
            raw["title"],
            raw["intro"],
            items,
            float(raw["threshold"]),
            raw["threshold_note"],
            raw["citation"],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ContentError(path.name, "document", f"missing or malformed field {exc}") from None
    if len(items) != 4 or found.maximum != 21:
        raise ContentError(
            path.name,
            "items",
            f"the CSI-4 has four items scored 0–21 in total, found {len(items)} / {found.maximum}",
        )
    return found


def session_scores(store: Store, client_id: str) -> list[tuple[str, int]]:
    """(session_id, total) for every session where all four items were answered, oldest first."""
    wanted = {i.item_id for i in instrument().items}
    latest: dict[tuple[str, str], tuple[str, float]] = {}
    first_seen: dict[str, str] = {}
    with store.connect() as conn:
        rows = conn.execute(
            "SELECT session_id, item_id, value_num, saved_at FROM answers "
            "WHERE client_id = ? AND step_id = ? ORDER BY saved_at, rowid",
            (client_id, STEP_ID),
        )
        for session, item, number, saved in rows:
            if item in wanted and number is not None:
                latest[(session, item)] = (saved, number)
                first_seen.setdefault(session, saved)
    totals = []
    for session in sorted(first_seen, key=first_seen.__getitem__):
        values = [latest.get((session, item)) for item in sorted(wanted)]
        if all(v is not None for v in values):
            totals.append((session, int(sum(v[1] for v in values if v is not None))))
    return totals


def interpretation(total: int) -> str:
    """A calm, non-judging reading of a total."""
    inst = instrument()
    if total < inst.threshold:
        return (
            f"{total} of {inst.maximum}: below {inst.threshold:g}, which in this questionnaire suggests notable "
            "dissatisfaction right now. That is worth taking seriously, whichever way you go from here."
        )
    return (
        f"{total} of {inst.maximum}: at or above {inst.threshold:g}, "
        "the questionnaire's line for notable dissatisfaction."
    )


class CsiView:
    """The four questions for the current session, the score, and the scores over sessions."""

    def __init__(
        self, store: Store, client_id: str, session_id: str, look: Look | None = None
    ) -> None:
        self.store, self.client_id, self.session_id = store, client_id, session_id
        self.look = look or Look()
        inst = instrument()
        self.fields = {i.item_id: build_field(i, self.look) for i in inst.items}
        self._restore()
        self.save_button = self.look.button("Save check-in", button_style="primary")
        self.save_button.on_click(lambda _b: self.save())
        self.result = self.look.html("", "wb-csi-result")
        parts = [p for f in self.fields.values() for p in f.parts]
        self.widget = widgets.VBox(
            [
                self.look.html(
                    f"<h2>{html.escape(inst.title)}</h2><p>{html.escape(inst.intro)}</p>"
                ),
                *parts,
                self.save_button,
                self.result,
                self.look.html(f"<p class='wb-cite'>Source: {html.escape(inst.citation)}</p>"),
            ],
            layout=self.look.full_width,
            _dom_classes=("wb-csi",),
        )
        self.show_result()

    def save(self) -> int:
        """Save this session's answers; say the score when all four are answered."""
        answers = [
            new_answer(
                step_id=STEP_ID, item_id=item_id, kind="rating", prompt=f.item.prompt,
                value=str(f.input.value), value_num=float(f.input.value),
                client_id=self.client_id, session_id=self.session_id,
            )
            for item_id, f in self.fields.items()
            if f.input.value is not None
        ]  # fmt: skip
        added = self.store.append(answers)
        self.show_result()
        return added

    def show_result(self) -> None:
        """Show this session's total (if complete) and the totals over sessions."""
        from workbook.plots import line_chart_svg

        scores = session_scores(self.store, self.client_id)
        current = dict(scores).get(self.session_id)
        text = (
            "<p>Answer all four questions to see this session's score.</p>"
            if current is None
            else f"<p><strong>This session:</strong> {html.escape(interpretation(current))}</p>"
        )
        inst = instrument()
        if len(scores) >= 1:
            text += line_chart_svg(
                [s for s, _ in scores], [t for _, t in scores], "Satisfaction over sessions (0–21)",
                maximum=inst.maximum, line_at=inst.threshold,
            )  # fmt: skip
        text += f"<p class='wb-note'>{html.escape(inst.threshold_note)}</p>"
        self.result.value = text

    def _restore(self) -> None:
        with self.store.connect() as conn:
            rows = conn.execute(
                "SELECT item_id, value FROM answers WHERE client_id = ? AND step_id = ? AND session_id = ? "
                "ORDER BY saved_at, rowid",
                (self.client_id, STEP_ID, self.session_id),
            ).fetchall()
        for item_id, value in rows:
            if item_id in self.fields:
                self.fields[item_id].input.value = int(value)
