"""Render the guide's text and the page frame as Markdown for the notebooks."""

from __future__ import annotations

import re

from workbook.content import Block, Guide, Section, load_guide
from workbook.pages import all_pages, neighbours

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>|~#])")


def escape(text: str) -> str:
    """Text shown literally in Markdown: `&` as an entity, Markdown and HTML punctuation backslashed."""
    return _MD_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))


def section_markdown(section: Section) -> str:
    """The guide's text for one section, in the guide's order."""
    parts = [f"# {escape(section.title)}"]
    parts.extend(_block(block) for block in section.blocks)
    return "\n\n".join(parts) + "\n"


def _block(block: Block) -> str:
    if block.type == "paragraph":
        return escape(block.text)
    if block.type == "heading":
        return f"## {escape(block.text)}"
    if block.type == "list":
        if block.style == "numbered":
            return "\n".join(f"{n}. {escape(i.text)}" for n, i in enumerate(block.items, start=1))
        if block.style == "arrow":
            return "  \n".join(f"👉 {escape(i.text)}" for i in block.items)
        return "\n".join(f"- {escape(i.text)}" for i in block.items)
    if block.type == "example":
        return f"**{escape(block.label)}:**\n\n> {escape(block.text)}"
    if block.type == "script":
        return f"### {escape(block.label)}\n\n> {escape(block.text)}"
    if block.type == "qa":
        return f"### {escape(block.question)}\n\n{escape(block.answer)}"
    raise ValueError(f"unknown block type {block.type!r}")


def frame_markdown(page_id: str, guide: Guide | None = None) -> str:
    """The top of every page: quick exit first, the workbook's title, previous/next and all pages."""
    guide = guide or load_guide()
    previous, following = neighbours(page_id, guide)
    links = []
    if previous:
        links.append(
            f'<a class="wb-prev" href="{previous.filename}">← {escape(previous.nav_title)}</a>'
        )
    if following:
        links.append(
            f'<a class="wb-next" href="{following.filename}">{escape(following.nav_title)} →</a>'
        )
    every = "".join(
        f'<li><a href="{p.filename}">{escape(p.nav_title)}</a></li>' for p in all_pages(guide)
    )
    return (
        '<div class="wb-frame">\n'
        '<a class="wb-quick-exit" href="https://www.bbc.co.uk/weather" rel="noreferrer">'
        "Quick exit</a>\n"
        '<span class="wb-quick-exit-note">Quick exit opens a weather page at once. '
        "It does not clear your browser history.</span>\n"
        f'<p class="wb-title"><a href="00_start.ipynb">{escape(guide.title)}: the workbook</a></p>\n'
        f'<nav class="wb-nav" aria-label="Pages">{" ".join(links)}\n'
        f'<details class="wb-all-pages"><summary>All pages</summary><ul>{every}</ul></details></nav>\n'
        "</div>\n"
    )


def contents_markdown(guide: Guide | None = None) -> str:
    """Links to every page, by name."""
    lines = ["## All pages", ""]
    lines += [f"- [{escape(p.nav_title)}]({p.filename})" for p in all_pages(guide)[1:]]
    return "\n".join(lines) + "\n"
