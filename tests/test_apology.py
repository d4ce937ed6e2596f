"""Step 5's apology builder: parts, deflections, assembly, live widget, kept versions, data checks."""

from __future__ import annotations

import copy
import html
import json
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

from workbook.apology import (
    VERSION_ITEM,
    ApologyBuilder,
    assemble,
    load_apology,
    parse_apology,
    review_apology,
)
from workbook.content import ContentError, data_dir, load_guide
from workbook.draft_feedback import SAFETY_LINE
from workbook.stepform import StepForm
from workbook.store import Store

SCRIPT = "<script>alert('x')</script>"
REAL = {
    "acknowledgment": "I interrupted you, minimized how you felt, and made you feel small.",
    "ownership": "I am taking responsibility for that.",
    "empathy": "You didn’t deserve that.",
    "change": "I am working on communicating without dismissing you.",
}
PART_IDS = ("acknowledgment", "ownership", "empathy", "change")


def raw() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((data_dir() / "apology.json").read_text(encoding="utf-8"))
    return doc


def unquote(text: str) -> str:
    return text.strip("“”")


# --- the data file ----------------------------------------------------------------------------


def test_the_four_parts_follow_step_5() -> None:
    spec = load_apology()
    guide_list = load_guide().section("step-05").list_block("apology-parts")
    assert tuple(p.id for p in spec.parts) == PART_IDS == tuple(i.id for i in guide_list.items)
    assert [p.title for p in spec.parts][:3] == [i.text for i in guide_list.items][:3]
    assert [p.item_id for p in spec.parts] == [f"parts.{i}" for i in PART_IDS]


def test_examples_are_the_guides_words() -> None:
    spec = load_apology()
    blocks = {b.id: b.text for b in load_guide().section("step-05").blocks if b.id}
    assert spec.examples["poor"] == unquote(blocks["poor-apology"]) == "Sorry you feel that way."
    assert spec.examples["real"] == unquote(blocks["real-apology"])
    source = (data_dir() / "source" / "guide.txt").read_text(encoding="utf-8")
    for part in spec.parts:  # each part's example is a sentence from the guide
        for sentence in part.example.replace(". ", ".|").split("|"):
            assert sentence.rstrip(".") in source, sentence


def test_the_guides_real_apology_passes_and_its_poor_one_does_not() -> None:
    review = review_apology(REAL)
    assert review.complete and not review.missing and not review.too_short
    poor = review_apology({"acknowledgment": load_apology().examples["poor"]})
    assert [d.kind for d in poor.deflections] == ["sorry-you-feel"]
    assert not poor.complete


# --- deflections ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Sorry you feel that way.", "sorry-you-feel"),
        ("I'm sorry that you felt like that.", "sorry-you-feel"),
        ("I'm sorry you're upset about it.", "sorry-you-feel"),
        ("I'm sorry if I hurt you.", "sorry-if"),
        ("I apologise if that came out wrong.", "sorry-if"),
        ("I'm sorry, but you were late again.", "sorry-but"),
        ("I apologize but I was exhausted.", "sorry-but"),
        ("I guess I was rude to you.", "i-guess"),
        ("You made me so angry that night.", "blame"),
        ("If you hadn't shouted I would have stayed calm.", "blame"),
        ("It was partly your fault too.", "blame"),
        ("You pushed me to say it.", "blame"),
        ("It was just a joke that went wrong.", "minimising"),
        ("You were overreacting a bit.", "minimising"),
        ("You are too sensitive about this.", "minimising"),
        ("It wasn't a big deal to me.", "minimising"),
        ("I'll change, you'll see.", "promise-only"),
        ("It will never happen again.", "promise-only"),
    ],
)
def test_each_deflection_is_found_in_its_part(text: str, kind: str) -> None:
    for part in PART_IDS:
        review = review_apology({**REAL, part: text})
        found = [(d.part_id, d.kind) for d in review.deflections]
        assert (part, kind) in found, found
        deflection = next(d for d in review.deflections if d.kind == kind)
        assert deflection.text == text[deflection.start : deflection.end]
        assert deflection.why and deflection.label
        assert not review.complete


def test_curly_apostrophes_are_read_too() -> None:
    review = review_apology({"ownership": "It wasn’t a big deal, and I’ll change."})
    assert {d.kind for d in review.deflections} == {"minimising", "promise-only"}
    assert "I’ll change" in [d.text for d in review.deflections]


@pytest.mark.parametrize(
    "text",
    [
        "I'm sorry not only for shouting but also for leaving.",
        "I am sorry. But more than that, I am changing how I listen.",
        "I guessed wrong about what you needed, and I ignored you.",
        "I interrupted you and made you feel small.",
    ],
)
def test_no_deflection_where_there_is_none(text: str) -> None:
    assert review_apology({"acknowledgment": text}).deflections == ()


