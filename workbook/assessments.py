"""Assessments: signs worth fighting for, signs of harm, let-go signs and mistakes, summed up without judging."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass

from workbook.content import Guide, load_guide
from workbook.store import Answer, Store

# (section, exercise) of each assessment, in the order the summary shows them.
WORTH = ("worth-fighting", "signs")
HARM = ("harm-signs", "signs")
LET_GO = ("step-10", "let-go-signs")
MISTAKES = ("mistakes", "sabotage")

REPAIR_TEXT = (
    "If you choose to repair: the guide's three pillars are self-awareness, consistent changed behaviour "
    "and emotionally safe communication. It takes effort from both sides, step by step, without rushing."
)
SAFETY_TEXT = (
    "Some of what you wrote touches on harm, control, threats or self-harm. Your safety and well-being "
    "come first, before any repair; the help panel on this page lists people you can talk to."
)
LET_GO_TEXT = (
    "If you choose to let go: sometimes the most powerful self-respect is release. Fighting for love becomes "
    "unhealthy when it costs your self-worth, and walking away with dignity is a full and healthy choice."
)


@dataclass(frozen=True)
class Tally:
    """One assessment's result: a score out of a maximum, and the items behind it."""

    title: str
    score: float
    maximum: float
    items: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    """All four assessments together."""

    worth: Tally
    harm: Tally
    let_go: Tally
    mistakes: Tally
    safety_signals: bool = False  # any answer, anywhere, shows abuse, control, threats or self-harm

    @property
    def marked_signs(self) -> bool:
        """Whether any sign of harm or any let-go sign is ticked."""
        return bool(self.harm.score or self.let_go.score)

    @property
    def warning_signs(self) -> bool:
        """Whether any ticked sign or any safety signal is present."""
        return self.marked_signs or self.safety_signals


def summarize(store: Store, client_id: str, guide: Guide | None = None) -> Summary:
    """Tally each assessment from the person's latest answers."""
    return summarize_answers(store.latest(client_id), guide)


def summarize_answers(
    latest: Mapping[tuple[str, str], Answer], guide: Guide | None = None
) -> Summary:
    """Tally each assessment from latest answers keyed by (step_id, item_id)."""
    from workbook.safety import answer_signals

    guide = guide or load_guide()
    return Summary(
        worth=_ratings(guide, latest, *WORTH, "Signs worth fighting for"),
        harm=_ticks(guide, latest, *HARM, "Signs of harm to your well-being"),
        let_go=_ticks(guide, latest, *LET_GO, "Step 10: signs to let go"),
        mistakes=_ticks(guide, latest, *MISTAKES, "Common mistakes you noticed in yourself"),
        safety_signals=bool(answer_signals(latest.values(), guide)),
    )


def summary_html(summary: Summary) -> str:
    """The summary as escaped HTML: each tally, then both paths, with warning signs leading when present."""
    rows = []
    for tally in (summary.worth, summary.harm, summary.let_go, summary.mistakes):
        listed = "".join(f"<li>{html.escape(t)}</li>" for t in tally.items)
        detail = f"<ul>{listed}</ul>" if listed else ""
        rows.append(
            f"<div class='wb-tally'><strong>{html.escape(tally.title)}:</strong> "
            f"{tally.score:g} of {tally.maximum:g}{detail}</div>"
        )
    if summary.warning_signs:
        lead = (
            "<p><strong>Some of what you marked are signs the guide says to take seriously.</strong> Your safety "
            "and well-being come first; repairing is not the priority while they are present.</p>"
            if summary.marked_signs
            else f"<p><strong>{html.escape(SAFETY_TEXT)}</strong></p>"
        )
        guidance = f"{lead}<p>{html.escape(LET_GO_TEXT)}</p><p>{html.escape(REPAIR_TEXT)}</p>"
    else:
        guidance = f"<p>{html.escape(REPAIR_TEXT)}</p><p>{html.escape(LET_GO_TEXT)}</p>"
    if summary.mistakes.score:
        guidance += (
            "<p>Naming your own mistakes is ownership, not self-blame. It is how they stop.</p>"
        )
    return f"<div class='wb-assessment'>{''.join(rows)}{guidance}</div>"


def _ratings(
    guide: Guide, latest: Mapping[tuple[str, str], Answer], step: str, exercise: str, title: str
) -> Tally:
    items = [i for i in guide.section(step).form_items if i.item_id.startswith(f"{exercise}.")]
    score = 0.0
    strong = []
    top = 0
    for item in items:
        assert item.scale is not None
        top += item.scale.max
        answer = latest.get((step, item.item_id))
        if answer is not None and answer.value_num is not None:
            score += answer.value_num
            if answer.value_num >= item.scale.max - 1:
                strong.append(item.prompt)
    return Tally(title, score, top, tuple(strong))


def _ticks(
    guide: Guide, latest: Mapping[tuple[str, str], Answer], step: str, exercise: str, title: str
) -> Tally:
    items = [i for i in guide.section(step).form_items if i.item_id.startswith(f"{exercise}.")]
    ticked = tuple(
        i.prompt
        for i in items
        if (a := latest.get((step, i.item_id))) is not None and a.value == "true"
    )
    return Tally(title, len(ticked), len(items), ticked)
