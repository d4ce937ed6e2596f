"""Markdown rendering of the guide and the frame: faithful text, escaped punctuation, working links."""

from __future__ import annotations

from workbook.content import load_guide
from workbook.markdown import contents_markdown, escape, frame_markdown, section_markdown
from workbook.pages import all_pages


def test_escape_keeps_text_literal() -> None:
    assert escape("<script>alert(1)</script>") == r"\<script\>alert(1)\</script\>"
    assert escape("a*b_c [x](y) #1 & `z`") == r"a\*b\_c \[x\](y) \#1 &amp; \`z\`"
    assert escape("“I’m sorry” — 👉 😀") == "“I’m sorry” — 👉 😀"


def test_section_markdown_has_every_block_in_order() -> None:
    section = load_guide().section("step-05")
    text = section_markdown(section)
    assert text.index("“I’m sorry” is not an apology.") < text.index("1. Acknowledgment of harm")
    assert "4. Change-oriented behavior" in text
    assert "**Example of a poor apology:**\n\n> “Sorry you feel that way.”" in text
    assert text.rstrip().endswith("One deflects. One heals.")


def test_faq_and_scripts_render_as_headed_blocks() -> None:
    faq = section_markdown(load_guide().section("faq"))
    assert "### Should you go no-contact?\n\nSometimes space helps" in faq
    scripts = section_markdown(load_guide().section("scripts"))
    assert "### To acknowledge pain\n\n> “You were asking for connection" in scripts


def test_arrow_lines_keep_their_arrows() -> None:
    final = section_markdown(load_guide().section("final"))
    assert "👉 Fighting hard.  \n👉 Doing the work." in final


def test_frame_puts_quick_exit_first_and_links_neighbours() -> None:
    frame = frame_markdown("step-01")
    assert frame.index("wb-quick-exit") < frame.index("<p")
    assert "does not clear your browser history" in frame
    assert 'href="01_intro.ipynb"' in frame and 'href="03_step-02.ipynb"' in frame
    assert "wb-prev" not in frame_markdown("start")
    assert "wb-next" not in frame_markdown("counselor")
    assert frame.count("<li><a href=") == len(all_pages())


def test_contents_lists_every_section() -> None:
    contents = contents_markdown()
    assert contents.count("\n- [") == len(all_pages()) - 1 == len(load_guide().sections) + 4