def test_several_deflections_are_reported_in_part_order() -> None:
    review = review_apology(
        {"change": "I'll change.", "acknowledgment": "Sorry if you felt hurt, but it was a joke."}
    )
    parts = [d.part_id for d in review.deflections]
    assert parts == sorted(parts, key=PART_IDS.index)
    assert {d.kind for d in review.deflections} == {"sorry-if", "sorry-but", "promise-only"}


# --- missing and short parts ------------------------------------------------------------------


def test_missing_parts() -> None:
    review = review_apology({"acknowledgment": REAL["acknowledgment"], "empathy": "   \n "})
    assert review.missing == ("ownership", "empathy", "change")
    assert [p.status for p in review.parts] == ["ok", "missing", "missing", "missing"]
    assert review_apology({}).missing == PART_IDS


def test_too_short_parts_and_bare_sorry() -> None:
    review = review_apology({**REAL, "acknowledgment": "I lied.", "empathy": "I'm so sorry!"})
    assert review.too_short == ("acknowledgment", "empathy")
    empathy = next(p for p in review.parts if p.part_id == "empathy")
    assert "not an apology" in empathy.note


def test_item_ids_work_as_keys_and_unknown_keys_are_refused() -> None:
    review = review_apology({f"parts.{k}": v for k, v in REAL.items()})
    assert review.complete
    with pytest.raises(KeyError, match="parts are"):
        review_apology({"excuses": "none"})


# --- assembly ---------------------------------------------------------------------------------


def test_assembles_the_guides_real_apology() -> None:
    parts = {
        "acknowledgment": "I interrupted you, minimized how you felt, and made you feel small",
        "empathy": "  You didn’t deserve that  ",
        "change": "I am working on communicating without dismissing you.",
    }
    assert assemble(parts) == unquote(
        next(b.text for b in load_guide().section("step-05").blocks if b.id == "real-apology")
    )


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ({}, ""),
        ({"ownership": "   "}, ""),
        ({"change": "i'm seeing a counsellor"}, "I'm seeing a counsellor."),
        ({"ownership": "That was on me!"}, "That was on me!"),
        ({"ownership": "Was that fair to you?"}, "Was that fair to you?"),
        ({"ownership": "It was mine to own…"}, "It was mine to own…"),
        ({"ownership": "It was mine,"}, "It was mine."),
        ({"ownership": "It was mine —"}, "It was mine."),
        ({"ownership": "I said “calm down.”"}, "I said “calm down.”"),
        ({"ownership": "I said “calm down”"}, "I said “calm down”."),
        ({"ownership": "I was wrong\n\n  about   that"}, "I was wrong about that."),
        ({"empathy": "It hurt 💔"}, "It hurt 💔."),
        (
            {"change": "I'm listening now", "acknowledgment": "I shouted at you"},
            "I shouted at you. I'm listening now.",
        ),
        (
            {"empathy": "that hurt", "ownership": "it was my doing", "acknowledgment": "I lied"},
            "I lied. It was my doing. That hurt.",
        ),
    ],
)
def test_assembly_orders_trims_and_ends_sentences(parts: dict[str, str], expected: str) -> None:
    assert assemble(parts) == expected


# --- the live builder -------------------------------------------------------------------------


def boxes() -> dict[str, widgets.Textarea]:
    return {f"parts.{p}": widgets.Textarea() for p in PART_IDS}


def builder(db: Path, **fields: widgets.Widget) -> ApologyBuilder:
    return ApologyBuilder({**boxes(), **fields}, client_id="c1", session_id="s1")


def test_builder_shows_review_and_assembled_apology_live(db: Path) -> None:
    b = builder(db)
    assert "Your apology appears here" in b.preview.value
    assert b.review_html.value.count("wb-part-missing") == 4
    b.inputs["acknowledgment"].value = "i interrupted you and made you feel small"
    assert "I interrupted you and made you feel small." in b.preview.value
    assert b.review_html.value.count("wb-part-missing") == 3
    b.inputs["ownership"].value = "Sorry you feel that way"
    assert "wb-deflection-sorry-you-feel" in b.review_html.value
    assert "In <strong>Ownership</strong>" in b.review_html.value
    for part, text in REAL.items():
        b.inputs[part].value = text
    assert "wb-deflection" not in b.review_html.value
    assert "All four parts are here" in b.review_html.value
    assert html.escape(assemble(REAL)) in b.preview.value


def test_builder_escapes_the_persons_text(db: Path) -> None:
    b = builder(db)
    b.inputs["acknowledgment"].value = f"I said {SCRIPT} and it was just a joke"
    b.inputs["empathy"].value = f"You always do this {SCRIPT}"
    for value in (b.preview.value, b.review_html.value):
        assert "<script>" not in value
    assert "&lt;script&gt;" in b.preview.value
    b.keep()
    assert "<script>" not in b.versions.value and "&lt;script&gt;" in b.versions.value


