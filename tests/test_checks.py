"""The message checker: flags with spans and the guide's words, calm drafts left alone, no regressions."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from draft_sets import draft_rows

from workbook import checks
from workbook.checks import (
    KINDS,
    check_message,
    encouragement,
    fold_case,
    kinds_found,
    limits_note,
    rule_flags,
)
from workbook.content import ContentError, data_dir

# Sets the checker was built on (rules written, model trained; five sixths of each are trained on):
# the level reached must hold. Per set: the lowest recall any kind may have, exceptions per kind,
# and the highest share of healthy drafts that may be flagged. With ten to fifty drafts per kind, a
# floor just under the level reached means no new misses. The learned model trades a few healthy
# drafts flagged for recall on drafts it has not seen (benchmarks/README.md).
LEVEL: dict[str, tuple[float, dict[str, float], float]] = {
    "drafts_tuning.jsonl": (1.0, {}, 0.0),
    "drafts_dev.jsonl": (1.0, {}, 0.055),
    "drafts_dev2.jsonl": (1.0, {"blame": 0.75}, 0.035),
    "drafts_heldout.jsonl": (1.0, {}, 0.0),
    "drafts_dev4.jsonl": (1.0, {"begging": 0.9}, 0.04),
    "drafts_dev5.jsonl": (1.0, {"blame": 0.95}, 0.075),
    "drafts_heldout2.jsonl": (1.0, {"blame": 0.8}, 0.08),
    "drafts_dev7a.jsonl": (0.85, {}, 0.03),
    "drafts_dev7b.jsonl": (0.9, {}, 0.025),
    "drafts_dev7c.jsonl": (0.9, {"blame": 0.8}, 0.07),
    "drafts_dev7d.jsonl": (0.9, {}, 0.03),
    "drafts_dev7e.jsonl": (0.9, {"self_harm_threat": 0.85}, 0.09),
    "drafts_heldout3.jsonl": (0.9, {}, 0.015),
    "drafts_dev9a.jsonl": (0.9, {}, 0.05),
    "drafts_dev9b.jsonl": (0.95, {"self_harm_threat": 0.85}, 0.105),
    "drafts_dev9c.jsonl": (0.9, {"pressure": 0.8}, 0.085),
    "drafts_heldout4.jsonl": (0.9, {}, 0.03),
    "drafts_heldout5.jsonl": (0.95, {"blame": 0.9}, 0.06),
    "drafts_heldout6.jsonl": (0.85, {"blame": 0.8}, 0.08),
    "drafts_dev13a.jsonl": (0.75, {"stalking": 0.7}, 0.065),
    "drafts_dev13b.jsonl": (0.75, {"blame": 0.7}, 0.05),
    "drafts_dev13c.jsonl": (1.0, {"guilt_trip": 0.7}, 0.1),
    "drafts_dev13d.jsonl": (0.8, {}, 0.075),
    "drafts_heldout7.jsonl": (0.9, {}, 0.09),
    "drafts_dev15a.jsonl": (0.9, {}, 0.03),
    "drafts_dev15b.jsonl": (0.6, {"blame": 0.4}, 0.045),
    "drafts_dev15c.jsonl": (0.8, {"stalking": 0.65}, 0.015),
    "drafts_dev15d.jsonl": (0.85, {"blame": 0.75}, 0.045),
    "drafts_heldout8.jsonl": (0.85, {"pressure": 0.8}, 0.065),
    "drafts_dev17a.jsonl": (0.95, {"stalking": 0.8}, 0.07),
    "drafts_dev17b.jsonl": (0.95, {"pressure": 0.85}, 0.04),
    "drafts_dev17c.jsonl": (0.9, {"ultimatum": 0.8}, 0.07),
    "drafts_dev17d.jsonl": (0.85, {"self_harm_threat": 0.75}, 0.095),
}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("It's your fault we missed the flight.", "blame"),
        ("After everything I did for you, this is how you repay me?", "guilt_trip"),
        ("If you loved me you'd move with me.", "conditional_love"),
        ("If you don't come home tonight, we're done.", "ultimatum"),
        ("Answer me now.", "pressure"),
        ("please please please come back", "begging"),
        ("Sorry you feel that way.", "deflecting_apology"),
        ("Who were you with last night?", "jealousy"),
        ("This is just like last Christmas when you disappeared.", "past"),
        ("I don't want to be alive without you.", "self_harm_threat"),
        ("I'll change, I swear.", "empty_promise"),
        ("I checked your location and you weren't at work.", "stalking"),
        (" ".join(["I keep thinking about everything that went wrong."] * 40), "trauma_dump"),
    ],
)
def test_each_kind_is_flagged_with_its_span_reason_and_alternative(text: str, kind: str) -> None:
    flags = [f for f in check_message(text) if f.kind == kind]
    assert flags, f"{kind} not found in {text!r}"
    for flag in flags:
        assert text[flag.start : flag.end] == flag.text and flag.text.strip()
        assert flag.message and flag.alternative


def test_every_kind_has_a_test_above() -> None:
    assert len(KINDS) == 13


@pytest.mark.parametrize(
    "text",
    [
        "I always loved our Sunday walks.",
        "I never said that well, and I'm sorry.",
        "Please take the time you need.",
        "Remember the beach trip? That was a good day.",
        "No pressure to answer now.",
        "I understand why you were hurt.",
        "",
    ],
)
def test_calm_drafts_get_no_flag_and_an_encouraging_note(text: str) -> None:
    assert check_message(text) == []
    assert encouragement() and "not intent" in limits_note()


def test_the_notes_are_read_without_compiling_the_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    checks._notes.cache_clear()
    monkeypatch.setattr(checks, "_load_rules", _must_not_compile)
    assert encouragement() and "not intent" in limits_note()
    assert check_message("   ") == []  # nothing to check: nothing compiled either


def test_warm_up_compiles_later_not_while_the_page_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scheduled: list[object] = []
    monkeypatch.setattr(checks, "run_later", lambda action, *_delay: scheduled.append(action))
    loaded: list[str] = []
    monkeypatch.setattr(checks, "load_rules", lambda: loaded.append("rules"))
    monkeypatch.setattr(checks, "checker_model", lambda: loaded.append("model"))
    checks.warm_up()
    assert len(scheduled) == 1 and loaded == []  # nothing loaded while the page is built
    scheduled[0]()  # type: ignore[operator]
    assert loaded == ["rules", "model"]


def _must_not_compile() -> None:
    raise AssertionError("the patterns were compiled")


def test_curly_apostrophes_give_the_same_flags_as_straight_ones() -> None:
    straight = "Come home or I'm done. I'm not living like this. Maybe not living at all."
    curly = straight.replace("'", "’")
    assert kinds_found(curly) == kinds_found(straight) >= {"ultimatum", "self_harm_threat"}
    assert all(f.text == curly[f.start : f.end] for f in check_message(curly))


def test_html_and_emoji_spans_are_exact() -> None:
    text = "<b>💔</b> If you loved me you'd <script>stay</script>"
    (flag,) = [f for f in check_message(text) if f.kind == "conditional_love"]
    assert text[flag.start : flag.end] == flag.text


@pytest.mark.parametrize("name", sorted(LEVEL))
def test_the_development_sets_keep_their_recall_and_healthy_flag_rate(name: str) -> None:
    floor, exceptions, max_flagged = LEVEL[name]
    found_per_kind: dict[str, list[bool]] = {}
    healthy = flagged = 0
    for row in draft_rows(name):
        found, wanted = kinds_found(row["text"]), set(row["kinds"])
        for kind in wanted:
            found_per_kind.setdefault(kind, []).append(kind in found)
        if not wanted:
            healthy += 1
            flagged += bool(found)
    low = {
        kind: round(sum(hits) / len(hits), 3)
        for kind, hits in found_per_kind.items()
        if sum(hits) / len(hits) < exceptions.get(kind, floor)
    }
    assert not low, low
    assert flagged / healthy <= max_flagged, (flagged, healthy)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ur the reason im like this", "blame"),
        ("Everything was fine until you got drunk and showed me up", "blame"),
        ("Must be nice having a great time without me", "guilt_trip"),
        ("Someone who actually cared would have remembered.", "conditional_love"),
        ("Sell the car or I'm moving out.", "ultimatum"),
        ("need a decision by tonight, no more stalling", "pressure"),
        ("Please take me back, I need you", "begging"),
        ("Sorry if you thought I was rude, I was only joking", "deflecting_apology"),
        ("Who's Dan and why is he always texting you?", "jealousy"),
        ("You lied to me about the money back in 2021 as well", "past"),
        ("I can't promise I'll be safe tonight", "self_harm_threat"),
        (
            "I'm not okay. If you don't call tonight, not sure I'll still be here tomorrow",
            "self_harm_threat",
        ),
        ("Tell the kids I loved them, ok?", "self_harm_threat"),
        ("if u block me thats it for me", "self_harm_threat"),
        ("things will be totally different this time, I swear", "empty_promise"),
        ("saw your car outside her place again", "stalking"),
    ],
)
def test_meaning_not_one_phrasing_is_flagged(text: str, kind: str) -> None:
    assert kind in kinds_found(text)


@pytest.mark.parametrize(
    "text",
    [
        "lol you're such an idiot, in the best way 😂 thanks for the flowers",
        "Please come back to the group chat, we miss your memes",
        "Remember when you forgot your passport? We still laugh about that",
        "Who's coming to Jo's on Saturday?",
        "I want to die my hair purple, thoughts?",
        "You always make me feel safe.",
        "If you hadn't helped me move I'd never have managed, thank you",
        "If you don't mind, I'm not sure I'll be around at 5, can we do 6?",
        "Tell the kids I loved their drawings!",
    ],
)
def test_harmless_uses_of_the_same_words_are_left_alone(text: str) -> None:
    assert check_message(text) == []


@pytest.mark.parametrize(
    ("text", "kind", "flagged"),
    [
        ("if u leav ill kill myslf", "self_harm_threat", "kill myslf"),
        ("either u come home 2nite or were done", "ultimatum", "or were done"),
        ("ok fine, im sorry. happy now?", "deflecting_apology", "im sorry"),
    ],
)
def test_texting_spellings_are_read_and_spans_point_into_the_draft(
    text: str, kind: str, flagged: str
) -> None:
    flags = [f for f in check_message(text) if f.kind == kind]
    assert flags and all(text[f.start : f.end] == f.text for f in flags)
    assert any(flagged in f.text for f in flags)


@pytest.mark.parametrize(
    "text",
    [
        "im not gonna beg or chase u. the door is open if u ever want to talk",
        "I'm not going to keep texting. Take care of yourself.",
        "I won't beg you, and I'll respect whatever you decide.",
        "I'm not going to promise I'll be a different person. I've booked counselling for Tuesday.",
        "I'm sorry I read your messages when you left your laptop open. That was wrong.",
        "I said you never help, and that wasn't fair or true. I'm sorry.",
    ],
)
def test_what_is_said_not_to_be_done_or_owned_as_wrong_is_left_alone(text: str) -> None:
    assert rule_flags(text) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("No more excuses, answer me now", "pressure"),
        ("If you won't answer me, I'll keep calling", "pressure"),
        ("I don't want to fight, but you always ruin everything", "blame"),
        ("I'm not going to lie, I checked your location last night", "stalking"),
        ("I'm not going to be here much longer anyway", "self_harm_threat"),
        ("I checked your location, I'm sorry but I had to know", "stalking"),
    ],
)
def test_a_break_or_someone_else_not_doing_it_keeps_the_flag(text: str, kind: str) -> None:
    assert kind in {f.kind for f in rule_flags(text)}


def test_spans_fit_the_text_when_lower_case_changes_its_length() -> None:
    text = "İstanbul was lovely. It's your fault we missed the flight."
    assert len(fold_case(text)) == len(text)
    (flag,) = check_message(text)
    assert flag.kind == "blame" and text[flag.start : flag.end] == flag.text


@pytest.mark.parametrize(
    ("change", "where", "problem"),
    [
        (
            lambda r: r["kinds"]["past"]["patterns"].append("{NOPE} x"),
            "kinds.past.patterns[",
            "unknown name",
        ),
        (
            lambda r: r["kinds"]["blame"]["unless_after"].append("(x"),
            "kinds.blame.unless_after[",
            "bad pattern",
        ),
        (
            lambda r: r["kinds"]["begging"]["unless_before"].append("x)"),
            "kinds.begging.unless_before[",
            "bad pattern",
        ),
        (lambda r: r["define"].update(LOOP="{LOOP}x"), "define", "loop"),
        (lambda r: r["spellings"].update({"Two Words": "x"}), "spellings.", "one lower-case word"),
    ],
)
def test_bad_rules_name_the_file_field_and_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Any, where: str, problem: str
) -> None:
    raw = json.loads((data_dir() / checks.CHECKS_FILE).read_text(encoding="utf-8"))
    change(raw)
    (tmp_path / checks.CHECKS_FILE).write_text(json.dumps(raw), encoding="utf-8")
    monkeypatch.setattr(checks, "data_dir", lambda: tmp_path)
    checks._load_rules.cache_clear()
    try:
        with pytest.raises(ContentError) as caught:
            checks.load_rules()
    finally:
        checks._load_rules.cache_clear()
    assert caught.value.file == checks.CHECKS_FILE
    assert caught.value.where.startswith(where)
    assert problem in caught.value.problem


def test_every_calmer_line_is_the_guides_own_words() -> None:
    guide = (data_dir() / "source" / "guide.txt").read_text(encoding="utf-8")
    guide = " ".join(guide.replace("’", "'").split())
    rules = json.loads((data_dir() / checks.CHECKS_FILE).read_text(encoding="utf-8"))
    lines = {kind: rule["alternative"] for kind, rule in rules["kinds"].items()}
    lines["trauma_dump"] = rules["trauma_dump"]["alternative"]
    del lines["self_harm_threat"]  # not a line to send: it points to the help panel
    for kind, line in lines.items():
        spoken = re.sub(r"\([^)]*\)", "", line.replace("’", "'"))
        for sentence in re.split(r"(?<=[.!?…])\s+", spoken.strip()):
            assert sentence.rstrip(".!?… ") in guide, (kind, sentence)
