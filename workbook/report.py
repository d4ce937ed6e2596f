"""The printable HTML report: per client and session, the session tables, what changed, and charts."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from workbook.content import Guide, load_guide
from workbook.deidentify import Deidentifier
from workbook.export import ExportRequest
from workbook.plots import line_chart_svg
from workbook.safety import answer_signals
from workbook.selection import since_utc
from workbook.session_tables import (
    ClientHistory,
    changes_since_previous,
    load_history,
    scores_over_sessions,
    session_tables,
)
from workbook.sessions import Session
from workbook.store import Answer, Store

if TYPE_CHECKING:
    import pandas as pd

# Tables, notes and charts of client sections: used by the report and by the counselor page.
TABLE_CSS = """
.wb-tables h2, .wb-tables h3, .wb-tables h4 { color: #1d4f4a; line-height: 1.2; }
.wb-tables table { border-collapse: collapse; width: 100%; margin: 0.4rem 0 1rem; font-size: 10pt; }
.wb-tables th, .wb-tables td { border: 1px solid #b9c7c5; padding: 0.25rem 0.45rem; text-align: left;
  vertical-align: top; }
.wb-tables th { background: #eef3f2; }
.wb-tables td { white-space: pre-wrap; overflow-wrap: break-word; }
.wb-tables .wb-note { color: #444; font-size: 10pt; }
.wb-tables .wb-safety-note { border: 2px solid #8a1c1c; background: #fff4f4; padding: 0.3rem 0.8rem; margin: 0.5rem 0; }
.wb-tables .wb-charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr)); gap: 0.5rem; }
.wb-tables .wb-charts svg { max-width: 100%; height: auto; }
"""
PRINT_CSS = (
    TABLE_CSS
    + """
body { font: 11pt/1.45 system-ui, sans-serif; color: #1b1b1b; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { color: #1d4f4a; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  section.client { break-before: page; }
  section.client:first-of-type { break-before: auto; }
  section.session { break-inside: avoid-page; }
  table, svg { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
"""
)


def report_html(store: Store, request: ExportRequest, guide: Guide | None = None) -> str:
    """The whole report as one self-contained HTML page (all text escaped, no scripts, no remote files)."""
    guide = guide or load_guide()
    deidentifier = request.deidentifier(store)
    parts = [_header(store, request)]
    for client in request.client_ids(store):
        if deidentifier is None:
            history = load_history(store, client, guide)
        else:
            history = load_history(
                store, client, guide, _rewriter(deidentifier), deidentifier.day_label(client)
            )
        parts.append(client_section(history, request, deidentifier))
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' "
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        "<meta name='referrer' content='no-referrer'>"
        "<title>Repair Workbook: session report</title>"
        f"<style>{PRINT_CSS}</style></head><body class='wb-tables'>{''.join(parts)}</body></html>"
    )


def _header(store: Store, request: ExportRequest) -> str:
    made = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    note = (
        "<p class='wb-note'>De-identified: each client has a pseudonym made for this report only, "
        "days are counted from the client's first session, and "
        + ("free text is included.</p>" if request.keep_text else "free text is left out.</p>")
        if request.deidentify
        else f"<p class='wb-note'>From {html.escape(str(store.path))}.</p>"
    )
    covers = request.selection.describe(deidentified=request.deidentify)
    return (
        "<header><h1>Repair Workbook: session report</h1>"
        f"<p>Made {html.escape(made)}. Covers: {html.escape(covers)}.</p>"
        f"{note}<p class='wb-note'>The workbook records what a person ticked and wrote; it is not a "
        "diagnosis. Read it with them.</p></header>"
    )


def client_section(
    history: ClientHistory, request: ExportRequest, deidentifier: Deidentifier | None = None
) -> str:
    """One client's part of the report: safety signals, scores over sessions, then each chosen session."""
    name = deidentifier.pseudonyms[history.client_id] if deidentifier else history.client_id
    sessions = _selected_sessions(history, request)
    scores = scores_over_sessions(history)
    parts = [
        f"<section class='client'><h2>Client {html.escape(name)}</h2>",
        _safety_note(history),
        f"<p>{len(history.sessions)} session(s) in all; {len(sessions)} shown here.</p>",
        "<h3>Over all sessions</h3>",
        scores.to_html(index=False, na_rep="", escape=True, border=0),
        _charts(scores),
    ]
    for session in sessions:
        label = (
            f"Session {session.number} · {history.date_label(session)}"
            if deidentifier is not None
            else session.label
        )
        parts.append(f"<section class='session'><h3>{html.escape(label)}</h3>")
        changes = changes_since_previous(history, session.session_id, request.selection.step_id)
        parts.append("<h4>What changed since the previous session</h4>")
        if session.number == 1:
            parts.append("<p class='wb-note'>This is the first session.</p>")
        elif len(changes):
            parts.append(changes.to_html(index=False, escape=True, border=0))
        else:
            parts.append("<p class='wb-note'>No answer changed.</p>")
        for title, table in session_tables(
            history, session.session_id, request.selection.step_id
        ).items():
            parts.append(f"<h4>{html.escape(title)}</h4>")
            parts.append(table.to_html(index=False, na_rep="", escape=True, border=0))
        parts.append("</section>")
    parts.append("</section>")
    return "".join(parts)


def _safety_note(history: ClientHistory) -> str:
    latest = history.latest_until(len(history.sessions))
    found = answer_signals(latest.values(), history.guide)
    if not found:
        return ""
    reasons = dict.fromkeys(r for rs in found.values() for r in rs)
    items = "".join(f"<li>{html.escape(r)}</li>" for r in reasons)
    return (
        "<div class='wb-safety-note' role='note'><strong>Safety first.</strong> The latest answers "
        f"show signs the workbook treats as possible abuse, control, threats or self-harm:<ul>{items}</ul>"
        "<p>They come from words and ticks, not an assessment. Check on safety before any work on "
        "the relationship.</p></div>"
    )


def _charts(scores: pd.DataFrame) -> str:
    if len(scores) < 2:
        return ""
    labels = [f"S{n}" for n in scores["Session"]]
    charts = []
    csi = scores["CSI-4 (0–21)"].astype("float64")
    if csi.notna().sum() >= 1:
        known = csi.notna()
        charts.append(
            line_chart_svg(
                [lab for lab, k in zip(labels, known, strict=True) if k],
                list(csi[known]),
                "Satisfaction check-in (CSI-4, 0–21)",
                maximum=21,
                line_at=13.5,
            )
        )
    for column in ("Worth fighting for", "Signs of harm", "Let-go signs", "Mistakes noticed"):
        values = [float(v) for v in scores[column]]
        charts.append(line_chart_svg(labels, values, column, maximum=max(max(values), 1.0)))
    return f"<div class='wb-charts'>{''.join(charts)}</div>"


def _selected_sessions(history: ClientHistory, request: ExportRequest) -> list[Session]:
    selection = request.selection
    chosen = []
    for session in history.sessions:
        if selection.session_ids and session.session_id not in selection.session_ids:
            continue
        if selection.since is not None and session.last_saved_at < since_utc(selection.since):
            continue
        if selection.step_id is not None and not any(
            a.session_id == session.session_id and a.step_id == selection.step_id
            for a in history.answers
        ):
            continue
        chosen.append(session)
    return chosen


def _rewriter(deidentifier: Deidentifier) -> Callable[[Answer], Answer]:
    def rewrite(answer: Answer) -> Answer:
        value = deidentifier.value(
            answer.client_id, answer.kind, answer.item_id, answer.value, answer.value_num
        )
        return replace(answer, value=value)

    return rewrite
