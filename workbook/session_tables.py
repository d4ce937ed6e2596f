"""A client's sessions as pandas tables: checklists, answers, reflections, logs, scores and what changed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from workbook.assessments import summarize_answers
from workbook.content import FormItem, Guide, load_guide
from workbook.sessions import Session, list_sessions
from workbook.store import COLUMNS, Answer, Store

if TYPE_CHECKING:
    import pandas as pd

Latest = dict[tuple[str, str], Answer]


@dataclass
class ClientHistory:
    """Every answer one client saved, oldest first, with the client's numbered sessions."""

    client_id: str
    answers: list[Answer]
    sessions: list[Session]
    guide: Guide = field(default_factory=load_guide)
    date_label: Callable[[Session], str] = lambda session: session.day.isoformat()

    @cached_property
    def number_of(self) -> dict[str, int]:
        """Session id → session number."""
        return {s.session_id: s.number for s in self.sessions}

    def session(self, session_id: str) -> Session:
        """The session with this id (KeyError otherwise)."""
        for session in self.sessions:
            if session.session_id == session_id:
                return session
        raise KeyError(f"client {self.client_id!r} has no session {session_id!r}")

    def previous(self, session_id: str) -> Session | None:
        """The session before this one, if any."""
        number = self.number_of[session_id]
        return next((s for s in self.sessions if s.number == number - 1), None)

    def latest_until(self, number: int) -> Latest:
        """The newest answer per item among sessions 1 to `number`."""
        latest: Latest = {}
        for answer in self.answers:
            if self.number_of[answer.session_id] <= number:
                latest[(answer.step_id, answer.item_id)] = answer
        return latest

    def in_session(self, session_id: str) -> Latest:
        """The newest answer per item saved in this session."""
        return {(a.step_id, a.item_id): a for a in self.answers if a.session_id == session_id}


def load_history(
    store: Store,
    client_id: str,
    guide: Guide | None = None,
    rewrite: Callable[[Answer], Answer] | None = None,
    date_label: Callable[[Session], str] | None = None,
) -> ClientHistory:
    """Read a client's history (answers passed through `rewrite`, session dates shown by `date_label`)."""
    with store.connect() as conn:
        rows = conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM answers WHERE client_id = ? ORDER BY saved_at, rowid",
            (client_id,),
        ).fetchall()
    answers = [Answer(*row) for row in rows]
    if rewrite is not None:
        answers = [rewrite(a) for a in answers]
    history = ClientHistory(
        client_id, answers, list_sessions(store, client_id), guide or load_guide()
    )
    if date_label is not None:
        history.date_label = date_label
    return history


class Describer:
    """Turns stored answers into words a counselor reads: section names, questions, chosen options."""

    def __init__(self, guide: Guide) -> None:
        from workbook import csi, logs

        self.guide = guide
        self.items: dict[tuple[str, str], FormItem] = {
            (i.step_id, i.item_id): i for s in guide.sections for i in s.form_items
        }
        self.items.update({(i.step_id, i.item_id): i for i in csi.instrument().items})
        self.section_titles = {s.id: s.short_title for s in guide.sections}
        self.section_titles[csi.STEP_ID] = "Satisfaction check-in"
        self.logs = {log.id: log for log in logs.load_logs().logs}

    def section(self, step_id: str) -> str:
        """The short title of a section (its id when unknown)."""
        return self.section_titles.get(step_id, step_id)

    def answer(self, answer: Answer) -> str:
        """The answer in words: ticked or not, the option's text, a rating with its label, or the text."""
        if answer.kind == "log":
            log_id, _, rest = answer.item_id.partition(".")
            return self.log_value(log_id, rest.rpartition(".")[2], answer.value)
        item = self.items.get((answer.step_id, answer.item_id))
        if item is None:
            return answer.value
        if item.kind == "check":
            return "Yes" if answer.value == "true" else "No"
        if item.kind == "choice":
            return next((o.text for o in item.options if o.id == answer.value), answer.value)
        if item.kind == "rating" and item.scale is not None and item.scale.labels:
            try:
                label = item.scale.labels[int(answer.value) - item.scale.min]
            except (ValueError, IndexError):
                return answer.value
            return f"{answer.value} ({label})"
        return answer.value

    def log_value(self, log_id: str, field_id: str, value: str) -> str:
        """A log field's stored value in words (option texts instead of ids)."""
        from workbook.logs import choices, decode_value

        log = self.logs.get(log_id)
        if log is None or field_id not in log.field_ids:
            return value
        log_field = log.field(field_id)
        if log_field.kind in ("choice", "yesno", "multi"):
            names = {o.id: o.text for o in choices(log_field)}
            decoded = decode_value(log_field, value)
            chosen = decoded if isinstance(decoded, tuple) else (decoded,) if decoded else ()
            return ", ".join(names.get(str(c), str(c)) for c in chosen)
        return value


