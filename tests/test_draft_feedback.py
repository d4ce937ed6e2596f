"""Live feedback under the Step 4 draft: flags with why and a calmer line, escaping, safety, speed."""

from __future__ import annotations

import html
import random
import threading
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets
import pytest
from draft_sets import draft_rows

from workbook import checks, draft_feedback
from workbook.checks import Flag, check_message, encouragement, limits_note, load_rules
from workbook.content import load_guide
from workbook.draft_feedback import (
    EMPTY_PROMPT,
    REACH,
    SAFETY_LINE,
    DraftFeedback,
    IncrementalChecker,
    feedback_html,
    render_feedback,
)
from workbook.stepform import StepForm

SCRIPT = "<script>alert('x')</script>"
FILLER = str.split(
    "I have been thinking about what happened and I want to understand it better "
    "before I say anything else to you about the weekend and the plans we made "
)
HOT = [
    "You always do this.",
    "It's all your fault.",
    "please please please",
    "If you loved me, you would call.",
    "Answer me now!",
    "I'll change, I swear.",
    "Sorry you feel that way.",
    "Who were you with?",
    "Remember when you left?",
    "I saw you were online at 3am.",
    "This is your last chance.",
    "I can't live without you.",
]


def feedback(text: str = "") -> DraftFeedback:
    return DraftFeedback(widgets.Textarea(value=text))


def test_widget_is_html_with_the_feedback_class() -> None:
    fb = feedback()
    assert isinstance(fb.widget, widgets.HTML)
    assert "wb-feedback" in fb.widget._dom_classes


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty_draft_shows_a_prompt_and_no_flags(text: str) -> None:
    fb = feedback(text)
    assert html.escape(EMPTY_PROMPT) in fb.widget.value
    assert "wb-flag" not in fb.widget.value and fb.flags == []
    assert html.escape(limits_note()) in fb.widget.value


def test_a_calm_draft_gets_the_encouraging_note_and_the_limits() -> None:
    fb = feedback("I understand why you were hurt. I care about this relationship.")
    assert fb.flags == []
    assert html.escape(encouragement()) in fb.widget.value
    assert html.escape(limits_note()) in fb.widget.value


def test_each_flag_shows_the_words_why_and_a_calmer_line() -> None:
    text = "You always do this. If you loved me, you would call. Answer me!"
    fb = feedback(text)
    flags = check_message(text)
    assert len(flags) >= 3 and fb.flags == flags
    value = fb.widget.value
    assert value.count("<li class='wb-flag ") == len(flags)
    for flag in flags:
        assert f"<q class='wb-flag-text'>{html.escape(flag.text)}</q>" in value
        assert html.escape(flag.message) in value
        assert html.escape(flag.alternative) in value
    assert html.escape(encouragement()) not in value
    assert html.escape(limits_note()) in value


def test_feedback_follows_the_typing() -> None:
    area = widgets.Textarea()
    fb = DraftFeedback(area)
    assert html.escape(EMPTY_PROMPT) in fb.widget.value
    area.value = "You always do this"
    assert "wb-flag-blame" in fb.widget.value
    area.value = "I understand why you were hurt."
    assert "wb-flag" not in fb.widget.value
    area.value = ""
    assert html.escape(EMPTY_PROMPT) in fb.widget.value


def test_person_text_is_escaped() -> None:
    fb = feedback(f"{SCRIPT} You always do this {SCRIPT}")
    assert fb.flags and "<script>" not in fb.widget.value
    fb.textarea.value = "You always do this<img src=x onerror=alert(1)>"
    assert fb.flags and "<img" not in fb.widget.value


def test_every_part_of_a_flag_is_escaped() -> None:
    flag = Flag("blame", 0, 30, f"{SCRIPT} you", f"why {SCRIPT}", f"calmer {SCRIPT}")
    value = render_feedback("anything", [flag])
    assert "<script>" not in value
    assert value.count("&lt;script&gt;") == 3


def test_self_harm_words_point_to_the_help_panel() -> None:
    fb = feedback("If you leave I will hurt myself.")
    assert any(f.kind == "self_harm_threat" for f in fb.flags)
    assert html.escape(SAFETY_LINE) in fb.widget.value
    assert fb.widget.value.index("wb-feedback-safety") < fb.widget.value.index("wb-flags")
    fb.textarea.value = "You always do this."
    assert html.escape(SAFETY_LINE) not in fb.widget.value


def test_curly_apostrophes_are_read_like_straight_ones() -> None:
    text = "It’s all your fault and I’ll change."
    flags = check_message(text)
    assert {f.kind for f in flags} >= {"blame", "empty_promise"}
    assert all(f.text == text[f.start : f.end] for f in flags)
    assert all(f"{html.escape(f.text)}</q>" in feedback_html(text) for f in flags)


def test_a_long_draft_is_not_quoted_whole() -> None:
    words = load_rules().trauma_dump_words + 10
    text = " ".join(["calm"] * words)
    fb = feedback(text)
    assert [f.kind for f in fb.flags] == ["trauma_dump"]
    assert f"the whole draft ({words} words)" in fb.widget.value
    assert text not in fb.widget.value


