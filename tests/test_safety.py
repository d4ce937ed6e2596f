"""Safety signals: tagged checklist items and text phrases trigger, hard negatives do not; help by country."""

from __future__ import annotations

import json
import locale
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from workbook import checks, safety
from workbook.checks import kinds_found
from workbook.content import ContentError, FormItem, load_guide
from workbook.safety import (
    TAGS,
    answer_signals,
    country_resources,
    default_country,
    load_resources,
    load_rules,
    own_behaviour,
    signals,
    text_own_behaviour,
    text_signals,
)
from workbook.store import Answer, Store, new_answer

GUIDE = load_guide()
SAFETY_ITEMS = [i for s in GUIDE.sections for i in s.form_items if i.safety]
REQUIRED_COUNTRIES = ("US", "GB", "CA", "AU", "IE", "NZ", "IN", "DE", "FR", "ZA", "international")

POSITIVES = {
    "abuse": [
        "He hit me last night.",
        "my husband has hit me twice",
        "She hits me when she's drunk",
        "he pushed me.",
        "He pushed me into the wall",
        "Mark hit me across the face",
        "he choked me",
        "She strangled me until I blacked out",
        "he hurts me",
        "I'm afraid of him",
        "I am scared of her.",
        "I’m terrified of my husband",
        "I'm scared for my life",
        "I'm afraid of him hurting me",
        "he forced me to have sex",
        "She forced me to stop seeing my friends",
        "I walk on eggshells every day",
        "he's abusive",
        "it's emotional abuse",
        "he beat me up",
        "I’m afraid of what he’ll do",
        "I feel unsafe at home",
        "he threw a plate at me",
    ],
    "control": [
        "He won't let me see my friends",
        "she doesn't let me go out",
        "he won't let me have my own bank card",
        "He won't let me work",
        "He controls the money",
        "he controls my money",
        "She checks my phone every night",
        "he went through my phone",
        "he tracks my location",
        "She has isolated me from everyone",
        "he isolates me",
        "I'm not allowed to see my family",
        "He took my passport",
        "she's so controlling",
        "I need his permission to buy anything",
        "she gets jealous when I talk to other men",
        "he put a tracker on my car",
    ],
    "threat": [
        "He threatened to kill me",
        "she threatens to take the kids",
        "he threatened to leave if I went out",
        "he threatened to hurt the dog",
        "She said she'd kill herself",
        "he said he'd hurt me",
        "He's threatening me",
        "If I leave he'll kill me",
        "she sends me death threats",
        "he threatened to post the photos",
    ],
    "self_harm": [
        "I want to die",
        "I want to end my life",
        "I keep thinking I might hurt myself",
        "I feel suicidal",
        "there's no reason to live",
        "I'd be better off dead",
        "I don't want to be alive",
        "I've been self-harming",
        "I wish I was dead",
    ],
}
OWN = [
    ("I hit her.", "abuse"),
    ("I pushed him against the wall", "abuse"),
    ("I checked her phone while she slept", "control"),
    ("I went through his messages", "control"),
    ("I was so controlling", "control"),
    ("I wouldn't let her see her friends", "control"),
    ("I tracked her location", "control"),
    ("I threatened her", "threat"),
    ("I threatened to take the kids", "threat"),
]
HARD_NEGATIVES = [
    "Hit me up when you're free",
    "This song hits different",
    "this song hits me right in the feels",
    "I'm afraid of spiders",
    "It hit me that I had been unfair",
    "It really hit me hard",
    "She pushed me away after the argument",
    "He pushed me to be a better person",
    "he is pushing me to move faster",
    "I'm afraid of losing her",
    "I'm afraid of her leaving me",
    "I'm afraid of her reaction",
    "I was afraid of his reaction",
    "She's afraid of commitment",
    "The breakup forced me to look at myself",
    "she forced me to face the truth",
    "I choked during the talk",
    "That film choked me up",
    "I pushed her away",
    "I pushed her too far",
    "I pushed her buttons",
    "I hit him up last week",
    "I hit her car while parking",
    "I grabbed her hand",
    "I kicked him out of the flat",
    "Beats me why she left",
    "She beats me at chess every time",
    "she hit me with the news",
    "He never hit me",
    "he has never hit me",
    "I hurt her feelings",
    "I know I hurt her",
    "I kept checking my phone for her reply",
    "I checked my messages",
    "I read her message and cried",
    "I keep my money separate",
    "she controls the remote",
    "she keeps the car",
    "We're not allowed to have pets in our flat",
    "I'm not allowed to contact her",
    "He won't let me explain",
    "I won't let her go without a fight",
    "She threatened to cancel dinner",
    "She threatened to block me if I kept messaging",
    "he said he'd take the kids to the park",
    "She followed me on Instagram",
    "my dog follows me everywhere",
    "I wanted to die of embarrassment",
    "I'm dying to talk to her",
    "The silence is killing me",
    "I beat myself up about it every day",
]
# Phrases the message checker flags as self_harm_threat (data/checks.json) beyond this module's own list.
CHECKER_SELF_HARM = [
    "I'll kill myself",
    "I can't live without you",
    "You'll be sorry when I'm gone",
    "I don't know what I'll do to myself",
    "I'll take my own life",
    "there's no point in living",
    "I can't promise I'll be safe tonight",
    "maybe everyone would be better off if i wasnt around",
    "When they find me you'll wish you'd stayed.",
    "ive got the pills here",
]


