"""The backup page: download the whole workbook as one file, and restore it from an upload."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import ipywidgets as widgets

from workbook.backup import BackupError, backup_bytes, restore
from workbook.downloads import data_link
from workbook.forms import Look
from workbook.live import Watcher
from workbook.store import Store, StoreError


class BackupView:
    """A download link kept current, and an upload that merges a backup into the store."""

    def __init__(self, store: Store, look: Look | None = None) -> None:
        self.store = store
        self.look = look or Look()
        self.download = self.look.html("", "wb-download-box")
        self.upload = widgets.FileUpload(
            accept=".json,application/json",
            multiple=False,
            description="Upload backup",
            layout=self.look.plain,
            style=self.look.button_style,
            _dom_classes=("wb-upload",),
        )
        self.message = self.look.html("", "wb-upload-message")
        self.upload.observe(self._uploaded, names="value")
        self.refresh_download()
        self.watcher = Watcher(lambda: store.count(), self.refresh_download)
        self.widget = widgets.VBox(
            [
                self.look.html("<h2>Download your workbook</h2>"),
                self.download,
                self.look.html(
                    "<h2>Restore from a backup</h2><p>Choose a backup file you downloaded before. Its answers "
                    "are added to what is here; answers already here are kept and never doubled.</p>"
                ),
                self.upload,
                self.message,
            ],
            layout=self.look.full_width,
        )

    def refresh_download(self) -> None:
        """Rebuild the download link from what the store holds now."""
        data = backup_bytes(self.store)
        count = self.store.count()
        name = f"repair-workbook-{date.today().isoformat()}.json"
        self.download.value = (
            f"<p>{data_link(data, name, 'application/json', 'Download my workbook')} "
            f"<span class='wb-download-size'>({count} saved answers, {max(1, len(data) // 1024)} KB)</span></p>"
            "<p>Keep the file somewhere private: it holds everything you wrote.</p>"
        )

    def restore_bytes(self, name: str, data: bytes) -> None:
        """Merge one uploaded file and say what happened."""
        try:
            result = restore(self.store, data)
        except (BackupError, StoreError) as exc:
            self._say(
                f"{html.escape(name)} was not restored. {html.escape(str(exc))} Nothing was changed.",
                error=True,
            )
            return
        self._say(
            f"Restored {html.escape(name)}: {result.added} answers added, "
            f"{result.already_present} were already here."
        )
        self.refresh_download()

    def _uploaded(self, change: dict[str, Any]) -> None:
        for upload in change["new"]:
            self.restore_bytes(str(upload["name"]), bytes(upload["content"]))

    def _say(self, text: str, *, error: bool = False) -> None:
        css = "wb-status-error" if error else "wb-status-ok"
        self.message.value = f"<p class='{css}' role='status'>{text}</p>"