def test_works_on_the_step_4_draft_box(db: Path) -> None:
    form = StepForm(load_guide().section("step-04"), autosave_delay=60, autosave_max_wait=60)
    fb = DraftFeedback(form.fields["draft.message"].input, form.look)
    form.fields["draft.message"].input.value = "Why are you ignoring me?"
    assert "wb-flag-pressure" in fb.widget.value


def test_restored_draft_is_checked_at_once(db: Path) -> None:
    form = StepForm(load_guide().section("step-04"), autosave_delay=60, autosave_max_wait=60)
    form.fields["draft.message"].input.value = "You always do this"
    form.save()
    again = StepForm(load_guide().section("step-04"))
    fb = DraftFeedback(again.fields["draft.message"].input)
    assert "wb-flag-blame" in fb.widget.value


# --- incremental checking: the same flags as the checker, without re-reading the whole draft ---


def _random_text(rng: random.Random, words: int) -> str:
    out: list[str] = []
    while len(out) < words:
        if rng.random() < 0.08:
            out += rng.choice(HOT).split()
        else:
            out.append(rng.choice(FILLER) + ("." if rng.random() < 0.1 else ""))
        if rng.random() < 0.02:
            out.append("\n\n")
    return " ".join(out)


def _edit(rng: random.Random, text: str) -> str:
    pos = rng.randrange(len(text) + 1)
    choice = rng.random()
    if choice < 0.4:
        return text[:pos] + rng.choice("abcdefghij .,!?'’\n") + text[pos:]
    if choice < 0.6:
        return text[: max(0, pos - 1)] + text[pos:]
    if choice < 0.8:
        return text[:pos] + " " + rng.choice(HOT) + " " + text[pos:]
    if choice < 0.9:
        return text[:pos] + " please" * rng.randrange(1, 80) + text[pos:]
    end = min(len(text), pos + rng.randrange(1, 400))
    return text[:pos] + text[end:]


@pytest.mark.parametrize("seed", range(6))
def test_incremental_checking_gives_the_checkers_flags(seed: int) -> None:
    rng = random.Random(seed)
    checker = IncrementalChecker()
    text = _random_text(rng, rng.choice([450, 1200]))
    for _ in range(25):
        assert checker.check(text) == check_message(text)
        text = _edit(rng, text)
    assert checker.check(text) == check_message(text)


@pytest.mark.parametrize("seed", range(3))
def test_incremental_checking_agrees_on_real_drafts(seed: int) -> None:
    # The labelled drafts exercise every rule in data/checks.json, unlike the few phrases above.
    pool = [
        row["text"]
        for name in ("drafts_dev4.jsonl", "drafts_dev5.jsonl")
        for row in draft_rows(name)
    ]
    rng = random.Random(seed)
    checker = IncrementalChecker()
    text = " ".join(rng.sample(pool, 50))
    for _ in range(20):
        assert checker.check(text) == check_message(text)
        pos = rng.randrange(len(text) + 1)
        if rng.random() < 0.6:
            text = text[:pos] + " " + rng.choice(pool) + " " + text[pos:]
        else:
            text = text[:pos] + text[pos + rng.randrange(1, 60) :]
    assert checker.check(text) == check_message(text)


def test_typing_into_a_long_draft_rechecks_only_near_the_edit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(7)
    text = _random_text(rng, 2000)
    checked: list[int] = []
    real = draft_feedback.rule_flags_in_draft

    def counting(part: str) -> list[Flag]:
        checked.append(len(part))
        return real(part)

    monkeypatch.setattr(draft_feedback, "rule_flags_in_draft", counting)
    area = widgets.Textarea(value=text)
    fb = DraftFeedback(area)
    assert checked == [len(text)] and fb.checker.full_checks == 1
    checked.clear()
    scored = checks._margins.cache_info().misses
    for char in " and I want to listen better this time":
        text += char
        area.value = text
    middle = len(text) // 2
    area.value = text = text[:middle] + "x" + text[middle:]
    assert fb.checker.full_checks == 1
    assert checked and max(checked) <= 4 * REACH + 1  # the work does not grow with the draft
    # The learned model scored only what changed: per keystroke, the sentence and the whole draft
    # (which the encoder reads up to its token limit, so that work does not grow with the draft).
    assert checks._margins.cache_info().misses - scored <= 80
    assert fb.flags == check_message(text)


def test_a_first_check_on_a_background_thread_never_leaves_stale_notes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    threads: list[threading.Thread] = []

    def background(action: Callable[[], object]) -> threading.Thread:
        thread = threading.Thread(target=action)
        thread.start()
        threads.append(thread)
        return thread

    monkeypatch.setattr(draft_feedback, "run_soon", background)
    text = _random_text(random.Random(11), 2000) + " You always do this"
    for _ in range(5):
        area = widgets.Textarea(value=text)
        fb = DraftFeedback(area)
        area.value = "I understand why you were hurt."  # typing while the first check runs
        for thread in threads:
            thread.join()
        assert fb.flags == [] and html.escape(encouragement()) in fb.widget.value