def check(item: FormItem, value: str = "true", **kw: Any) -> Answer:
    return new_answer(
        step_id=item.step_id, item_id=item.item_id, kind="check", prompt=item.prompt,
        value=value, value_num=1.0 if value == "true" else 0.0, **kw,
    )  # fmt: skip


def written(value: str, step_id: str = "step-02", kind: str = "text", **kw: Any) -> Answer:
    item_id = GUIDE.section(step_id).form_items[0].item_id if kind == "text" else "entry-1"
    return new_answer(step_id=step_id, item_id=item_id, kind=kind, prompt="p", value=value, **kw)


def place(step_id: str) -> str:
    section = GUIDE.section(step_id)
    return f"Step {section.number}" if section.number else section.short_title


# Checklist items ----------------------------------------------------------------------------


def test_the_guide_has_safety_items_of_every_checklist_tag() -> None:
    assert {i.safety for i in SAFETY_ITEMS} == {"abuse", "control", "threat"}
    assert all(i.kind == "check" for i in SAFETY_ITEMS)


@pytest.mark.parametrize("item", SAFETY_ITEMS, ids=lambda i: f"{i.step_id}/{i.item_id}")
def test_each_ticked_safety_item_is_a_signal(item: FormItem) -> None:
    assert item.safety is not None
    found = answer_signals([check(item)], GUIDE)
    assert found == {item.safety: [f"You ticked “{item.prompt}” ({place(item.step_id)})"]}


@pytest.mark.parametrize("item", SAFETY_ITEMS, ids=lambda i: f"{i.step_id}/{i.item_id}")
def test_each_safety_item_unticked_later_is_no_signal(db: Path, item: FormItem) -> None:
    store = Store()
    store.append([check(item, saved_at="2024-05-01T10:00:00.000000+00:00")])
    assert set(signals(store, "me")) == {item.safety}
    store.append([check(item, "false", saved_at="2024-05-01T10:05:00.000000+00:00")])
    assert signals(store, "me") == {}


def test_items_without_a_safety_tag_and_unknown_items_are_no_signal() -> None:
    plain = next(
        i for i in GUIDE.section("step-01").form_items if i.kind == "check" and not i.safety
    )
    gone = new_answer(step_id="step-10", item_id="let-go-signs.removed", kind="check",
                      prompt="Emotional or physical abuse", value="true")  # fmt: skip
    assert answer_signals([check(plain), gone], GUIDE) == {}


def test_ticks_and_empty_text_are_read_without_compiling_the_patterns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def must_not_compile() -> None:
        raise AssertionError("the patterns were compiled")

    monkeypatch.setattr(safety, "load_rules", must_not_compile)
    ticked = check(SAFETY_ITEMS[0])
    empty = new_answer(
        step_id="faq", item_id="my-answer.win-back", kind="text", prompt="p", value=" "
    )
    assert set(answer_signals([ticked, empty], GUIDE)) == {SAFETY_ITEMS[0].safety}
    assert answer_signals([], GUIDE) == {}


def test_reasons_follow_the_guide_order_and_appear_once() -> None:
    abuse = [i for i in SAFETY_ITEMS if i.safety == "abuse"]
    answers = [check(i) for i in reversed(abuse)] + [
        written("he hit me"),
        written("he hit me again"),
    ]
    reasons = answer_signals(answers, GUIDE)["abuse"]
    assert len(reasons) == len(abuse) + 1
    assert reasons[0] == "Something you wrote in Step 2 mentions violence, abuse or being afraid"
    assert reasons[1:] == [f"You ticked “{i.prompt}” ({place(i.step_id)})" for i in abuse]


