"""Text made safe for spreadsheet cells: no formulas run, no characters a spreadsheet file cannot hold."""

from __future__ import annotations

import re

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters that XML, and so an .xlsx file, cannot hold (tab, newline and return are fine).
UNSAFE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_UNSAFE_CONTROL_GLOB = "*[\x01-\x08\x0b\x0c\x0e-\x1f]*"
REPLACEMENT = "\ufffd"


def cell_text(text: str) -> str:
    """The text as a spreadsheet should receive it: formulas turned to plain text, odd controls replaced."""
    text = UNSAFE_CONTROL.sub(REPLACEMENT, text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def formula_safe_sql(column: str) -> str:
    """An SQL expression giving the column with a leading apostrophe when it starts like a formula."""
    starts = ", ".join(
        "'" + c + "'" if c.isprintable() else f"char({ord(c)})" for c in FORMULA_STARTS
    )
    return f"CASE WHEN substr({column}, 1, 1) IN ({starts}) THEN '''' || {column} ELSE {column} END"


def cell_text_sql(column: str) -> str:
    """An SQL expression giving `cell_text(column)`; rare rows with control characters call `cell_text`."""
    return (
        f"CASE WHEN {column} GLOB '{_UNSAFE_CONTROL_GLOB}' THEN cell_text({column}) "
        f"ELSE {formula_safe_sql(column)} END"
    )
