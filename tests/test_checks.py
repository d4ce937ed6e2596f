"""The message checker: flags with spans and the guide's words, calm drafts left alone, no regressions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbook import checks
from workbook.checks import KINDS, check_message, encouragement, kinds_found, limits_note

DATA = Path(__file__).parent / "data"
# Sets the rules were written against: every labelled kind must be found and no healthy draft flagged.
TUNED = ("drafts_tuning.jsonl", "drafts_dev.jsonl")


def drafts(name: str) -> list[dict[str, object]]:
    return [
        json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line
    ]


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
    checks.warm_up()
    assert scheduled == [checks.load_rules]


def _must_not_compile() -> None:
    raise AssertionError("the patterns were compiled")


def test_html_and_emoji_spans_are_exact() -> None:
    text = "<b>💔</b> If you loved me you'd <script>stay</script>"
    (flag,) = [f for f in check_message(text) if f.kind == "conditional_love"]
    assert text[flag.start : flag.end] == flag.text


@pytest.mark.parametrize("name", TUNED)
def test_no_regressions_on_the_sets_the_rules_were_written_for(name: str) -> None:
    missed, false_alarms = [], []
    for row in drafts(name):
        found, wanted = kinds_found(str(row["text"])), set(row["kinds"])  # type: ignore[call-overload]
        missed += [(row["id"], k) for k in wanted - found]
        if not wanted and found:
            false_alarms.append((row["id"], sorted(found)))
    assert not missed and not false_alarms, (missed[:10], false_alarms[:10])
