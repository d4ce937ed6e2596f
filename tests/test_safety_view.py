"""The safety panel: hidden without signals, shown with them, escaped, help lines by signal and country."""

from __future__ import annotations

import html
import re
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from workbook.content import FormItem, load_guide
from workbook.forms import Look
from workbook.safety import countries, country_resources
from workbook.safety_view import HEADING, SafetyPanel
from workbook.store import Answer, Store, new_answer

GUIDE = load_guide()
SAFETY_ITEMS = [i for s in GUIDE.sections for i in s.form_items if i.safety]
TEXT_TRIGGERS = {
    "abuse": "He hit me last night.",
    "control": "He won't let me see my friends.",
    "threat": "She threatened to take the kids.",
    "self_harm": "Some days I want to die.",
}


def check(item: FormItem, value: str = "true") -> Answer:
    return new_answer(
        step_id=item.step_id, item_id=item.item_id, kind="check", prompt=item.prompt,
        value=value, value_num=1.0 if value == "true" else 0.0,
    )  # fmt: skip


def written(value: str, step_id: str = "step-02", kind: str = "text") -> Answer:
    item_id = GUIDE.section(step_id).form_items[0].item_id if kind == "text" else "entry-1"
    return new_answer(step_id=step_id, item_id=item_id, kind=kind, prompt="p", value=value)


def item(step_id: str, item_id: str) -> FormItem:
    return GUIDE.form_item(step_id, item_id)


def markup(panel: SafetyPanel) -> str:
    return "".join(str(child.value) for child in panel.widget.children if hasattr(child, "value"))


def panel_with(answers: list[Answer], country: str = "GB") -> SafetyPanel:
    store = Store()
    store.append(answers)
    return SafetyPanel(store, "me", country=country)


def test_no_signals_hide_the_panel(db: Path) -> None:
    store = Store()
    store.append([written("We argued about the holiday and I was unfair.")])
    panel = SafetyPanel(store, "me", country="GB")
    assert "wb-safety" in panel.widget._dom_classes
    assert panel.widget.layout.display == "none"
    assert not panel.visible
    assert panel.intro.value == panel.help.value == ""


@pytest.mark.parametrize("safety_item", SAFETY_ITEMS, ids=lambda i: f"{i.step_id}/{i.item_id}")
def test_each_safety_item_shows_the_panel_and_unticking_hides_it(
    db: Path, safety_item: FormItem
) -> None:
    store = Store()
    panel = SafetyPanel(store, "me", country="GB")
    assert panel.widget.layout.display == "none"
    store.append([check(safety_item)])
    panel.refresh()
    assert panel.widget.layout.display != "none"
    assert HEADING in panel.intro.value
    assert f"You ticked “{safety_item.prompt}”" in panel.intro.value
    store.append([check(safety_item, "false")])
    panel.refresh()
    assert panel.widget.layout.display == "none"


@pytest.mark.parametrize("tag", sorted(TEXT_TRIGGERS))
@pytest.mark.parametrize("kind", ["text", "log"])
def test_each_text_tag_shows_the_panel(db: Path, tag: str, kind: str) -> None:
    step = "step-02" if kind == "text" else "log"
    panel = panel_with([written(TEXT_TRIGGERS[tag], step, kind)])
    assert panel.visible
    assert set(panel.signals) == {tag}
    where = "Step 2" if kind == "text" else "your log"
    assert f"Something you wrote in {where} mentions" in panel.intro.value


def test_rewriting_the_text_hides_the_panel_again(db: Path) -> None:
    store = Store()
    store.append([written("I want to die")])
    panel = SafetyPanel(store, "me", country="GB")
    assert panel.visible
    store.append([written("Today was calmer.")])
    panel.refresh()
    assert not panel.visible


