"""What the notebooks call: the live page frame (progress, save status, notices) and each page's body."""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable, Mapping

import ipywidgets as widgets
from IPython.display import display

from workbook import settings
from workbook.content import load_guide
from workbook.forms import LABEL_CSS, Look
from workbook.live import Watcher
from workbook.progress import completion_in
from workbook.store import Answer, Store

log = logging.getLogger(__name__)

BINDER_NOTICE = (
    "You are using a temporary online copy of the workbook. Everything you write here disappears "
    "when this session ends (after some minutes without use, or when you close it). Before you leave, "
    "<a href='backup.ipynb'>download your workbook</a>; next time, upload that file to carry on."
)


def show(widget: widgets.Widget) -> None:
    """Display a widget in the page, without building its text form."""
    # ipywidgets' own display builds repr() of the whole widget tree for the text/plain fallback,
    # which costs a step page 10-15 ms of kernel time on every view; the page never shows it.
    bundle = {
        "application/vnd.jupyter.widget-view+json": {
            "version_major": 2,
            "version_minor": 0,
            "model_id": widget.model_id,
        },
        "text/plain": f"{type(widget).__name__}()",
    }
    display(bundle, raw=True)


def guarded(part: Callable[[Frame], None]) -> Callable[[Frame], None]:
    """Run a page part; on failure show a calm note instead of a traceback."""

    @functools.wraps(part)
    def run(self: Frame) -> None:
        try:
            part(self)
        except Exception as exc:
            show(problem(exc))

    return run


class Frame:
    """The live part of a page's frame, and the entry points that fill the page below it."""

    def __init__(self, page_id: str) -> None:
        self.page_id = page_id
        self.store = Store()
        self.client_id = settings.client_id()
        self.guide = load_guide()
        self.look = Look()
        self.status = self.look.html("", "wb-status")
        self.progress_summary = self.look.html(
            self._progress_html(self.store.latest(self.client_id))
        )
        parts: list[widgets.Widget] = [self.progress_summary, self.status]
        if settings.on_binder():
            notice = f"<div class='wb-notice' role='note'>{BINDER_NOTICE}</div>"
            parts.append(
                widgets.HTML(notice, layout=self.look.full_width, style=self.look.html_style)
            )
        from workbook.safety_view import SafetyPanel

        self.safety = SafetyPanel(self.store, self.client_id, self.look, guide=self.guide)
        parts.append(self.safety.widget)
        # One row that wraps: the notice and the panel (full width) each take a line of their own.
        self.widget = widgets.HBox(
            parts,
            layout=widgets.Layout(width="100%", flex_flow="row wrap", align_items="center"),
            _dom_classes=("wb-live-frame",),
        )
        # One watcher for the progress and the panel: both follow all of this person's answers.
        self.watcher = Watcher(
            lambda: self.store.change_marker(self.client_id), self.answers_changed
        )

    def answers_changed(self) -> None:
        """Bring the progress and the safety panel up to date with answers saved anywhere."""
        latest = self.store.latest(self.client_id)  # read once for both
        self.progress_summary.value = self._progress_html(latest)
        self.safety.show_signals_in(list(latest.values()))

    def _progress_html(self, latest: Mapping[tuple[str, str], Answer]) -> str:
        # A plain <progress> element: one widget model for the bar and its label.
        done = sum(1 for row in completion_in(latest, self.guide) if row.answered)
        total = len(self.guide.sections)
        # The stylesheet rides along: every page shows this widget first, in JupyterLab too.
        return (
            f"<style>{LABEL_CSS}</style>"
            f"<progress class='wb-progress-bar' value='{done}' max='{total}' "
            "aria-label='Sections with answers' style='width:10em;vertical-align:middle'></progress>"
            f"<span class='wb-progress-label' style='white-space:nowrap'>{done} of {total} sections "
            "have answers</span>"
        )

    @guarded
    def exercises(self) -> None:
        """Show this section's exercises as a form that restores, saves and stays current."""
        from workbook.stepform import StepForm

        section = self.guide.section(self.page_id)
        form = StepForm(section, self.store, status=self.status, look=self.look)
        form.watch()
        show(form.widget)
        if section.tools:
            from workbook.tools import Context, build_tools

            context = Context(self.store, self.client_id, settings.session_id(), self.look, form)
            tools = build_tools(section.tools, context)
            # One tool needs no box around it (one model fewer to send and draw).
            show(tools[0] if len(tools) == 1 else widgets.VBox(tools, layout=self.look.full_width))

    @guarded
    def start(self) -> None:
        """Show where the answers are kept and which session new answers go to."""
        rows = [
            ("Your answers are kept in", str(self.store.path)),
            ("Session for new answers", settings.session_id()),
            ("Person", self.client_id),
        ]
        cells = "".join(
            f"<tr><th>{html.escape(k)}</th><td><code>{html.escape(v)}</code></td></tr>"
            for k, v in rows
        )
        show(self.look.html(f"<table class='wb-where'>{cells}</table>"))

    @guarded
    def progress(self) -> None:
        """Show completion per section and activity over time, as charts and as a table."""
        from workbook.progress_view import ProgressView

        show(ProgressView(self.store, self.client_id, self.guide).widget)

    @guarded
    def checkin(self) -> None:
        """Show the relationship satisfaction check-in for this session, and its scores over sessions."""
        from workbook.csi import CsiView

        show(CsiView(self.store, self.client_id, settings.session_id(), self.look).widget)

    @guarded
    def counselor(self) -> None:
        """Show the counselor's view: clients, sessions, session tables, imports and exports."""
        from workbook.counselor_view import CounselorView

        view = CounselorView(self.store, self.guide, self.look)
        self.counselor_view = view
        show(view.widget)

    @guarded
    def backup(self) -> None:
        """Show the download link and the upload control for the whole workbook."""
        from workbook.backup_view import BackupView

        show(BackupView(self.store, self.look).widget)


class Unavailable:
    """Stands in for a frame that could not be built: every page part shows nothing more."""

    def __getattr__(self, _name: str) -> Callable[[], None]:
        return lambda: None


def frame(page_id: str) -> Frame | Unavailable:
    """Show the page frame's live part and return it, to fill the rest of the page."""
    try:
        live = Frame(page_id)
    except Exception as exc:
        show(problem(exc))
        return Unavailable()
    show(live.widget)
    return live


def problem(exc: Exception) -> widgets.HTML:
    """A calm note in place of a traceback (the details go to the server log)."""
    if settings.strict():
        raise exc
    log.exception("workbook page failed")
    return widgets.HTML(
        "<div class='wb-problem' role='alert'><strong>Something went wrong on this page.</strong> "
        "Nothing you saved before is lost. Reloading the page often helps. "
        f"Details: {html.escape(str(exc))}</div>"
    )
