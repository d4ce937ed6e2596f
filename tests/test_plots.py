"""Charts render to PNG for empty and filled tables, a single day and a month of days."""

from __future__ import annotations

import struct
from pathlib import Path

import pandas as pd
import pytest

from workbook.content import load_guide
from workbook.plots import activity_png, completion_png
from workbook.progress import activity, completion
from workbook.store import Store, new_answer

PNG = b"\x89PNG\r\n\x1a\n"


def size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG header (checks it is a real PNG with an IHDR chunk)."""
    assert png.startswith(PNG)
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert png.endswith(b"IEND\xaeB`\x82")
    return width, height


def days_table(days: int, start: str = "2024-05-01") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": pd.date_range(start, periods=days, freq="D"),
            "answers": pd.Series([n % 5 + 1 for n in range(days)], dtype="int64"),
        }
    )


def test_completion_png_for_the_real_guide(db: Path) -> None:
    table = completion(Store(), "me", load_guide())
    width, height = size(completion_png(table))
    assert width > 100 and height > 100


def test_completion_png_grows_with_the_number_of_sections() -> None:
    def table(n: int) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "section_id": [f"s{k}" for k in range(n)],
                "section": [f"Step {k} <b>&</b> שלום" for k in range(n)],
                "answered": [k % 3 for k in range(n)],
                "items": [3] * n,
                "share": [k % 3 / 3 for k in range(n)],
            }
        )

    _, few = size(completion_png(table(2)))
    _, many = size(completion_png(table(30)))
    assert many > few


def test_completion_png_for_an_empty_table() -> None:
    empty = pd.DataFrame(
        {
            "section_id": pd.Series(dtype="string"),
            "section": pd.Series(dtype="string"),
            "answered": pd.Series(dtype="int64"),
            "items": pd.Series(dtype="int64"),
            "share": pd.Series(dtype="float64"),
        }
    )
    size(completion_png(empty))


def test_completion_png_with_answers(db: Path) -> None:
    store = Store()
    store.append(
        [
            new_answer(step_id="faq", item_id="my-answer.win-back", kind="text", prompt="p",
                       value="yes"),
            new_answer(step_id="step-01", item_id="killers.stonewalling", kind="check",
                       prompt="p", value="true", value_num=1.0),
        ]
    )  # fmt: skip
    table = completion(store, "me")
    assert table["answered"].sum() == 2
    size(completion_png(table))


def test_activity_png_for_an_empty_store(db: Path) -> None:
    table = activity(Store(), "me")
    assert table.empty
    size(activity_png(table))


@pytest.mark.parametrize("days", [1, 2, 13, 14, 15, 30], ids=lambda d: f"{d}-days")
def test_activity_png_for_spans_of_days(days: int) -> None:
    width, height = size(activity_png(days_table(days)))
    assert width > 100 and height > 100


def test_activity_png_from_the_store_for_one_day(db: Path) -> None:
    store = Store()
    store.append(
        new_answer(step_id="faq", item_id=f"i{n}", kind="text", prompt="p", value="x")
        for n in range(3)
    )
    table = activity(store, "me")
    assert list(table["answers"]) == [3]
    size(activity_png(table))


def test_different_data_gives_different_pictures() -> None:
    assert activity_png(days_table(1)) != activity_png(days_table(30))