# Free text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "phrase"), [(t, p) for t, phrases in POSITIVES.items() for p in phrases]
)
def test_each_phrase_gives_its_tag(tag: str, phrase: str) -> None:
    assert tag in text_signals(phrase)
    assert tag in text_signals(phrase.upper())  # case-insensitive


# Fear and anxiety in plain words. The message checker's model, trained on many veiled threats of
# self-harm, scores these just over its threshold for that kind; raising it to keep them out cost
# about 4 points of that kind's recall on held-back drafts. So they may bring up the self-harm help
# lines, and must never read as abuse, control, threats or the writer's own acts.
DISTRESS = [
    "I'm scared of them finding out",
    "I'm scared of the future",
    "My anxiety won't let me see clearly",
]


@pytest.mark.parametrize("phrase", DISTRESS)
def test_fear_and_anxiety_bring_up_at_most_the_self_harm_lines(phrase: str) -> None:
    assert text_signals(phrase) <= {"self_harm"}
    assert not text_own_behaviour(phrase)


@pytest.mark.parametrize("phrase", HARD_NEGATIVES)
def test_hard_negatives_give_no_tag(phrase: str) -> None:
    assert text_signals(phrase) == set()
    assert not text_own_behaviour(phrase)


@pytest.mark.parametrize("tag", TAGS)
def test_each_tag_from_a_text_answer_in_a_step(tag: str) -> None:
    found = answer_signals([written(POSITIVES[tag][0], "step-02")], GUIDE)
    reason = load_rules().reasons[tag]
    assert found == {tag: [f"Something you wrote in Step 2 {reason}"]}


@pytest.mark.parametrize("tag", TAGS)
def test_each_tag_from_a_log_answer(tag: str) -> None:
    found = answer_signals([written(POSITIVES[tag][0], "log", kind="log")], GUIDE)
    assert found == {tag: [f"Something you wrote in your log {load_rules().reasons[tag]}"]}


def test_a_log_answer_in_a_step_names_the_step() -> None:
    found = answer_signals([written("I want to die", "step-03", kind="log")], GUIDE)
    assert found == {
        "self_harm": ["Something you wrote in your log (Step 3) mentions hurting yourself"]
    }


def test_one_text_can_show_several_tags() -> None:
    found = answer_signals([written("He checks my phone and he threatened to kill me.")], GUIDE)
    assert set(found) == {"control", "threat"}


@pytest.mark.parametrize("apostrophe", ["\u2019", "\u2018", "\u02bc"])
def test_any_phone_apostrophe_reads_as_a_straight_one(apostrophe: str) -> None:
    text = "he won't let me see my friends and I'm scared of him".replace("'", apostrophe)
    assert text_signals(text) == text_signals(text.replace(apostrophe, "'")) >= {"abuse", "control"}


def test_choices_and_ratings_are_not_scanned() -> None:
    answers = [
        new_answer(step_id="step-02", item_id="x", kind=kind, prompt="p", value="I want to die")
        for kind in ("choice", "rating")
    ]
    assert answer_signals(answers, GUIDE) == {}


def test_empty_text_gives_nothing() -> None:
    assert text_signals("") == set() == text_signals("   \n")


@pytest.mark.parametrize("phrase", CHECKER_SELF_HARM)
def test_the_checkers_self_harm_phrases_count(phrase: str) -> None:
    assert "self_harm_threat" in kinds_found(phrase)
    assert "self_harm" in text_signals(phrase)


def test_the_checkers_self_harm_rules_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = checks.load_rules()
    extra: dict[str, tuple[re.Pattern[str], ...]] = {
        "self_harm_threat": (re.compile("a phrase only the checker knows", re.I),)
    }
    monkeypatch.setattr(checks, "load_rules", lambda: replace(rules, patterns=extra))
    safety._scan.cache_clear()
    try:
        assert text_signals("A phrase only the checker knows") == {"self_harm"}
    finally:
        safety._scan.cache_clear()


# Own behaviour ------------------------------------------------------------------------------


@pytest.mark.parametrize(("phrase", "tag"), OWN)
def test_own_behaviour_in_text(phrase: str, tag: str) -> None:
    assert text_own_behaviour(phrase)
    assert tag in text_signals(phrase)
    assert own_behaviour([written(phrase)], GUIDE)


