"""The app's pages in reading order: file names, titles and neighbours, all derived from the content."""

from __future__ import annotations

from dataclasses import dataclass

from workbook.content import Guide, load_guide

START_ID = "start"
START_FILE = "00_start.ipynb"
# Pages of the app itself, after the guide's sections: (id, file, title, navigation title).
TOOL_PAGES = (
    ("checkin", "checkin.ipynb", "Relationship satisfaction check-in", "Satisfaction check-in"),
    ("progress", "progress.ipynb", "Your progress", "Your progress"),
    ("backup", "backup.ipynb", "Download or restore your workbook", "Download or restore"),
    (
        "counselor",
        "counselor.ipynb",
        "For counselors: clients, sessions and exports",
        "For counselors",
    ),
)


@dataclass(frozen=True)
class Page:
    """One notebook of the workbook."""

    id: str
    filename: str
    title: str
    nav_title: str


def all_pages(guide: Guide | None = None) -> tuple[Page, ...]:
    """The start page, one page per section in the guide's order, then the app's own pages."""
    guide = guide or load_guide()
    pages = [Page(START_ID, START_FILE, guide.title, "Start")]
    for index, section in enumerate(guide.sections, start=1):
        nav = (
            f"Step {section.number}: {section.short_title}"
            if section.number
            else section.short_title
        )
        pages.append(Page(section.id, f"{index:02d}_{section.id}.ipynb", section.title, nav))
    pages.extend(Page(*tool) for tool in TOOL_PAGES)
    return tuple(pages)


def page(page_id: str, guide: Guide | None = None) -> Page:
    """The page with this id."""
    for candidate in all_pages(guide):
        if candidate.id == page_id:
            return candidate
    raise KeyError(f"no page {page_id!r}")


def neighbours(page_id: str, guide: Guide | None = None) -> tuple[Page | None, Page | None]:
    """The previous and next pages in reading order (None at either end)."""
    pages = all_pages(guide)
    index = [p.id for p in pages].index(page_id)
    previous = pages[index - 1] if index > 0 else None
    following = pages[index + 1] if index + 1 < len(pages) else None
    return previous, following