def test_builder_adds_other_checker_notes_and_the_safety_line(db: Path) -> None:
    b = builder(db)
    b.inputs["empathy"].value = "You always do this, and I want to hurt myself."
    assert "wb-flag-blame" in b.review_html.value
    assert html.escape(SAFETY_LINE) in b.review_html.value
    b.inputs["empathy"].value = "Sorry you feel that way."
    assert "wb-flag-deflecting_apology" not in b.review_html.value  # said once, by the review
    assert "wb-deflection-sorry-you-feel" in b.review_html.value


def test_keep_this_version_saves_and_lists_the_latest_five(db: Path) -> None:
    b = builder(db)
    assert "No versions kept yet" in b.versions.value
    b.keep_button.click()
    assert "Write at least one part first" in b.status.value and Store().count() == 0
    for n in range(7):
        b.inputs["acknowledgment"].value = f"I shouted at you, version {n}"
        b.keep_button.click()
    b.keep_button.click()
    assert "already kept" in b.status.value
    frame = Store().history_frame()
    assert len(frame) == 7
    assert set(frame["step_id"]) == {"step-05"} and set(frame["item_id"]) == {VERSION_ITEM}
    assert set(frame["kind"]) == {"text"} and set(frame["client_id"]) == {"c1"}
    assert list(frame["value"])[-1] == "I shouted at you, version 6."
    listed = b.versions.value
    assert listed.count("<li>") == 5 and "<time datetime=" in listed
    assert "version 6." in listed and "version 2." in listed and "version 1." not in listed
    assert listed.index("version 6.") < listed.index("version 2.")


def test_versions_show_when_the_builder_opens_again(db: Path) -> None:
    builder(db).inputs["ownership"].value = "That was on me."
    first = builder(db)
    first.inputs["ownership"].value = "That was on me."
    first.keep()
    assert "That was on me." in builder(db).versions.value


def test_works_with_the_step_5_form_and_ignores_its_checkboxes(db: Path) -> None:
    form = StepForm(load_guide().section("step-05"), autosave_delay=60, autosave_max_wait=60)
    b = ApologyBuilder({k: f.input for k, f in form.fields.items()}, form.look)
    assert set(b.inputs) == set(PART_IDS)
    form.fields["parts.change"].input.value = "I am working on listening without interrupting."
    assert "I am working on listening without interrupting." in b.preview.value
    form.save()
    again = StepForm(load_guide().section("step-05"))
    rebuilt = ApologyBuilder({k: f.input for k, f in again.fields.items()})
    assert "I am working on listening without interrupting." in rebuilt.preview.value


def test_builder_needs_all_four_boxes(db: Path) -> None:
    fields = boxes()
    del fields["parts.empathy"]
    with pytest.raises(KeyError, match=r"parts\.empathy"):
        ApologyBuilder(fields)


def test_keep_reports_a_store_failure_calmly(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    b = builder(db)
    b.inputs["ownership"].value = "That was on me."

    def broken(_answers: object) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(b.store, "append", broken)
    assert b.keep() is None
    assert "Could not keep this version" in b.status.value and "disk full" in b.status.value
    assert b.inputs["ownership"].value == "That was on me."


# --- validation of the data file --------------------------------------------------------------


def _broken(change: Any) -> dict[str, Any]:
    doc = copy.deepcopy(raw())
    change(doc)
    return doc


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.pop("schema_version"), "schema_version"),
        (lambda d: d.update(schema_version=2), "schema_version"),
        (lambda d: d.update(parts=[]), "parts"),
        (lambda d: d["parts"][1].pop("title"), "parts[1].title"),
        (lambda d: d["parts"][2].update(item_id="parts.nothing"), "parts[2].item_id"),
        (lambda d: d["parts"][0].update(min_words=0), "parts[0].min_words"),
        (lambda d: d["parts"][3].update(id="acknowledgment"), "parts[3].id"),
        (
            lambda d: d["deflections"][0]["patterns"].append("(unclosed"),
            "deflections[0].patterns[2]",
        ),
        (lambda d: d["deflections"][4].update(why=""), "deflections[4].why"),
        (lambda d: d["messages"].pop("kept"), "messages"),
        (lambda d: d["messages"].update(extra="x"), "messages"),
        (lambda d: d["examples"].pop("real"), "examples.real"),
        (lambda d: d.update(sorry_only="["), "sorry_only"),
    ],
)
def test_broken_data_names_file_field_and_problem(change: Any, where: str) -> None:
    with pytest.raises(ContentError) as caught:
        parse_apology(_broken(change), "apology.json")
    assert caught.value.file == "apology.json" and caught.value.where == where
    assert caught.value.problem


def test_not_an_object() -> None:
    with pytest.raises(ContentError, match=r"apology\.json: document"):
        parse_apology([], "apology.json")