def test_own_behaviour_checklists_exist_and_hold_safety_items() -> None:
    for step_id, exercise in load_rules().own_exercises:
        items = [
            i for i in GUIDE.section(step_id).form_items if i.item_id.startswith(f"{exercise}.")
        ]
        assert any(i.safety for i in items), (step_id, exercise)


@pytest.mark.parametrize("item", SAFETY_ITEMS, ids=lambda i: f"{i.step_id}/{i.item_id}")
def test_own_behaviour_from_ticked_items(item: FormItem) -> None:
    exercise = item.item_id.partition(".")[0]
    expected = (item.step_id, exercise) in load_rules().own_exercises
    assert own_behaviour([check(item)], GUIDE) is expected
    assert own_behaviour([check(item, "false")], GUIDE) is False


def test_own_behaviour_items_include_the_ones_about_control_and_threats() -> None:
    own = {(i.step_id, i.item_id) for i in SAFETY_ITEMS if own_behaviour([check(i)], GUIDE)}
    assert {
        ("step-01", "killers.jealousy-control"),
        ("mistakes", "sabotage.stalking-online"),
        ("mistakes", "sabotage.threatening-to-hurt"),
    } <= own
    assert ("step-10", "let-go-signs.abuse") not in own


# Rule file validation -----------------------------------------------------------------------


def write_rules(tmp_path: Path, change: Any) -> Path:
    raw = json.loads((Path(__file__).parent.parent / "data" / "safety.json").read_text("utf-8"))
    change(raw)
    path = tmp_path / "safety.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def test_the_packaged_rules_load() -> None:
    rules = load_rules()
    assert set(rules.patterns) == set(TAGS) == set(rules.reasons)
    assert all(rules.patterns[t] for t in TAGS)


@pytest.mark.parametrize(
    ("change", "where", "problem"),
    [
        (
            lambda r: r["tags"]["abuse"]["patterns"].append("(unclosed"),
            "tags.abuse.patterns[",
            "bad pattern",
        ),
        (
            lambda r: r["tags"]["threat"]["patterns"].append("{NOPE} x"),
            "tags.threat.patterns[",
            "unknown name",
        ),
        (lambda r: r["tags"].pop("control"), "tags", "must be exactly"),
        (lambda r: r["tags"]["self_harm"].pop("reason"), "tags.self_harm.reason", "missing"),
        (
            lambda r: r.update(own_behaviour_exercises=["step-01"]),
            "own_behaviour_exercises[0]",
            "step-id/",
        ),
    ],
)
def test_bad_rules_name_the_file_field_and_problem(
    tmp_path: Path, change: Any, where: str, problem: str
) -> None:
    with pytest.raises(ContentError) as caught:
        load_rules(write_rules(tmp_path, change))
    assert caught.value.file == "safety.json"
    assert caught.value.where.startswith(where)
    assert problem in caught.value.problem


# Help lines ---------------------------------------------------------------------------------


def test_the_required_countries_are_there() -> None:
    assert set(REQUIRED_COUNTRIES) <= set(load_resources())
    assert safety.countries()[-1].code == "international"


def test_every_resource_has_a_source_or_an_unverified_mark() -> None:
    raw = json.loads((Path(__file__).parent.parent / "data" / "resources.json").read_text("utf-8"))
    url = re.compile(r"^https?://\S+$")
    for code, country in raw["countries"].items():
        for entry in [*country["resources"], country["emergency"]]:
            assert "source" in entry, (code, entry)
            if entry["source"] is None:
                general = entry is country["emergency"] and not re.search(r"\d", entry["number"])
                assert entry.get("unverified") is True or general, (code, entry)
            else:
                assert url.match(entry["source"]), (code, entry)


def test_every_country_has_crisis_and_abuse_help() -> None:
    for country in load_resources().values():
        assert country.emergency.number
        assert country.for_needs(["self_harm"]), country.code
        assert country.for_needs(["abuse"]), country.code


def test_unverified_marks_are_kept_from_the_research() -> None:
    sadag = {r.id: r for r in country_resources("ZA").resources}["za-sadag"]
    assert not sadag.confirmed("phone")
    assert not sadag.confirmed("hours")
    helpline = country_resources("international").resources[0]
    assert helpline.unverified and not helpline.confirmed("web")
    assert country_resources("GB").resources[0].confirmed("phone")


