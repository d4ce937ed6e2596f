"""The checker's learned model: unseen phrasings found, spans on sentences, BERT's tokens, a valid model file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from draft_sets import DATA, draft_rows

from workbook import checks
from workbook.checks import LEARNED_KINDS, check_message, kinds_found, learned_flags, rule_flags
from workbook.content import ContentError, data_dir
from workbook.learned_checks import MODEL_FILE, load_model, read_model, sentence_spans
from workbook.safety import text_signals
from workbook.sentence_encoder import MAX_TOKENS

SHIPPED = data_dir() / MODEL_FILE

# Token ids the reference BERT tokenizer (Hugging Face's, for this vocabulary) gives these texts.
REFERENCE_TOKENS = {
    "ur honestly the laziest person ive ever lived with!!! \N{POUTING FACE}": [
        101, 24471, 9826, 1996, 2474, 14272, 3367, 2711, 4921, 2063, 2412, 2973, 2007, 999,
        999, 999, 100, 102,
    ],
    "Café déjà vu \N{EM DASH} I'm sorry, but you NEVER listen.": [
        101, 7668, 2139, 3900, 24728, 1517, 1045, 1005, 1049, 3374, 1010, 2021, 2017, 2196,
        4952, 1012, 102,
    ],
    "\N{CJK UNIFIED IDEOGRAPH-4F60}\N{CJK UNIFIED IDEOGRAPH-597D} world, it's 2am... where r u??": [
        101, 100, 100, 2088, 1010, 2009, 1005, 1055, 23409, 2213, 1012, 1012, 1012, 2073,
        1054, 1057, 1029, 1029, 102,
    ],
}  # fmt: skip

# Written for this test, not taken from any labelled set the model was trained on.
UNSEEN = {
    "blame": [
        "Honestly the whole mess this year comes down to your carelessness.",
        "You wreck every nice thing we plan.",
        "None of this would be happening if you had just used your head.",
    ],
    "guilt_trip": [
        "I gave up my whole career to follow you here and this is the thanks I get.",
        "Fine, go out with your mates, I'll just sit here alone like always.",
        "I hope you're happy knowing you made me cry all night.",
    ],
    "conditional_love": [
        "A partner who really loved me would have picked up the phone.",
        "If I mattered to you at all you'd have cancelled the trip.",
        "Real love means you'd give up the gym nights for me.",
    ],
    "ultimatum": [
        "Choose: it's your brother or me.",
        "Move out by Friday or I'm calling my lawyer.",
        "Stop seeing her or don't bother coming back.",
    ],
    "pressure": [
        "I need an answer within the hour.",
        "Reply right now, I'm not waiting any longer.",
        "Decide tonight, I won't ask again.",
    ],
    "begging": [
        "I'm on my knees, please give me one more chance.",
        "Please don't go, I'm nothing without you, please.",
        "I'm begging you to come home.",
    ],
    "deflecting_apology": [
        "I apologise if my tone upset you, but you overreacted.",
        "Sorry, but you made me do it.",
        "Ok I'm sorry, can we drop it now?",
    ],
    "jealousy": [
        "Why is your ex liking all your pictures?",
        "Who were you texting at 2am?",
        "I don't like how that guy at work looks at you.",
    ],
    "past": [
        "This is exactly what you did on our anniversary three years ago.",
        "Just like you did in Paris, you walked off and left me.",
        "Remember when you lied about the money? Same thing again.",
    ],
    "self_harm_threat": [
        "If you leave I'll swallow all my pills.",
        "There's no point in me being here anymore if you go.",
        "Maybe everyone would be better off if I just disappeared for good.",
    ],
    "empty_promise": [
        "I promise I'll never drink again, starting tomorrow.",
        "I'll be a completely new person, you'll see.",
        "This time I'll change for real, I give you my word.",
    ],
    "stalking": [
        "I went through your phone while you were asleep.",
        "I followed you to the gym to see who you were meeting.",
        "I logged into your email and read your messages.",
    ],
}


def test_the_model_alone_finds_most_unseen_phrasings_and_the_checker_each_kind() -> None:
    by_model = [k in {f.kind for f in learned_flags(t)} for k, ts in UNSEEN.items() for t in ts]
    assert sum(by_model) >= 30, f"{sum(by_model)} of {len(by_model)}"
    for kind, texts in UNSEEN.items():
        assert sum(kind in kinds_found(t) for t in texts) >= 2, kind


def test_the_model_finds_what_the_rules_miss_and_flags_it_once_on_its_sentence() -> None:
    first = "We had a nice dinner on Friday. "
    text = first + "Honestly the whole mess this year comes down to your carelessness."
    assert "blame" not in {f.kind for f in rule_flags(text)}
    (flag,) = [f for f in check_message(text) if f.kind == "blame"]
    assert (flag.start, flag.end) == (len(first), len(text))
    assert text[flag.start : flag.end] == flag.text
    rules = checks.load_rules()
    assert flag.message == rules.why["blame"] and flag.alternative == rules.alternative["blame"]


def test_a_kind_the_rules_found_is_not_flagged_again_by_the_model() -> None:
    text = "It's your fault we missed the flight. You wreck every nice thing we plan."
    assert {f.kind for f in learned_flags(text)} >= {"blame"}
    assert len([f for f in check_message(text) if f.kind == "blame"]) == len(
        [f for f in rule_flags(text) if f.kind == "blame"]
    )


def test_the_rules_guards_for_harmless_uses_hold_for_the_model_too() -> None:
    assert learned_flags("Remember when you forgot your passport? We still laugh about that") == []


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("One. Two!  Three?", [(0, 4), (5, 9), (11, 17)]),
        ("no punctuation at all", [(0, 21)]),
        ("line one\n\n...\nline two", [(0, 8), (14, 22)]),
        ("", []),
    ],
)
def test_sentences_are_cut_at_stops_and_line_breaks(
    text: str, spans: list[tuple[int, int]]
) -> None:
    assert sentence_spans(text) == spans


def test_self_harm_the_model_finds_lights_the_safety_panel_and_healthy_drafts_rarely_do() -> None:
    text = "Nobody would even notice if I wasn't around anymore."
    assert "self_harm_threat" not in {f.kind for f in rule_flags(text)}
    assert checks.has_phrase_of("self_harm_threat", text)
    assert "self_harm" in text_signals(text)
    healthy = [
        row["text"]
        for name in (
            "drafts_tuning.jsonl",
            "drafts_dev.jsonl",
            "drafts_dev4.jsonl",
            "drafts_dev5.jsonl",
        )
        for row in draft_rows(name)
        if not row["kinds"]
    ]
    lit = sum(checks.has_phrase_of("self_harm_threat", t) for t in healthy)
    assert lit / len(healthy) <= 0.02, (lit, len(healthy))


@pytest.mark.parametrize(("text", "ids"), REFERENCE_TOKENS.items())
def test_texts_are_cut_into_the_same_tokens_as_the_reference_tokenizer(
    text: str, ids: list[int]
) -> None:
    assert load_model().encoder.token_ids(text) == ids


def test_a_long_draft_is_cut_to_the_encoders_limit_and_still_scored() -> None:
    model = load_model()
    ids = model.encoder.token_ids("word " * 1000)
    assert len(ids) == MAX_TOKENS and ids[-1] == model.encoder.vocab["[SEP]"]
    assert np.isfinite(model.scores("word " * 1000)).all()


def test_scoring_sentences_together_gives_what_scoring_each_alone_does() -> None:
    model = load_model()
    sentences = ["Answer me now.", "Thanks for the lovely dinner on Friday, it meant a lot to me."]
    together = model.scores_of(sentences)
    alone = np.stack([model.scores(s) for s in sentences])
    assert np.allclose(together, alone, atol=1e-4)


def test_the_shipped_model_covers_the_learned_kinds() -> None:
    model = read_model(SHIPPED)
    assert model.kinds == LEARNED_KINDS and load_model().kinds == LEARNED_KINDS


def test_the_shipped_model_was_trained_on_the_current_development_sets() -> None:
    from workbook.train_checker import data_hash, dev_paths

    assert read_model(SHIPPED).data_sha256 == data_hash(dev_paths()), (
        "the development drafts changed: rebuild with python -m workbook.train_checker"
    )


def test_the_benchmarks_held_out_set_is_never_trained_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from workbook.train_checker import SETS

    monkeypatch.syspath_prepend(str(Path(__file__).parent.parent / "benchmarks"))
    import checker_quality

    reported = {key: path.name for key, path in checker_quality.SETS.items()}
    held_out = reported.pop(checker_quality.HELD_OUT)
    assert held_out not in SETS.values()
    assert reported == SETS  # every other set it reports is one the model was built on


# Sets written for judging the checker and never built on: the benchmark's held-out set, and the
# next ones, kept unseen until a change of the checker needs a fresh judge.
NEVER_TRAINED_ON = {"drafts_heldout9.jsonl", "drafts_heldout10.jsonl", "drafts_heldout11.jsonl"}


def test_every_draft_set_is_trained_on_or_kept_for_judging_and_is_well_formed() -> None:
    from workbook.train_checker import SETS

    files = {path.name for path in DATA.glob("drafts_*.jsonl")}
    assert files == set(SETS.values()) | NEVER_TRAINED_ON
    ids: set[str] = set()
    for name in sorted(files):
        for row in draft_rows(name):
            assert set(row) == {"id", "text", "kinds"} and row["text"].strip(), (name, row)
            assert set(row["kinds"]) <= set(checks.KINDS), (name, row["id"])
            assert row["id"] not in ids, (name, row["id"])
            ids.add(row["id"])


def _arrays() -> dict[str, Any]:
    with np.load(SHIPPED, allow_pickle=False) as raw:
        return {name: raw[name] for name in raw.files}


@pytest.mark.parametrize(
    ("change", "where", "problem"),
    [
        (lambda a: a.update(format=np.array(99)), "format", "must be 2"),
        (lambda a: a.pop("thresholds"), "thresholds", "missing"),
        (lambda a: a.update(head=a["head"][:, :3]), "head", "shape must be"),
        (lambda a: a.update(bias=a["bias"] * np.nan), "bias", "finite"),
        (lambda a: a.update(vocab=a["vocab"][1:]), "words.int8", "one row per token"),
        (lambda a: a.update(vocab=a["vocab"][a["vocab"] != "[UNK]"]), "vocab", "[UNK]"),
        (lambda a: a.update({"2.query.int8": a["2.query.int8"][:10]}), "2.query.int8", "shape"),
        (
            lambda a: a.update({"0.ln1.weight": a["0.ln1.weight"] * np.inf}),
            "0.ln1.weight",
            "finite",
        ),
        (lambda a: a.update(heads=np.array(7)), "layers", "whole heads"),
    ],
)
def test_a_bad_model_file_names_the_file_field_and_problem(
    tmp_path: Path, change: Any, where: str, problem: str
) -> None:
    arrays = _arrays()
    change(arrays)
    path = tmp_path / MODEL_FILE
    np.savez_compressed(path, allow_pickle=False, **arrays)
    with pytest.raises(ContentError) as caught:
        read_model(path)
    assert (caught.value.file, caught.value.where) == (MODEL_FILE, where)
    assert problem in caught.value.problem


def test_a_missing_or_broken_model_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="not found"):
        read_model(tmp_path / MODEL_FILE)
    (tmp_path / MODEL_FILE).write_bytes(b"not a zip")
    with pytest.raises(ContentError, match="not a readable"):
        read_model(tmp_path / MODEL_FILE)
