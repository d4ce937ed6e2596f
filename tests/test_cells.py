"""Spreadsheet-safe text: formulas neutralised, unsafe control characters replaced, SQL and Python agree."""

from __future__ import annotations

import sqlite3

import pytest

from workbook.cells import FORMULA_STARTS, REPLACEMENT, cell_text, cell_text_sql

CASES = [
    "=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\")",
    "plain", "", "a = b", "I'm -not- a formula", "'=already quoted",
    "bell\x07", "\x01=x", "emoji 💔", "<script>alert(1)</script>", "line\nbreak",
]  # fmt: skip


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_becomes_plain_text(start: str) -> None:
    assert cell_text(f"{start}cmd|' /C calc'!A0") == f"'{start}cmd|' /C calc'!A0"


def test_ordinary_text_is_unchanged() -> None:
    for text in ("plain", "", "a = b", "emoji 💔", "line\nbreak", "tab\tinside"):
        assert cell_text(text) == text


def test_control_characters_an_xlsx_cannot_hold_are_replaced() -> None:
    assert cell_text("bell\x07 and \x00 nul") == f"bell{REPLACEMENT} and {REPLACEMENT} nul"


@pytest.mark.parametrize("text", CASES)
def test_the_sql_expression_gives_the_same_text(text: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.create_function("cell_text", 1, cell_text, deterministic=True)
    (found,) = conn.execute(f"SELECT {cell_text_sql('t')} FROM (SELECT ? AS t)", (text,)).fetchone()
    assert found == cell_text(text)