def test_the_panel_says_letting_go_is_healthy_and_the_quick_exit_leaves_at_once(db: Path) -> None:
    panel = panel_with([check(item("step-10", "let-go-signs.abuse"))])
    text = markup(panel)
    assert "Letting go is a healthy choice" in text
    assert "fighting for the relationship are not the priority" in text
    assert "Quick exit" in text and "leaves at once" in text


def test_the_emergency_number_comes_first(db: Path) -> None:
    panel = panel_with([written("I want to die")])
    help_html = panel.help.value
    assert help_html.startswith("<p class='wb-emergency'>")
    assert help_html.index("999") < help_html.index("Samaritans")


def test_self_harm_shows_crisis_lines_only(db: Path) -> None:
    help_html = panel_with([written("I want to die")]).help.value
    assert "Samaritans" in help_html and "116 123" in help_html
    assert "National Domestic Abuse Helpline" not in help_html
    assert "Respect Phoneline" not in help_html


@pytest.mark.parametrize("tag", ["abuse", "control", "threat"])
def test_abuse_control_and_threats_show_domestic_abuse_lines(db: Path, tag: str) -> None:
    help_html = panel_with([written(TEXT_TRIGGERS[tag])]).help.value
    assert "National Domestic Abuse Helpline" in help_html and "0808 2000 247" in help_html
    assert "Samaritans" not in help_html
    assert "Respect Phoneline" not in help_html  # someone else's behaviour


@pytest.mark.parametrize(
    ("step_id", "item_id"),
    [("step-01", "killers.jealousy-control"), ("mistakes", "sabotage.stalking-online"),
     ("mistakes", "sabotage.threatening-to-hurt")],
)  # fmt: skip
def test_own_behaviour_shows_lines_for_people_who_want_to_change(
    db: Path, step_id: str, item_id: str
) -> None:
    panel = panel_with([check(item(step_id, item_id))])
    assert panel.own
    assert "worried about your own behaviour" in panel.help.value
    assert "Respect Phoneline" in panel.help.value and "0808 802 4040" in panel.help.value


def test_own_behaviour_in_text_shows_those_lines_too(db: Path) -> None:
    panel = panel_with([written("I went through his messages again last night.")], "AU")
    assert panel.own
    assert "Men&#x27;s Referral Service" in panel.help.value


def test_own_behaviour_without_a_line_in_the_country_says_so_honestly(db: Path) -> None:
    panel = panel_with([check(item("step-01", "killers.jealousy-control"))], "US")
    assert "Our list has no line for this in United States yet" in panel.help.value


def test_the_country_dropdown_lists_every_country_and_switches(db: Path) -> None:
    panel = panel_with([written("I want to die"), written("He hit me", "step-03")])
    assert [code for _name, code in panel.country.options] == [c.code for c in countries()]
    assert panel.country.value == "GB"
    panel.country.value = "US"
    assert "911" in panel.help.value and "988" in panel.help.value
    assert "1-800-799-7233" in panel.help.value
    assert "116 123" not in panel.help.value


def test_unknown_country_uses_the_international_fallback(db: Path) -> None:
    panel = panel_with([written("I want to die")], "XX")
    assert panel.country.value == "international"
    assert "call your local emergency number" in panel.help.value
    assert "please check" in panel.help.value  # the fallback's link is not confirmed


