"""The progress page: completion per section and activity over time, as charts and a plain table."""

from __future__ import annotations

import html

import ipywidgets as widgets

from workbook.content import Guide
from workbook.plots import activity_png, completion_png
from workbook.progress import activity, completion
from workbook.store import Store


class ProgressView:
    """Charts and a table of the person's progress."""

    def __init__(self, store: Store, client_id: str, guide: Guide) -> None:
        done = completion(store, client_id, guide)
        days = activity(store, client_id)
        rows = "".join(
            f"<tr><td>{html.escape(str(r.section))}</td><td>{r.answered} of {r.items}</td></tr>"
            for r in done.itertuples()
        )
        self.widget = widgets.VBox(
            [
                widgets.Image(
                    value=completion_png(done), format="png", layout={"max_width": "100%"}
                ),
                widgets.Image(value=activity_png(days), format="png", layout={"max_width": "100%"}),
                widgets.HTML(
                    "<details><summary>The same as a table</summary><table class='wb-progress-table'>"
                    f"<tr><th>Section</th><th>Items with an answer</th></tr>{rows}</table></details>"
                ),
            ]
        )
        self.widget.add_class("wb-progress-page")
