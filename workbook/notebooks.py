"""Generate the workbook's notebooks from the content, and check the committed ones still match."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import nbformat
from nbformat.notebooknode import NotebookNode

from workbook.content import Guide, load_guide
from workbook.markdown import contents_markdown, escape, frame_markdown, section_markdown
from workbook.pages import START_ID, Page, all_pages

START_TEXT = """\
# {title}: the workbook

This workbook turns the guide *{title}* into something you can do, not only read.
Each page shows one part of the guide, then a few exercises: checklists to tick,
questions to answer in your own words, and ratings.

## How to use it

- Go one page at a time. There is no rush, and nothing needs to be finished.
- Your answers save by themselves a moment after you stop typing. The **Save** button saves at once.
- When you come back, your latest answers are already there. Earlier versions are kept as history.
- If anything you read or write points to abuse, control, threats or self-harm, the workbook shows
  where to find help. You deserve to be safe.

## Where your answers live

Everything stays on this computer, in one file (shown below). Nothing is sent anywhere.
To use another file, set the environment variable `WORKBOOK_DB` to its path before starting.

## Erasing your answers

Run `workbook erase --all --yes` in a terminal. It removes every answer and rewrites the file,
so the text is no longer in it.
"""


def _code(source: str, cell_id: str) -> NotebookNode:
    return cast(NotebookNode, nbformat.v4.new_code_cell(source, id=cell_id))


def _markdown(source: str, cell_id: str) -> NotebookNode:
    return cast(NotebookNode, nbformat.v4.new_markdown_cell(source, id=cell_id))


TOOL_TEXT = {
    "checkin": """\
# Relationship satisfaction check-in

Four short questions from the Couples Satisfaction Index (CSI-4). Answer them once per session, honestly
and quickly; over time the chart shows how things are moving. It is a rough guide, not a verdict.
""",
    "progress": """\
# Your progress

How much of each section you have filled in, and when you worked on the workbook.
Progress is not a score: going slowly, skipping a section or coming back to it later are all fine.
""",
    "backup": """\
# Download or restore your workbook

Your answers are kept on this computer. To move them to another computer, keep a copy, or carry on
after a temporary online session ends, download the whole workbook as one file. Upload that file
later to bring everything back: nothing already here is overwritten or doubled.
""",
    "counselor": """\
# For counselors: clients, sessions and exports

If you are a counselor keeping several clients' workbooks, this page is for you. Pick a client and one or
more sessions to read what they answered, what changed since the session before, and their scores over
time. Export the same choice as CSV, Excel, JSON or a printable report, de-identified if you share it.

Clients can give you their workbook file (from *Download or restore*); import it below under the
pseudonymous id you use for them. From a terminal: `workbook import FILE --as-client ID`, and
`workbook export --help` for every export option.

If you are working through the workbook for yourself, you do not need this page.
""",
}


def build_notebook(page: Page, guide: Guide) -> NotebookNode:
    """The notebook for one page: frame, text, then the page's part; thin code cells calling the package."""
    cells = [
        _markdown(frame_markdown(page.id, guide), f"{page.id}-frame"),
        _code(f'from workbook import page\n\nframe = page.frame("{page.id}")', f"{page.id}-status"),
    ]
    if page.id == START_ID:
        cells.append(_markdown(START_TEXT.format(title=escape(guide.title)), "start-about"))
        cells.append(_code("frame.start()", "start-where"))
        cells.append(_markdown(contents_markdown(guide), "start-contents"))
    elif page.id in TOOL_TEXT:
        cells.append(_markdown(TOOL_TEXT[page.id], f"{page.id}-text"))
        cells.append(_code(f"frame.{page.id}()", f"{page.id}-body"))
    else:
        cells.append(_markdown(section_markdown(guide.section(page.id)), f"{page.id}-guide"))
        cells.append(_code("frame.exercises()", f"{page.id}-exercises"))
    notebook = cast(NotebookNode, nbformat.v4.new_notebook(cells=cells))
    notebook.metadata = {
        "kernelspec": {
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "name": "python3",
        },
        "language_info": {"name": "python"},
        "title": page.title,
    }
    return notebook


def expected_notebooks(guide: Guide | None = None) -> dict[str, str]:
    """Every notebook's file name and exact text, as generated from the content."""
    guide = guide or load_guide()
    return {p.filename: nbformat.writes(build_notebook(p, guide)) + "\n" for p in all_pages(guide)}


def write_notebooks(folder: Path) -> list[str]:
    """Write every generated notebook into `folder`; return the names that changed."""
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in expected_notebooks().items():
        target = folder / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed.append(name)
    return changed


def stale_notebooks(folder: Path) -> list[str]:
    """Notebooks in `folder` that are missing or differ from what the content generates."""
    return [
        name
        for name, text in expected_notebooks().items()
        if not (folder / name).exists() or (folder / name).read_text(encoding="utf-8") != text
    ]
