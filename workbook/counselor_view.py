"""The counselor page: pick a client and sessions, read the session tables, import workbooks, export."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import ipywidgets as widgets

from workbook.backup import BackupError, restore
from workbook.content import Guide, load_guide
from workbook.downloads import data_link
from workbook.export import FORMATS, ExportError, ExportRequest, export_files
from workbook.forms import Look
from workbook.report import TABLE_CSS, client_section
from workbook.selection import Selection
from workbook.session_tables import load_history
from workbook.sessions import clients, list_sessions
from workbook.settings import validate_id
from workbook.store import Store, StoreError

FORMAT_LABELS = {
    "csv": "CSV (answers + data dictionary)",
    "xlsx": "Excel",
    "json": "JSON (a full backup, can be imported)",
    "html": "Printable report (HTML)",
}


class CounselorView:
    """Client and session pickers, the chosen sessions as tables, an import box and export links."""

    def __init__(self, store: Store, guide: Guide | None = None, look: Look | None = None) -> None:
        self.store, self.guide = store, guide or load_guide()
        self.look = look or Look()
        self.client = widgets.Dropdown(description="Client", options=[])
        self.sessions = widgets.SelectMultiple(description="Sessions", rows=6, options=[])
        self.step = widgets.Dropdown(
            description="Section",
            options=[("All sections", "")] + [(s.short_title, s.id) for s in self.guide.sections],
        )
        self.tables = self.look.html("")
        self.tables.add_class("wb-tables")
        self.format = widgets.Dropdown(
            description="Format",
            options=[(FORMAT_LABELS[f], f) for f in FORMATS],
            layout={"width": "24em"},
        )
        self.deidentify = widgets.Checkbox(description="De-identify", indent=False)
        self.keep_text = widgets.Checkbox(
            description="Keep free text (it may name people)", indent=False, disabled=True
        )
        self.prepare = widgets.Button(description="Prepare download", button_style="primary")
        self.downloads = self.look.html("")
        self.downloads.add_class("wb-export-links")
        self.upload = widgets.FileUpload(accept=".json,application/json", multiple=False,
                                         description="Client's workbook file")  # fmt: skip
        self.import_as = widgets.Text(
            description="File as", placeholder="client id, e.g. client-07"
        )
        self.import_button = widgets.Button(description="Import")
        self.import_message = self.look.html("")
        self.import_message.add_class("wb-import-message")
        self.client.observe(lambda _c: self._client_changed(), names="value")
        for control in (self.sessions, self.step):
            control.observe(lambda _c: self.show(), names="value")
        self.deidentify.observe(self._deidentify_changed, names="value")
        self.prepare.on_click(lambda _b: self.prepare_downloads())
        self.import_button.on_click(lambda _b: self.import_upload())
        self.widget = widgets.VBox(
            [
                self.look.html(f"<style>{TABLE_CSS}</style><h2>Clients and sessions</h2>"),
                widgets.HBox([self.client, self.step]),
                self.sessions,
                self.tables,
                self.look.html("<h2>Export</h2><p>The choice above (client, sessions, section) is "
                               "what is exported. Files hold what clients wrote: keep them private.</p>"),
                widgets.HBox([self.format, self.deidentify, self.keep_text]),
                self.prepare,
                self.downloads,
                self.look.html("<h2>Import a client's workbook</h2><p>A client can download their "
                               "workbook (page <em>Download or restore</em>) and give you the file. "
                               "Importing it twice adds nothing.</p>"),
                widgets.HBox([self.upload, self.import_as, self.import_button]),
                self.import_message,
            ],
            layout=self.look.full_width,
        )  # fmt: skip
        self.widget.add_class("wb-counselor")
        self.refresh_clients()

    def refresh_clients(self) -> None:
        """List the clients the store holds, keeping the current choice when it is still there."""
        known = clients(self.store)
        current = self.client.value
        self.client.options = known
        if known:
            self.client.value = current if current in known else known[0]
        else:
            self.tables.value = (
                "<p>No clients yet. Import a client's workbook file below, or run "
                "<code>workbook import FILE --as-client ID</code>.</p>"
            )

    def selection(self) -> Selection:
        """The client, sessions and section chosen on the page."""
        return Selection(
            (self.client.value,) if self.client.value else (),
            tuple(self.sessions.value),
            self.step.value or None,
        )

    def show(self) -> None:
        """Show the chosen sessions as tables, with what changed and the scores over sessions."""
        if not self.client.value:
            return
        if not self.sessions.value:
            self.tables.value = "<p>Choose one or more sessions.</p>"
            return
        history = load_history(self.store, self.client.value, self.guide)
        self.tables.value = client_section(history, ExportRequest(self.selection()))

    def prepare_downloads(self) -> None:
        """Build the export files for the current choice and show them as download links."""
        request = ExportRequest(self.selection(), self.deidentify.value, self.keep_text.value)
        who = "deidentified" if self.deidentify.value else (self.client.value or "all")
        stem = f"repair-workbook-{who}-{date.today().isoformat()}"
        try:
            files = export_files(self.store, self.format.value, request, stem)
        except (ExportError, StoreError, ValueError) as exc:
            self.downloads.value = f"<p class='wb-status-error'>{html.escape(str(exc))}</p>"
            return
        mime = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument."
                "spreadsheetml.sheet", "json": "application/json", "html": "text/html"}  # fmt: skip
        links = "".join(
            f"<li>{data_link(data, name, mime[self.format.value], name)} "
            f"({max(1, len(data) // 1024)} KB)</li>"
            for name, data in files.items()
        )
        self.downloads.value = f"<ul>{links}</ul>"

    def import_upload(self) -> None:
        """Import the uploaded workbook file under the client id given."""
        if not self.upload.value:
            self._say("Choose a client's workbook file first.", error=True)
            return
        upload = self.upload.value[0]
        name = str(upload["name"])
        as_client = self.import_as.value.strip() or None
        try:
            if as_client is not None:
                validate_id(as_client, "client id")
            result = restore(self.store, bytes(upload["content"]), as_client=as_client)
        except (BackupError, StoreError, ValueError) as exc:
            self._say(f"{name} was not imported. {exc} Nothing was changed.", error=True)
            return
        self._say(
            f"Imported {name}: {result.added} answers added, {result.already_present} were already here."
        )
        self.refresh_clients()
        if as_client is not None:
            self.client.value = as_client

    def _client_changed(self) -> None:
        found = list_sessions(self.store, self.client.value) if self.client.value else []
        self.sessions.options = [(s.label, s.session_id) for s in reversed(found)]
        self.sessions.value = tuple(s.session_id for s in found[-1:])
        self.downloads.value = ""
        self.show()

    def _deidentify_changed(self, change: dict[str, Any]) -> None:
        self.keep_text.disabled = not change["new"]
        if not change["new"]:
            self.keep_text.value = False

    def _say(self, text: str, *, error: bool = False) -> None:
        css = "wb-status-error" if error else "wb-status-ok"
        self.import_message.value = f"<p class='{css}' role='status'>{html.escape(text)}</p>"
