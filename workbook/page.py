"""What the notebooks call: the live part of the frame, a section's exercises, the start page's facts."""

from __future__ import annotations

import html
import logging

import ipywidgets as widgets
from IPython.display import display

from workbook import settings
from workbook.content import load_guide
from workbook.stepform import StepForm
from workbook.store import Store

log = logging.getLogger(__name__)


def frame(page_id: str) -> None:
    """Show the live part of the page frame: progress through the guide."""
    guide = load_guide()
    try:
        answered = Store().answered_steps(settings.client_id())
    except Exception as exc:
        display(_problem(exc))
        return
    done = sum(1 for s in guide.sections if s.id in answered)
    bar = widgets.IntProgress(value=done, min=0, max=len(guide.sections), layout={"width": "12em"})
    label = widgets.HTML(
        f"<span class='wb-progress-label'>{done} of {len(guide.sections)} sections have answers</span>"
    )
    box = widgets.HBox([bar, label])
    box.add_class("wb-progress")
    display(box)


def exercises(section_id: str) -> StepForm | None:
    """Show a section's exercises as a form that restores and saves answers."""
    try:
        form = StepForm(load_guide().section(section_id))
    except Exception as exc:
        display(_problem(exc))
        return None
    display(form.widget)
    return form


def start() -> None:
    """Show where the answers are kept and which session new answers go to."""
    rows = [
        ("Your answers are kept in", str(settings.db_path())),
        ("Session for new answers", settings.session_id()),
        ("Person", settings.client_id()),
    ]
    cells = "".join(
        f"<tr><th>{html.escape(k)}</th><td><code>{html.escape(v)}</code></td></tr>" for k, v in rows
    )
    display(widgets.HTML(f"<table class='wb-where'>{cells}</table>"))


def _problem(exc: Exception) -> widgets.HTML:
    if settings.strict():
        raise exc
    log.exception("workbook page failed")
    return widgets.HTML(
        "<div class='wb-problem' role='alert'><strong>Something went wrong on this page.</strong> "
        f"Nothing you saved before is lost. Details: {html.escape(str(exc))}</div>"
    )