@pytest.mark.parametrize(
    ("code", "expected"),
    [("GB", "GB"), ("gb", "GB"), (" uk ", "GB"), ("XX", "international"), (None, "international"),
     ("", "international"), ("International", "international")],
)  # fmt: skip
def test_country_resources_fall_back_to_international(code: str | None, expected: str) -> None:
    assert country_resources(code).code == expected


def test_international_gives_general_advice_without_a_number() -> None:
    country = country_resources("international")
    assert country.emergency.number == "your local emergency number"
    assert not country.emergency.is_number
    assert country.advice


@pytest.fixture
def no_locale(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("WORKBOOK_COUNTRY", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(locale, "getlocale", lambda *a: (None, None))
    return monkeypatch


def test_default_country_from_the_environment(no_locale: pytest.MonkeyPatch) -> None:
    no_locale.setenv("LANG", "en_GB.UTF-8")
    no_locale.setenv("WORKBOOK_COUNTRY", "nz")
    assert default_country() == "NZ"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en_GB.UTF-8", "GB"), ("de_DE.UTF-8@euro", "DE"), ("fr_FR", "FR"), ("en_ZA.utf8", "ZA"),
     ("C.UTF-8", "international"), ("POSIX", "international"), ("sv_SE.UTF-8", "international")],
)  # fmt: skip
def test_default_country_from_lang(no_locale: pytest.MonkeyPatch, lang: str, expected: str) -> None:
    no_locale.setenv("LANG", lang)
    assert default_country() == expected


def test_lc_all_wins_over_lang_and_unknown_settings_fall_through(
    no_locale: pytest.MonkeyPatch,
) -> None:
    no_locale.setenv("LANG", "en_GB.UTF-8")
    no_locale.setenv("LC_ALL", "en_IE.UTF-8")
    assert default_country() == "IE"
    no_locale.setenv("WORKBOOK_COUNTRY", "XX")
    assert default_country() == "IE"


def test_default_country_from_the_locale(no_locale: pytest.MonkeyPatch) -> None:
    assert default_country() == "international"
    no_locale.setattr(locale, "getlocale", lambda *a: ("en_AU", "UTF-8"))
    assert default_country() == "AU"


def write_resources(tmp_path: Path, change: Any) -> Path:
    raw = json.loads((Path(__file__).parent.parent / "data" / "resources.json").read_text("utf-8"))
    change(raw)
    path = tmp_path / "resources.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def gb(raw: dict[str, Any]) -> dict[str, Any]:
    resource: dict[str, Any] = raw["countries"]["GB"]["resources"][0]
    return resource


@pytest.mark.parametrize(
    ("change", "where", "problem"),
    [
        (lambda r: gb(r).pop("source"), "countries.GB.resources[0].source", "missing"),
        (lambda r: gb(r).update(source=None), "countries.GB.resources[0].source", "unverified"),
        (
            lambda r: gb(r).update(source="javascript:alert(1)"),
            "countries.GB.resources[0].source",
            "http",
        ),
        (lambda r: gb(r).update(web="www.example.org"), "countries.GB.resources[0].web", "http"),
        (
            lambda r: gb(r).update({"for": ["cheering_up"]}),
            "countries.GB.resources[0].for",
            "among",
        ),
        (
            lambda r: gb(r).update(unverified="yes"),
            "countries.GB.resources[0].unverified",
            "true or false",
        ),
        (
            lambda r: r["countries"]["GB"]["emergency"].update(source=None),
            "countries.GB.emergency.source",
            "unverified",
        ),
        (lambda r: r["countries"].pop("international"), "countries.international", "fallback"),
        (lambda r: r["countries"].update(gb={}), "countries.gb", "two capital letters"),
        (
            lambda r: r["countries"]["IE"]["resources"].append(gb(r)),
            "countries.IE.resources",
            "used twice",
        ),
    ],
)
def test_bad_resources_name_the_file_field_and_problem(
    tmp_path: Path, change: Any, where: str, problem: str
) -> None:
    with pytest.raises(ContentError) as caught:
        load_resources(write_resources(tmp_path, change))
    assert caught.value.file == "resources.json"
    assert caught.value.where == where
    assert problem in caught.value.problem


def test_a_null_source_marked_unverified_is_accepted(tmp_path: Path) -> None:
    path = write_resources(tmp_path, lambda r: gb(r).update(source=None, unverified=True))
    resource = load_resources(path)["GB"].resources[0]
    assert resource.source is None and not resource.confirmed("phone")
