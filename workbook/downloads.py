"""Download links that work in Voilà (which blocks JavaScript): an anchor holding a `data:` URL."""

from __future__ import annotations

import base64
import html
import re

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str) -> str:
    """A file name with nothing that could point elsewhere (no folders, no odd characters)."""
    cleaned = _UNSAFE_NAME.sub("-", name).strip(".-") or "download"
    return cleaned[:120]


def data_link(data: bytes, filename: str, mime: str, label: str) -> str:
    """An HTML link that downloads `data` as `filename` when clicked."""
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<a class="wb-download" download="{html.escape(safe_filename(filename))}" '
        f'href="data:{html.escape(mime)};base64,{encoded}">{html.escape(label)}</a>'
    )
