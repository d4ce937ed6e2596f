"""The script builder: the guide's scripts as templates, filled literally, checked, used as my version."""

from __future__ import annotations

import copy
import html
import json
from pathlib import Path
from typing import Any

import pytest

from workbook.checks import check_message
from workbook.content import ContentError, data_dir, load_guide
from workbook.scripts_builder import (
    ScriptBuilder,
    fill,
    load_templates,
    parse_templates,
)
from workbook.stepform import StepForm
from workbook.store import Answer, Store

SCRIPT = "<script>alert('x')</script>"
IDS = ("open", "acknowledge-pain", "rebuild-slowly")


def guide_scripts() -> dict[str, str]:
    blocks = load_guide().section("scripts").blocks
    return {b.id: b.text.strip("“”") for b in blocks if b.type == "script"}


def raw() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(
        (data_dir() / "script_templates.json").read_text(encoding="utf-8")
    )
    return doc


# --- the templates ----------------------------------------------------------------------------


def test_one_template_per_guide_script_with_one_to_three_blanks() -> None:
    templates = load_templates().templates
    assert tuple(t.id for t in templates) == IDS == tuple(guide_scripts())
    for template in templates:
        assert 1 <= len(template.blanks) <= 3
        assert all(b.prompt.strip() and b.guide_words.strip() for b in template.blanks)
        assert template.item_id == f"my-version.{template.id}"


def test_open_template_reads_as_the_brief_says() -> None:
    assert load_templates().get("open").text == (
        "I want to talk because {what matters} matters to me. I’m not here to argue or pressure "
        "you. I want to understand {what you want to understand} and how we can repair this if "
        "you’re open to it."
    )


@pytest.mark.parametrize("template_id", IDS)
def test_blanks_left_empty_give_the_guides_own_script(template_id: str) -> None:
    assert fill(template_id, {}) == guide_scripts()[template_id]
    blanks = load_templates().get(template_id).blanks
    assert fill(template_id, {b.name: "  \n " for b in blanks}) == guide_scripts()[template_id]


def test_the_guides_scripts_raise_no_flag() -> None:
    for template_id in IDS:
        assert check_message(fill(template_id, {})) == []


def test_words_fill_the_blanks() -> None:
    text = fill("open", {"what matters": "our friendship", "what you want to understand": "why"})
    assert text.startswith("I want to talk because our friendship matters to me.")
    assert "I want to understand why and how we can repair this" in text


@pytest.mark.parametrize(
    "words",
    [
        "{x}",
        "{what matters}",
        "{what you want to understand}",
        "{0}",
        "{}",
        "}{",
        "{{double}}",
        "{0.__class__}",
        "%s %(x)s $x ${x}",
        "us 💔👩‍❤️‍👨 — שלום",
        "\\1 \\g<0>",
    ],
)
def test_words_are_taken_literally(words: str) -> None:
    text = fill("open", {"what matters": words, "what you want to understand": words})
    assert text == (
        f"I want to talk because {words} matters to me. I’m not here to argue or pressure you. "
        f"I want to understand {words} and how we can repair this if you’re open to it."
    )


def test_whitespace_in_words_is_tidied() -> None:
    text = fill("rebuild-slowly", {"small steps": "  walks,\n\n  and   talks  "})
    assert (
        text
        == "I’d like to start small — walks, and talks rather than rushing back like nothing happened."
    )


def test_unknown_script_or_blank_is_refused() -> None:
    with pytest.raises(KeyError, match="the scripts are"):
        fill("closing", {})
    with pytest.raises(KeyError, match="no blank"):
        fill("open", {"what maters": "x"})


# --- the builder ------------------------------------------------------------------------------


def make(db: Path, **kwargs: Any) -> ScriptBuilder:
    return ScriptBuilder(Store(), "c1", "s1", **kwargs)


def test_builder_has_a_box_per_blank_and_shows_the_guides_script_at_first(db: Path) -> None:
    b = make(db)
    for template in load_templates().templates:
        assert list(b.inputs[template.id]) == [blank.name for blank in template.blanks]
        assert all(box.placeholder for box in b.inputs[template.id].values())
        assert html.escape(guide_scripts()[template.id]) in b.previews[template.id].value
        assert "wb-feedback" in b.feedback[template.id]._dom_classes
        assert "wb-flag" not in b.feedback[template.id].value


