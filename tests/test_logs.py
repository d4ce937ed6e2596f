"""Logs from data/logs.json: definitions, rows in the answers table, latest values, summaries, charts."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from workbook.content import ContentError, data_dir, load_guide
from workbook.log_view import conflict_chart_svg, grounding_chart_svg, trust_chart_svg
from workbook.logs import (
    LOG_KIND,
    LogEntry,
    LogInputError,
    append_entry,
    conflict_summary,
    entries,
    grounding_series,
    iso_week,
    load_logs,
    parse_logs,
    suggestion_for,
    trust_consistency_by_week,
    update_field,
)
from workbook.store import Answer, Store, new_answer

HOSTILE = "😊 <script>alert('x')</script> & \"quoted\"\n\ttabs and trailing space "


def rows(store: Store) -> list[Answer]:
    with store.connect() as conn:
        found = conn.execute("SELECT * FROM answers ORDER BY saved_at, rowid").fetchall()
    return [Answer(*r) for r in found]


def raw_logs() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((data_dir() / "logs.json").read_text(encoding="utf-8"))
    return data


# ---------------------------------------------------------------- definitions


def test_the_packaged_logs_load_with_the_guides_lists() -> None:
    book = load_logs()
    assert book.schema_version == 1
    assert [(log.id, log.step_id) for log in book.logs] == [
        ("grounding", "step-02"), ("trust", "step-06"), ("conflict", "step-08"),
    ]  # fmt: skip
    guide = load_guide()
    regulate = guide.section("step-02").list_block("regulate").items
    helped = book.log("grounding").field("helped").options
    assert [(o.id, o.text) for o in helped] == [(i.id, i.text) for i in regulate]
    rules = guide.section("step-08").list_block("rules").items
    assert [(o.id, o.text) for o in book.log("conflict").field("rules").options] == [
        (i.id, i.text) for i in rules
    ]
    phrases = {(o.id, o.text) for o in book.log("conflict").field("phrase").options}
    said = guide.section("step-08").list_block("say-things-like").items
    assert {(i.id, i.text) for i in said} <= phrases
    grounding = book.log("grounding")
    assert grounding.suggestion is not None
    assert "clarity, not panic" in grounding.suggestion.text


def test_a_steps_form_does_not_ask_again_what_its_log_asks() -> None:
    # Step 2 once had its own calm, urge and "what helped" questions above the daily check-in,
    # and Step 8 its own rule ratings above the conflict log, and Step 6 its own "one commitment
    # you will keep this week" above the commitments log: one question, asked twice.
    guide = load_guide()
    for log in load_logs().logs:
        offered = {o.text for f in log.fields for o in f.options}
        asked = {item.prompt for item in guide.section(log.step_id).form_items}
        assert not offered & asked, log.id
    assert not [i for i in guide.section("step-06").form_items if i.kind == "text"]  # the log asks


def test_the_suggestion_follows_the_thresholds() -> None:
    log = load_logs().log("grounding")
    assert suggestion_for(log, {"calm": 5, "urge": 8}) is not None
    assert suggestion_for(log, {"calm": 5, "urge": 7}) is not None
    assert suggestion_for(log, {"calm": 3, "urge": 0}) is not None
    assert suggestion_for(log, {"calm": 4, "urge": 6}) is None
    assert suggestion_for(log, {"calm": None, "urge": 2}) is None
    assert suggestion_for(load_logs().log("trust"), {"urge": 10}) is None


def _set(path: str, value: Any) -> Any:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = doc
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if value is _DELETE:
            del node[int(last) if isinstance(node, list) else last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return change


_DELETE = object()

# logs/0 = grounding (fields: day, calm, urge, helped, note), logs/1 = trust, logs/2 = conflict.
BAD_CASES = [
    ("schema_version", _DELETE, "document", "missing 'schema_version'"),
    ("schema_version", 2, "schema_version", "newer than this workbook understands"),
    ("logs", [], "logs", "non-empty list"),
    ("logs/0/title", " ", "log 'grounding'", "'title' is empty"),
    ("logs/0/step_id", "two", "log 'grounding'", "not a step id"),
    ("logs/0/id", "Grounding!", "logs[0]", "not a valid id"),
    ("logs/0/colour", "red", "logs[0]", "unknown key 'colour'"),
    ("logs/0/date_field", "note", "log 'grounding'", "'date_field' 'note' must name"),
    ("logs/0/fields/1/kind", "slider", "log 'grounding', field 'calm'", "unknown kind 'slider'"),
    ("logs/0/fields/1/scale", _DELETE, "log 'grounding', field 'calm'", "needs a 'scale'"),
    ("logs/0/fields/1/scale", {"min": 5, "max": 5}, "field 'calm', scale", "must be below"),
    ("logs/0/fields/1/scale", {"min": 0, "max": 2, "labels": ["a"]}, "field 'calm', scale",
     "1 labels for 3 points"),
    ("logs/0/fields/1/label", "", "log 'grounding', field 'calm'", "'label' is empty"),
    ("logs/0/fields/1/hint", "x", "log 'grounding', fields[1]", "unknown key 'hint'"),
    ("logs/0/fields/2/id", "calm", "log 'grounding', field 'calm'", "used twice"),
    ("logs/0/fields/2", _DELETE, "log 'grounding', field 'urge'", "missing: the grounding"),
    ("logs/0/fields/3/options", [], "log 'grounding', field 'helped'", "non-empty list"),
    ("logs/0/fields/3/options/1/id", "breathe-journal", "field 'helped', option 'breathe-journal'",
     "used twice"),
    ("logs/0/fields/3/options/0/num", "one", "option 'breathe-journal'", "'num' must be a number"),
    ("logs/0/fields/4/options", [{"id": "a", "text": "A"}], "log 'grounding', field 'note'",
     "only choice and multi fields"),
    ("logs/0/fields/4/rows", 0, "log 'grounding', field 'note'", "'rows' must be from 1 to 20"),
    ("logs/0/suggestion/when_any/0/field", "note", "log 'grounding', suggestion, when_any[0]",
     "must name a rating field"),
    ("logs/0/suggestion/when_any/0/at_least", 11, "suggestion, when_any[0]", "outside the scale"),
    ("logs/0/suggestion/when_any/1/at_least", 1, "suggestion, when_any[1]", "exactly one of"),
    ("logs/1/fields/2/options/0/id", "kept", "log 'trust', field 'kept'", "needs an option"),
    ("logs/1/follow_up/open", ["maybe"], "log 'trust', follow_up", "'open' must list option"),
    ("logs/2/fields/2/kind", "text", "log 'conflict', field 'break'", "must be of kind 'yesno'"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "value", "where", "problem"), BAD_CASES)
def test_a_bad_logs_file_names_file_log_field_and_problem(
    tmp_path: Path, path: str, value: Any, where: str, problem: str
) -> None:
    doc = copy.deepcopy(raw_logs())
    _set(path, value)(doc)
    bad = tmp_path / "logs.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_logs(bad)
    assert caught.value.file == "logs.json"
    assert where in caught.value.where, str(caught.value)
    assert problem in caught.value.problem, str(caught.value)
    assert str(caught.value).startswith("logs.json: ")


def test_two_logs_with_one_id_are_refused() -> None:
    doc = raw_logs()
    doc["logs"].append(copy.deepcopy(doc["logs"][0]))
    with pytest.raises(ContentError, match="log 'grounding': the id is used by another log"):
        parse_logs(doc, "logs.json")


def test_unreadable_logs_files_say_so(tmp_path: Path) -> None:
    broken = tmp_path / "logs.json"
    broken.write_text('{"schema_version": 1,', encoding="utf-8")
    with pytest.raises(ContentError, match=r"logs\.json: line 1: not valid JSON"):
        load_logs(broken)
    broken.write_bytes(b"\xff\xfe{}")
    with pytest.raises(ContentError, match="not UTF-8"):
        load_logs(broken)
    with pytest.raises(ContentError, match="not found"):
        load_logs(tmp_path / "missing.json")
    with pytest.raises(ContentError, match="must be an object"):
        parse_logs([], "logs.json")


def test_a_copy_of_the_packaged_file_loads(tmp_path: Path) -> None:
    copy_path = tmp_path / "logs.json"
    copy_path.write_text(json.dumps(raw_logs()), encoding="utf-8")
    assert load_logs(copy_path) == load_logs()


# ---------------------------------------------------------------- storing and reading


def test_adding_an_entry_writes_one_log_row_per_field(db: Path) -> None:
    store = Store()
    entry_id = append_entry(
        store, "me", "s-1", "grounding",
        {"day": date(2025, 1, 6), "calm": 3, "urge": 8,
         "helped": ["sleep", "breathe-journal"], "note": HOSTILE},
    )  # fmt: skip
    found = {a.item_id: a for a in rows(store)}
    log = load_logs().log("grounding")
    assert set(found) == {f"grounding.{entry_id}.{f}" for f in log.field_ids}
    for answer in found.values():
        assert (answer.kind, answer.step_id, answer.client_id, answer.session_id) == (
            LOG_KIND, "step-02", "me", "s-1",
        )  # fmt: skip
    assert len({a.saved_at for a in found.values()}) == 1
    by_field = {item.rsplit(".", 1)[1]: a for item, a in found.items()}
    assert {f: (a.value, a.value_num) for f, a in by_field.items()} == {
        "day": ("2025-01-06", None),
        "calm": ("3", 3.0),
        "urge": ("8", 8.0),
        "helped": ('["breathe-journal", "sleep"]', 2.0),
        "note": (HOSTILE, None),
    }
    assert by_field["calm"].prompt == log.field("calm").label
    assert json.loads(by_field["helped"].value) == ["breathe-journal", "sleep"]


def test_yes_no_and_choices_carry_numbers(db: Path) -> None:
    store = Store()
    append_entry(store, "me", "s", "conflict", {"day": "2025-02-01", "break": True})
    append_entry(store, "me", "s", "conflict", {"day": "2025-02-02", "break": "no"})
    append_entry(store, "me", "s", "trust", {"what": "Call at 8", "due": date(2025, 2, 3)})
    numbers = {
        (a.item_id.split(".")[0], a.item_id.rsplit(".", 1)[1], a.value): a.value_num
        for a in rows(store)
    }
    assert numbers[("conflict", "break", "yes")] == 1.0
    assert numbers[("conflict", "break", "no")] == 0.0
    assert numbers[("conflict", "rules", "[]")] == 0.0
    assert numbers[("conflict", "phrase", "")] is None
    assert numbers[("trust", "kept", "")] is None


def test_entries_read_the_text_back_byte_exact(db: Path) -> None:
    store = Store()
    entry_id = append_entry(
        store, "me", "s", "trust", {"what": HOSTILE, "due": date(2025, 3, 1), "note": "🙂\r\n"}
    )
    (entry,) = entries(store, "me", "trust")
    assert entry.entry_id == entry_id
    assert entry.values["what"] == HOSTILE
    assert entry.values["note"] == "🙂\r\n"
    assert entry.values["due"] == date(2025, 3, 1)
    assert entry.values["kept"] is None
    assert entry.date == date(2025, 3, 1)


def test_entries_are_ordered_by_date_and_kept_per_client_and_log(db: Path) -> None:
    store = Store()
    late = append_entry(store, "me", "s", "grounding", {"day": "2025-01-09", "calm": 5, "urge": 5})
    early = append_entry(store, "me", "s", "grounding", {"day": "2025-01-02", "calm": 6, "urge": 1})
    append_entry(store, "other", "s", "grounding", {"day": "2025-01-03", "calm": 1, "urge": 9})
    append_entry(store, "me", "s", "conflict", {"day": "2025-01-04"})
    store.append(
        [new_answer(step_id="step-02", item_id="check-in.calm", kind="rating", prompt="p",
                    value="4", value_num=4.0, client_id="me")]
    )  # fmt: skip
    assert [e.entry_id for e in entries(store, "me", "grounding")] == [early, late]
    assert len(entries(store, "other", "grounding")) == 1
    assert len(entries(store, "me", "conflict")) == 1
    assert entries(store, "me", "trust") == []


def test_a_missing_date_means_today(db: Path) -> None:
    store = Store()
    append_entry(store, "me", "s", "grounding", {"calm": 5, "urge": 5})
    assert entries(store, "me", "grounding")[0].date == date.today()


def test_updates_are_append_only_and_the_latest_wins(db: Path) -> None:
    store = Store()
    entry_id = append_entry(
        store, "me", "s", "trust", {"what": "Be on time", "due": "2025-01-10", "kept": "not-yet"}
    )
    before = store.count()
    first = update_field(store, "me", "s2", "trust", entry_id, "kept", "yes")
    assert first.item_id == f"trust.{entry_id}.kept"
    assert (first.value, first.value_num, first.kind, first.session_id) == ("yes", 1.0, "log", "s2")
    update_field(store, "me", "s2", "trust", entry_id, "kept", "no")
    assert store.count() == before + 2
    history = [a.value for a in rows(store) if a.item_id == f"trust.{entry_id}.kept"]
    assert history == ["not-yet", "yes", "no"]
    (entry,) = entries(store, "me", "trust")
    assert entry.values["kept"] == "no"
    assert entry.values["what"] == "Be on time"
    assert entry.updated_at > entry.created_at


def test_bad_updates_are_refused(db: Path) -> None:
    store = Store()
    entry_id = append_entry(store, "me", "s", "trust", {"what": "x", "due": "2025-01-10"})
    before = store.count()
    with pytest.raises(LogInputError, match="no entry"):
        update_field(store, "me", "s", "trust", "not-an-entry", "kept", "yes")
    with pytest.raises(LogInputError, match="no entry"):
        update_field(store, "someone-else", "s", "trust", entry_id, "kept", "yes")
    with pytest.raises(LogInputError, match="no field"):
        update_field(store, "me", "s", "trust", entry_id, "colour", "red")
    with pytest.raises(LogInputError, match="has no option"):
        update_field(store, "me", "s", "trust", entry_id, "kept", "maybe")
    with pytest.raises(LogInputError, match="Please fill in"):
        update_field(store, "me", "s", "trust", entry_id, "what", "  ")
    assert store.count() == before


@pytest.mark.parametrize(
    ("log_id", "values", "message"),
    [
        ("trust", {"what": "", "due": "2025-01-01"}, "Please fill in “What I said I'd do”"),
        ("trust", {"what": " \n ", "due": "2025-01-01"}, "Please fill in"),
        ("trust", {"what": "x", "due": None}, "Please fill in “By when”"),
        ("trust", {"what": "x", "due": "someday"}, "must be a date"),
        ("grounding", {"calm": 11, "urge": 1}, "from 0 to 10"),
        ("grounding", {"calm": True, "urge": 1}, "from 0 to 10"),
        ("grounding", {"calm": None, "urge": 1}, "Please fill in"),
        ("grounding", {"calm": 1, "urge": 1, "helped": ["nap"]}, "no option nap"),
        ("grounding", {"calm": 1, "urge": 1, "helped": "sleep"}, "list of choices"),
        ("grounding", {"calm": 1, "urge": 1, "mood": "ok"}, "no field mood"),
        ("conflict", {"break": "maybe"}, "no option"),
        ("conflict", {"note": 5}, "must be text"),
    ],
)
def test_invalid_entries_save_nothing(
    db: Path, log_id: str, values: dict[str, Any], message: str
) -> None:
    store = Store()
    with pytest.raises(LogInputError, match=message):
        append_entry(store, "me", "s", log_id, values)
    assert store.count() == 0


# ---------------------------------------------------------------- summaries


def entry(log_id: str, day: date, **values: Any) -> LogEntry:
    return LogEntry(f"e{day.isoformat()}{sorted(values)}", log_id, day, values, "t", "t")


def test_grounding_series_averages_per_day() -> None:
    series = grounding_series(
        [
            entry("grounding", date(2025, 1, 2), calm=2, urge=9),
            entry("grounding", date(2025, 1, 1), calm=7, urge=None),
            entry("grounding", date(2025, 1, 2), calm=5, urge=6),
        ]
    )
    assert [(d.day, d.calm, d.urge, d.count) for d in series] == [
        (date(2025, 1, 1), 7.0, None, 1),
        (date(2025, 1, 2), 3.5, 7.5, 2),
    ]


def test_grounding_series_from_the_store(db: Path) -> None:
    store = Store()
    for day, calm, urge in [("2025-01-01", 2, 8), ("2025-01-01", 4, 6), ("2025-01-03", 9, 0)]:
        append_entry(store, "me", "s", "grounding", {"day": day, "calm": calm, "urge": urge})
    series = grounding_series(entries(store, "me", "grounding"))
    assert [(d.day.isoformat(), d.calm, d.urge) for d in series] == [
        ("2025-01-01", 3.0, 7.0),
        ("2025-01-03", 9.0, 0.0),
    ]


def test_trust_consistency_uses_iso_weeks_of_the_due_date() -> None:
    assert iso_week(date(2024, 12, 30)) == "2025-W01"
    assert iso_week(date(2024, 12, 29)) == "2024-W52"
    weeks = trust_consistency_by_week(
        [
            entry("trust", date(2024, 12, 30), due=date(2024, 12, 30), kept="yes"),
            entry("trust", date(2025, 1, 5), due=date(2025, 1, 5), kept="no"),
            entry("trust", date(2025, 1, 3), due=date(2025, 1, 3), kept="not-yet"),
            entry("trust", date(2025, 1, 1), due=date(2025, 1, 1), kept="yes"),
            entry("trust", date(2025, 1, 6), due=date(2025, 1, 6), kept="yes"),
            entry("trust", date(2024, 12, 29), due=date(2024, 12, 29), kept=None),
            entry("trust", date(2025, 1, 7), due=None, kept="yes"),
        ]
    )
    assert [(w.week, w.due, w.kept, w.not_kept, w.open, w.share) for w in weeks] == [
        ("2024-W52", 1, 0, 0, 1, 0.0),
        ("2025-W01", 4, 2, 1, 1, 0.5),
        ("2025-W02", 1, 1, 0, 0, 1.0),
    ]


def test_trust_consistency_follows_updates(db: Path) -> None:
    store = Store()
    a = append_entry(store, "me", "s", "trust", {"what": "a", "due": "2025-03-03"})
    append_entry(store, "me", "s", "trust", {"what": "b", "due": "2025-03-04", "kept": "no"})
    update_field(store, "me", "s", "trust", a, "kept", "yes")
    (week,) = trust_consistency_by_week(entries(store, "me", "trust"))
    assert (week.week, week.due, week.kept, week.share) == ("2025-W10", 2, 1, 0.5)


def test_conflict_summary_counts_rules_breaks_and_phrases() -> None:
    d = date(2025, 1, 1)
    summary = conflict_summary(
        [
            entry("conflict", d, rules=("take-breaks", "validate-feelings"), **{"break": "yes"},
                  phrase="see-your-point", phrase_other=""),
            entry("conflict", d, rules=("take-breaks",), **{"break": "no"},
                  phrase="other", phrase_other=" Let's pause. "),
            entry("conflict", d, rules=(), **{"break": None}, phrase="none", phrase_other=""),
            entry("conflict", d, rules=("take-breaks",), **{"break": "yes"},
                  phrase="see-your-point", phrase_other="Let's pause."),
        ]
    )  # fmt: skip
    assert summary.count == 4
    assert summary.rules_kept["take-breaks"] == 0.75
    assert summary.rules_kept["validate-feelings"] == 0.25
    assert summary.rules_kept["no-leaving-threats"] == 0.0
    assert list(summary.rules_kept) == [
        o.id for o in load_logs().log("conflict").field("rules").options
    ]
    assert summary.breaks_taken == pytest.approx(2 / 3)
    assert summary.phrases == {
        "see-your-point": 2, "what-im-hearing": 0, "help-me-understand": 0, "other": 1, "none": 1,
    }  # fmt: skip
    assert summary.other_phrases == {"Let's pause.": 2}


def test_an_empty_conflict_summary() -> None:
    summary = conflict_summary([])
    assert (summary.count, summary.breaks_taken, summary.other_phrases) == (0, None, {})
    assert set(summary.rules_kept.values()) == {0.0}


# ---------------------------------------------------------------- charts


def parse_svg(markup: str) -> ET.Element:
    root = ET.fromstring(markup)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label")
    return root


def test_charts_are_well_formed_svg_with_titles() -> None:
    d = date(2025, 1, 1)
    days = grounding_series(
        [
            entry("grounding", d, calm=2, urge=9),
            entry("grounding", date(2025, 1, 8), calm=6, urge=3),
        ]
    )
    root = parse_svg(grounding_chart_svg(days, (0, 10), "Calm <&>", "Urge \"'"))
    assert root.get("aria-label", "").startswith("Calm and urge")
    assert len(root.findall("{http://www.w3.org/2000/svg}polyline")) == 2
    assert len(root.findall("{http://www.w3.org/2000/svg}circle")) == 4
    parse_svg(grounding_chart_svg(days[:1]))
    parse_svg(grounding_chart_svg([]))
    weeks = trust_consistency_by_week(
        [entry("trust", d, due=d, kept="yes"), entry("trust", d, due=d, kept="no")]
    )
    root = parse_svg(trust_chart_svg(weeks))
    assert [r.findtext("{http://www.w3.org/2000/svg}title") for r in root.iter(
        "{http://www.w3.org/2000/svg}rect")] == ["2025-W01: 1 of 2 kept"]  # fmt: skip
    parse_svg(trust_chart_svg([]))
    log = load_logs().log("conflict")
    summary = conflict_summary([entry("conflict", d, rules=("take-breaks",))], log)
    root = parse_svg(conflict_chart_svg(summary, log))
    assert "1 conflict logged" in (root.get("aria-label") or "")
    parse_svg(conflict_chart_svg(conflict_summary([], log), log))