def test_the_default_country_comes_from_the_environment(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBOOK_COUNTRY", "NZ")
    store = Store()
    assert SafetyPanel(store, "me").country.value == "NZ"


@pytest.mark.parametrize("code", [c.code for c in countries()])
def test_every_line_shown_links_its_source_or_says_to_check_it(db: Path, code: str) -> None:
    panel = panel_with(
        [written("I want to die"), written("He hit me", "step-03"),
         check(item("step-01", "killers.jealousy-control"))],
        code,
    )  # fmt: skip
    country = country_resources(code)
    entries = re.findall(r"<li class='wb-resource'>(.*?)</li>", panel.help.value)
    assert entries
    shown = {
        r.name for r in country.resources if f"<strong>{_esc(r.name)}</strong>" in panel.help.value
    }
    for resource in country.resources:
        if resource.name not in shown:
            continue
        entry = next(x for x in entries if f"<strong>{_esc(resource.name)}</strong>" in x)
        if resource.source:
            assert f"href='{_esc(resource.source)}'" in entry and ">source</a>" in entry
        if not resource.confirmed("phone") and resource.phone:
            assert "please check this number" in entry
        if resource.unverified:
            assert "please check" in entry
    if country.emergency.source:
        assert f"href='{_esc(country.emergency.source)}'" in panel.help.value.split("</p>")[0]


def test_an_unconfirmed_number_asks_to_check_it(db: Path) -> None:
    panel = panel_with([written("I want to die")], "ZA")
    entry = re.search(r"<li class='wb-resource'><strong>SADAG.*?</li>", panel.help.value)
    assert entry is not None
    assert "please check this number" in entry.group(0)
    assert "Hours: not confirmed" in entry.group(0)


def test_html_in_answers_and_prompts_is_escaped(db: Path) -> None:
    abuse = item("step-10", "let-go-signs.abuse")
    section = GUIDE.section("step-10")
    tricky = replace(abuse, prompt="<img src=x onerror=alert(1)> abuse")
    exercises = tuple(
        replace(ex, items=tuple(tricky if i == abuse else i for i in ex.items))
        for ex in section.exercises
    )
    guide = replace(
        GUIDE,
        sections=tuple(
            replace(s, exercises=exercises) if s is section else s for s in GUIDE.sections
        ),
    )
    store = Store()
    store.append(
        [check(abuse), written("<script>alert('x')</script> I want to die <b>now</b>", kind="log",
                               step_id="step-08")]
    )  # fmt: skip
    panel = SafetyPanel(store, "me", country="GB", guide=guide)
    text = markup(panel)
    assert "<img" not in text and "<script" not in text and "<b>now" not in text
    assert "&lt;img src=x onerror=alert(1)&gt; abuse" in panel.intro.value


def test_the_panels_parts_are_made_only_when_it_first_shows(db: Path) -> None:
    store = Store()
    panel = SafetyPanel(store, "me", country="GB")
    assert panel.widget.children == () and not panel.visible
    store.append([written(TEXT_TRIGGERS["abuse"])])
    panel.refresh()
    assert len(panel.widget.children) == 4 and panel.visible
    assert panel.country.value == "GB" and HEADING in panel.intro.value
    store.append([written("We talked it through calmly.")])
    panel.refresh()
    assert not panel.visible and panel.intro.value == panel.help.value == ""


def test_the_shared_look_is_never_hidden(db: Path) -> None:
    look = Look()
    panel = SafetyPanel(Store(), "me", look, country="GB")
    assert not panel.visible
    assert look.full_width.display != "none" and look.auto_width.display != "none"
    assert panel.widget.layout is not look.full_width


def test_watch_refreshes_when_answers_change(db: Path) -> None:
    store = Store()
    panel = SafetyPanel(store, "me", country="GB")
    shown = threading.Event()
    refresh = panel.refresh

    def refreshed() -> None:
        refresh()
        if panel.visible:
            shown.set()

    panel.refresh = refreshed  # type: ignore[method-assign]
    panel.watch(interval=0.02)
    try:
        assert panel.watcher is not None
        Store(store.path).append([written("He threatened to kill me.")])
        assert shown.wait(5)
        assert set(panel.signals) == {"threat"}
    finally:
        assert panel.watcher is not None
        panel.watcher.stop()
        panel.watcher._thread.join(timeout=5)


def test_other_clients_answers_do_not_show_the_panel(db: Path) -> None:
    store = Store()
    store.append(
        [new_answer(step_id="step-02", item_id="x", kind="text", prompt="p", value="I want to die",
                    client_id="someone-else")]
    )  # fmt: skip
    assert not SafetyPanel(store, "me", country="GB").visible


def _esc(text: str) -> str:
    return html.escape(text, quote=True)