def test_filled_script_and_its_notes_follow_the_typing(db: Path) -> None:
    b = make(db)
    b.inputs["open"]["what matters"].value = "us"
    assert "I want to talk because us matters to me." in b.previews["open"].value
    b.inputs["open"]["what you want to understand"].value = "why you never listen"
    assert "wb-flag-blame" in b.feedback["open"].value
    flag = next(f for f in check_message(b.filled("open")) if f.kind == "blame")
    assert html.escape(flag.alternative) in b.feedback["open"].value
    b.inputs["open"]["what you want to understand"].value = "what you felt"
    assert "wb-flag" not in b.feedback["open"].value


def test_builder_escapes_the_persons_words(db: Path) -> None:
    b = make(db)
    b.inputs["acknowledge-pain"]["what they were asking for"].value = f"time {SCRIPT}"
    b.inputs["acknowledge-pain"]["what you did instead"].value = f"you always do this {SCRIPT}"
    for value in (b.previews["acknowledge-pain"].value, b.feedback["acknowledge-pain"].value):
        assert "<script>" not in value
    assert "&lt;script&gt;" in b.previews["acknowledge-pain"].value


def test_use_as_my_version_writes_the_scripts_item(db: Path) -> None:
    used: list[Answer] = []
    b = make(db, on_use=used.append)
    b.inputs["rebuild-slowly"]["small steps"].value = "a walk on Sundays {x} 💔"
    b.buttons["rebuild-slowly"].click()
    wanted = "I’d like to start small — a walk on Sundays {x} 💔 rather than rushing back like nothing happened."
    latest = Store().latest("c1", "scripts")
    answer = latest[("scripts", "my-version.rebuild-slowly")]
    assert answer.value == wanted and answer.kind == "text" and answer.session_id == "s1"
    assert answer.prompt == load_guide().form_item("scripts", "my-version.rebuild-slowly").prompt
    assert used == [answer]
    assert "Saved as" in b.statuses["rebuild-slowly"].value


def test_the_scripts_form_shows_the_used_version(db: Path) -> None:
    b = ScriptBuilder()
    b.inputs["open"]["what matters"].value = "our family"
    b.use("open")
    form = StepForm(load_guide().section("scripts"))
    assert form.fields["my-version.open"].input.value == fill(
        "open", {"what matters": "our family"}
    )
    assert form.fields["my-version.acknowledge-pain"].input.value == ""


def test_use_reports_a_store_failure_calmly(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    b = make(db)

    def broken(_answers: object) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(b.store, "append", broken)
    assert b.use("open") is None
    assert "Could not save" in b.statuses["open"].value and "disk full" in b.statuses["open"].value


# --- validation of the data file --------------------------------------------------------------


def _broken(change: Any) -> dict[str, Any]:
    doc = copy.deepcopy(raw())
    change(doc)
    return doc


def _blank(name: str) -> dict[str, str]:
    return {"name": name, "prompt": "?", "guide_words": "x"}


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.pop("schema_version"), "schema_version"),
        (lambda d: d.update(schema_version=9), "schema_version"),
        (lambda d: d.update(templates={}), "templates"),
        (lambda d: d["templates"][0].pop("label"), "templates[0].label"),
        (lambda d: d["templates"][1].update(id="closing"), "templates[1].id"),
        (lambda d: d["templates"][2].update(id="open"), "templates[2].id"),
        (lambda d: d["templates"][0].update(text="I want {what matters"), "templates[0].text"),
        (
            lambda d: d["templates"][0].update(text="{what matters} and {other}"),
            "templates[0].text",
        ),
        (lambda d: d["templates"][0].update(text="Only {what matters}."), "templates[0].text"),
        (lambda d: d["templates"][2].update(blanks=[]), "templates[2].blanks"),
        (
            lambda d: d["templates"][2].update(
                blanks=[_blank(n) for n in ("aa", "bb", "cc", "dd")]
            ),
            "templates[2].blanks",
        ),
        (
            lambda d: d["templates"][2]["blanks"][0].update(name="Small_Steps"),
            "templates[2].blanks[0].name",
        ),
        (lambda d: d["templates"][1]["blanks"][1].pop("prompt"), "templates[1].blanks[1].prompt"),
        (
            lambda d: d["templates"][1]["blanks"][0].update(guide_words=" "),
            "templates[1].blanks[0].guide_words",
        ),
    ],
)
def test_broken_data_names_file_field_and_problem(change: Any, where: str) -> None:
    with pytest.raises(ContentError) as caught:
        parse_templates(_broken(change), "script_templates.json")
    assert caught.value.file == "script_templates.json" and caught.value.where == where
    assert caught.value.problem
