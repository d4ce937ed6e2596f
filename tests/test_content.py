"""The guide as data: it loads, every part of the guide is in it, and bad content files fail clearly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from workbook import content_schema
from workbook.content import ContentError, data_dir, load_guide

CASES = Path(__file__).parent / "content_cases"
EXPECTED = json.loads((CASES / "expected.json").read_text(encoding="utf-8"))
GUIDE_TEXT = (data_dir() / "source" / "guide.txt").read_text(encoding="utf-8")
# Lines of the source that are page furniture rather than guide content.
NOT_CONTENT = {"Relationships", "About the author", "Add Comment", "Click here to post a comment"}
# Where the data deliberately corrects a typo of the source.
CORRECTIONS = {"Common relationship- killers include:": "Common relationship-killers include:"}


def guide_body_lines() -> list[str]:
    """The source's content lines, from the title to the final thoughts."""
    lines = [line.strip() for line in GUIDE_TEXT.splitlines()]
    end = lines.index("About the author")
    return [line for line in lines[:end] if line and line not in NOT_CONTENT]


def all_data_texts() -> set[str]:
    """Every piece of guide text held in the data."""
    guide = load_guide()
    texts = {guide.title}
    for section in guide.sections:
        texts.add(section.title)
        for block in section.blocks:
            texts.update({block.text, f"{block.label}:", block.question, block.answer})
            texts.update(item.text for item in block.items)
    return texts


def test_guide_loads_with_stable_ids() -> None:
    guide = load_guide()
    assert guide.schema_version == content_schema.SCHEMA_VERSION
    assert [s.number for s in guide.steps] == list(range(1, 11))
    ids = [s.id for s in guide.sections]
    assert ids == [
        "intro", *[f"step-{n:02d}" for n in range(1, 11)],
        "mistakes", "worth-fighting", "harm-signs", "scripts", "faq", "final",
    ]  # fmt: skip
    for section in guide.sections:
        item_ids = [i.item_id for i in section.form_items]
        assert len(item_ids) == len(set(item_ids)), section.id
        assert section.exercises, f"{section.id} has nothing to do"


@pytest.mark.parametrize(
    ("marker", "kind"),
    [
        (r"^•\s*(.+)$", "bullet"),
        (r"^\d+\.\s+(.+)$", "numbered point"),
        (r"^👉\s*(.+)$", "arrow line"),
    ],
)
def test_every_list_point_of_the_guide_is_a_list_item(marker: str, kind: str) -> None:
    guide = load_guide()
    items = {i.text for s in guide.sections for b in s.blocks for i in b.items}
    points = [m.group(1).strip() for line in guide_body_lines() if (m := re.match(marker, line))]
    assert points, f"no {kind}s found in the source"
    missing = [p for p in points if p not in items]
    assert not missing, f"{kind}s missing from the data: {missing}"


def test_every_step_title_is_a_section_title() -> None:
    titles = [line for line in guide_body_lines() if re.match(r"^Step \d+:", line)]
    assert len(titles) == 10
    assert [s.title for s in load_guide().steps] == titles


def test_every_faq_question_and_answer_is_present() -> None:
    lines = guide_body_lines()
    faq = lines[
        lines.index("Frequently Asked Questions") + 1 : lines.index(
            "Final thoughts: You’re not powerless"
        )
    ]
    pairs = list(zip(faq[0::2], faq[1::2], strict=True))
    blocks = [b for b in load_guide().section("faq").blocks if b.type == "qa"]
    assert [(b.question, b.answer) for b in blocks] == pairs
    assert len(pairs) == 4


def test_every_script_is_present() -> None:
    lines = guide_body_lines()
    start = lines.index("Practical script examples you can actually use")
    scripts = [
        line
        for line in lines[start : lines.index("Frequently Asked Questions")]
        if line.startswith("“")
    ]
    blocks = [b for b in load_guide().section("scripts").blocks if b.type == "script"]
    assert [b.text for b in blocks] == scripts
    assert len(scripts) == 3


def test_every_line_of_the_guide_is_somewhere_in_the_data() -> None:
    texts = all_data_texts()
    bare = {re.sub(r"^(•|👉|\d+\.)\s*", "", line) for line in guide_body_lines()}
    missing = [line for line in bare if CORRECTIONS.get(line, line) not in texts]
    assert not missing, missing


def test_safety_tags_mark_abuse_control_and_threats() -> None:
    guide = load_guide()
    tagged = {
        (i.step_id, i.item_id): i.safety for s in guide.sections for i in s.form_items if i.safety
    }
    assert tagged[("step-10", "let-go-signs.abuse")] == "abuse"
    assert tagged[("step-10", "let-go-signs.manipulation-control")] == "control"
    assert tagged[("mistakes", "sabotage.threatening-to-hurt")] == "threat"
    assert tagged[("harm-signs", "signs.unsafe")] == "abuse"


def test_minimal_valid_file_loads() -> None:
    guide = load_guide(CASES / "valid-minimal.json")
    items = guide.section("step-01").form_items
    assert [i.item_id for i in items] == ["killers.arguing", "killers.criticism", "calm.now"]
    assert items[2].scale is not None and items[2].scale.labels == ("Not", "Some", "Very")


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_content_file_fails_naming_file_item_and_problem(case: str) -> None:
    path = CASES / f"{case}.json"
    with pytest.raises(ContentError) as caught:
        load_guide(path)
    message = str(caught.value)
    assert message.startswith(f"{path.name}: "), message
    for part in EXPECTED[case]:
        assert part in message, f"{part!r} not in {message!r}"


def test_every_bad_case_file_is_listed() -> None:
    files = {p.stem for p in CASES.glob("*.json")} - {"expected", "valid-minimal"}
    assert files == set(EXPECTED)


def test_missing_file_is_named() -> None:
    with pytest.raises(ContentError, match=r"nowhere\.json: file: not found"):
        load_guide(CASES / "nowhere.json")
