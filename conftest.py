"""Test-run setup: point WORKBOOK_DB at a temporary file before any notebook kernel starts."""

from __future__ import annotations

import os
import tempfile

_run_dir = tempfile.mkdtemp(prefix="workbook-tests-")
os.environ["WORKBOOK_DB"] = os.path.join(_run_dir, "answers.sqlite3")
# Notebook cells must fail the run instead of showing the friendly error note.
os.environ["WORKBOOK_STRICT"] = "1"
