"""The exercises beyond forms, by the tool ids sections declare in the guide data, built under a section's form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets

from workbook.forms import Look
from workbook.live import Watcher
from workbook.stepform import StepForm
from workbook.store import Store


@dataclass(frozen=True)
class Context:
    """What a tool needs: the store, who and when, the shared look, and the section's form."""

    store: Store
    client_id: str
    session_id: str
    look: Look
    form: StepForm


def _log(log_id: str) -> Callable[[Context], widgets.Widget]:
    def build(ctx: Context) -> widgets.Widget:
        from workbook.log_view import LogView

        view = LogView(ctx.store, ctx.client_id, ctx.session_id, log_id, look=ctx.look)
        view.watch()
        return view.widget

    return build


def _message_checker(ctx: Context) -> widgets.Widget:
    from workbook.checks import warm_up
    from workbook.draft_feedback import DraftFeedback

    warm_up()
    return DraftFeedback(ctx.form.fields["draft.message"].input, look=ctx.look).widget


def _apology_builder(ctx: Context) -> widgets.Widget:
    from workbook.apology import ApologyBuilder
    from workbook.checks import warm_up

    warm_up(with_model=False)  # the builder reviews with the rules only
    boxes = {
        i: f.input for i, f in ctx.form.fields.items() if isinstance(f.input, widgets.Textarea)
    }
    builder = ApologyBuilder(
        boxes, ctx.look, store=ctx.store, client_id=ctx.client_id, session_id=ctx.session_id
    )
    return builder.widget


def _script_builder(ctx: Context) -> widgets.Widget:
    from workbook.scripts_builder import ScriptBuilder

    builder = ScriptBuilder(
        ctx.store,
        ctx.client_id,
        ctx.session_id,
        ctx.look,
        on_use=lambda _answer: ctx.form.refresh(),
    )
    return builder.widget


class AssessmentView:
    """The summing-up of all assessments, kept current as answers change anywhere."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.widget = ctx.look.html("", "wb-assessment-box")
        self.show()
        self.watcher = Watcher(lambda: ctx.store.change_marker(ctx.client_id), self.show)

    def show(self) -> None:
        """Recompute and show the summary."""
        from workbook.assessments import summarize, summary_html

        self.widget.value = "<h2>Summing up</h2>" + summary_html(
            summarize(self.ctx.store, self.ctx.client_id)
        )


TOOL_BUILDERS: dict[str, Callable[[Context], widgets.Widget]] = {
    "grounding-log": _log("grounding"),
    "message-checker": _message_checker,
    "apology-builder": _apology_builder,
    "trust-tracker": _log("trust"),
    "conflict-log": _log("conflict"),
    "script-builder": _script_builder,
    "assessment": lambda ctx: AssessmentView(ctx).widget,
}


def build_tools(tool_ids: tuple[str, ...], ctx: Context) -> list[widgets.Widget]:
    """The widgets of a section's tools, in the order the data lists them."""
    return [TOOL_BUILDERS[tool_id](ctx) for tool_id in tool_ids]