def session_tables(
    history: ClientHistory, session_id: str, step_id: str | None = None
) -> dict[str, pd.DataFrame]:
    """What was answered in one session, as tables (empty tables are left out)."""
    import pandas as pd

    words = Describer(history.guide)
    answered = [
        a
        for a in history.in_session(session_id).values()
        if step_id is None or a.step_id == step_id
    ]
    by_kind: dict[str, list[Answer]] = {}
    for answer in answered:
        by_kind.setdefault(answer.kind, []).append(answer)
    tables: dict[str, pd.DataFrame] = {}
    columns = {
        "check": ("Checklists", "Ticked"),
        "rating": ("Ratings and choices", "Answer"),
        "choice": ("Ratings and choices", "Answer"),
        "text": ("Reflections", "Answer"),
    }
    for kind, (title, heading) in columns.items():
        rows = [
            {"Section": words.section(a.step_id), "Item": a.prompt, heading: words.answer(a)}
            for a in by_kind.get(kind, [])
        ]
        if rows:
            frame = pd.DataFrame(rows)
            tables[title] = (
                pd.concat([tables[title], frame], ignore_index=True) if title in tables else frame
            )
    tables.update(_log_tables(by_kind.get("log", []), words))
    if step_id is None:
        tables["Scores at the end of this session"] = _scores_frame(
            [history.session(session_id)], history
        )
    return tables


def _log_tables(rows: Iterable[Answer], words: Describer) -> dict[str, pd.DataFrame]:
    import pandas as pd

    entries: dict[str, dict[str, dict[str, str]]] = {}
    for answer in rows:
        log_id, _, rest = answer.item_id.partition(".")
        entry_id, _, field_id = rest.rpartition(".")
        entries.setdefault(log_id, {}).setdefault(entry_id, {})[field_id] = answer.value
    tables = {}
    for log_id, found in entries.items():
        log = words.logs.get(log_id)
        title = log.title if log is not None else log_id
        order = (
            list(log.field_ids)
            if log is not None
            else sorted({f for e in found.values() for f in e})
        )
        headings = {f.id: f.short or f.label for f in log.fields} if log is not None else {}
        tables[f"Log: {title}"] = pd.DataFrame(
            [
                {headings.get(f, f): words.log_value(log_id, f, values.get(f, "")) for f in order}
                for values in found.values()
            ]
        )
    return tables


def changes_since_previous(
    history: ClientHistory, session_id: str, step_id: str | None = None
) -> pd.DataFrame:
    """Items answered in this session whose answer differs from where things stood after the previous one."""
    import pandas as pd

    words = Describer(history.guide)
    previous = history.previous(session_id)
    before = history.latest_until(previous.number) if previous is not None else {}
    rows = []
    for key, answer in history.in_session(session_id).items():
        if step_id is not None and answer.step_id != step_id:
            continue
        old = before.get(key)
        if old is not None and old.value == answer.value:
            continue
        shown = words.answer
        rows.append(
            {
                "Section": words.section(answer.step_id),
                "Item": answer.prompt,
                "Before": "" if old is None else shown(old),
                "Now": shown(answer),
                "Change": "new" if old is None else "changed",
            }
        )
    return pd.DataFrame(rows, columns=["Section", "Item", "Before", "Now", "Change"])


def scores_over_sessions(history: ClientHistory) -> pd.DataFrame:
    """Per session: answers saved, the CSI-4 total when complete, and the assessments as they then stood."""
    return _scores_frame(history.sessions, history)


def _scores_frame(sessions: Iterable[Session], history: ClientHistory) -> pd.DataFrame:
    import pandas as pd

    from workbook.csi import instrument

    csi_items = [i.item_id for i in instrument().items]
    rows = []
    for session in sessions:
        summary = summarize_answers(history.latest_until(session.number), history.guide)
        own = history.in_session(session.session_id)
        csi = [own.get(("csi4", item)) for item in csi_items]
        rows.append(
            {
                "Session": session.number,
                "Date": history.date_label(session),
                "Answers saved": session.answers,
                "CSI-4 (0–21)": int(sum(a.value_num or 0 for a in csi if a is not None))
                if all(a is not None and a.value_num is not None for a in csi)
                else None,
                "Worth fighting for": int(summary.worth.score),
                "Signs of harm": int(summary.harm.score),
                "Let-go signs": int(summary.let_go.score),
                "Mistakes noticed": int(summary.mistakes.score),
            }
        )
    frame = pd.DataFrame(rows)
    if len(frame):
        frame = frame.astype({"CSI-4 (0–21)": "Int64"})
    return frame
