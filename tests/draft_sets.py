"""The labelled message drafts under tests/data, read for the checker's tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


def draft_rows(name: str) -> list[dict[str, Any]]:
    """The rows of one labelled draft file in tests/data (a blank line fails to parse)."""
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
