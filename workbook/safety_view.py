"""The safety panel: shown when answers suggest abuse, control, threats or self-harm, with help lines."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

import ipywidgets as widgets
from ipywidgets.widgets.widget_description import DescriptionStyle

from workbook.content import Guide, load_guide
from workbook.forms import Look
from workbook.live import Watcher, run_soon
from workbook.store import Answer, Store

if TYPE_CHECKING:
    from workbook.safety import Country, Resource

HEADING = "You deserve to be safe"
EXIT_NOTE = (
    "<p class='wb-safety-exit'>If someone might see your screen, the <strong>Quick exit</strong> "
    "link at the top of the page leaves at once for a weather page. "
    "It does not clear your browser history.</p>"
)
# (signal tags, resource need, title, text) for each kind of help, in the order shown.
_SECTIONS = (
    (
        ("self_harm",),
        "self_harm",
        "If you are thinking about hurting yourself",
        "You do not have to carry this alone. These lines are there to listen, right now:",
    ),
    (
        ("abuse", "control", "threat"),
        "abuse",
        "If someone is hurting, controlling or threatening you",
        "What you described can be abuse, even without violence. These services listen "
        "in confidence and can help you plan to stay safe:",
    ),
)
_OWN_TITLE = "If you are worried about your own behaviour"
_OWN_TEXT = (
    "Some of what you ticked or wrote is about how you act towards a partner. Noticing it "
    "takes honesty, and change is possible. These lines help people who want to stop:"
)
_OWN_NO_LINE = (
    "Some of what you ticked or wrote is about how you act towards a partner. Noticing it "
    "takes honesty, and change is possible. Our list has no line for this in {country} yet: "
    "a doctor or counsellor can point you to a programme, and these lines can listen:"
)
_CHECK_NUMBER = " <em class='wb-unverified'>(not confirmed: please check this number)</em>"


def e(text: str) -> str:
    """Text escaped for HTML, quotes included."""
    return html.escape(text, quote=True)


class SafetyPanel:
    """A calm panel with safety help, visible only while the latest answers show a safety signal."""

    def __init__(
        self,
        store: Store,
        client_id: str,
        look: Look | None = None,
        *,
        guide: Guide | None = None,
        country: str | None = None,
    ) -> None:
        self.store, self.client_id = store, client_id
        self.guide = guide or load_guide()
        self.look = look or Look()
        self.signals: dict[str, list[str]] = {}
        self.own = False
        self.watcher: Watcher | None = None
        self._lock = threading.RLock()
        self._first_country = country
        self._made: _Parts | None = None
        # Its own Layout: the shared ones in `look` must never be hidden with the panel. The parts
        # inside are made when first needed: most pages never show the panel.
        self.widget = widgets.VBox(
            [], layout=widgets.Layout(display="none", width="100%"), _dom_classes=("wb-safety",)
        )
        run_soon(self.refresh)  # shows within a moment; the page does not wait for the scan

    @property
    def intro(self) -> widgets.HTML:
        """Why the panel is showing."""
        return self._parts().intro

    @property
    def help(self) -> widgets.HTML:
        """The help lines for the chosen country."""
        return self._parts().help

    @property
    def country(self) -> widgets.Dropdown:
        """The country whose help lines are shown."""
        return self._parts().country

    @property
    def visible(self) -> bool:
        """Whether the panel is showing."""
        return bool(self.widget.layout.display != "none")

    def refresh(self) -> None:
        """Recompute the signals from the store's latest answers and show or hide the panel."""
        self.show_signals_in(list(self.store.latest(self.client_id).values()))

    def show_signals_in(self, answers: Sequence[Answer]) -> None:
        """Show or hide the panel for answers already read (the latest answer per item)."""
        found: dict[str, list[str]] = {}
        own = False
        if answers:  # the scan's rules load only when there is something to scan
            from workbook.safety import answer_signals, own_behaviour

            found = answer_signals(answers, self.guide)
            own = bool(found) and own_behaviour(answers, self.guide)
        with self._lock:
            self.signals, self.own = found, own
            self._render()

    def watch(self, interval: float = 1.0) -> None:
        """Refresh whenever this client's answers change (in this page, another tab or process)."""
        self.watcher = Watcher(
            lambda: self.store.change_marker(self.client_id), self.refresh, interval
        )

    def _parts(self) -> _Parts:
        from workbook.safety import countries, country_resources, default_country

        with self._lock:
            if self._made is not None:
                return self._made
            country = widgets.Dropdown(
                options=[(c.name, c.code) for c in countries()],
                value=country_resources(self._first_country or default_country()).code,
                description="Help lines for",
                layout=self.look.auto_width,
                style=DescriptionStyle(description_width="initial"),
                _dom_classes=("wb-safety-country",),
            )
            country.observe(lambda _change: self._render(), names="value")
            self._made = _Parts(self.look.html(""), country, self.look.html(""))
            self.widget.children = [
                self._made.intro,
                country,
                self._made.help,
                self.look.html(EXIT_NOTE),
            ]
            return self._made

    def _render(self) -> None:
        with self._lock:
            if not self.signals:
                if self._made is not None:  # shown before: empty for the next showing
                    self._made.intro.value = self._made.help.value = ""
                self.widget.layout.display = "none"
                return
            from workbook.safety import country_resources

            country = country_resources(self.country.value)
            self.intro.value = intro_html(self.signals)
            self.help.value = help_html(self.signals, self.own, country)
            self.widget.layout.display = None


class _Parts(NamedTuple):
    intro: widgets.HTML
    country: widgets.Dropdown
    help: widgets.HTML


def intro_html(signals: Mapping[str, Sequence[str]]) -> str:
    """The heading, why the panel is showing, and the note that letting go is a healthy choice."""
    reasons: list[str] = []
    for found in signals.values():
        reasons.extend(r for r in found if r not in reasons)
    items = "".join(f"<li>{e(r)}</li>" for r in reasons)
    return (
        f"<h2 class='wb-safety-heading'>{e(HEADING)}</h2>"
        "<p>Some of your answers suggest that you, or someone close to you, may not be safe:</p>"
        f"<ul class='wb-safety-reasons'>{items}</ul>"
        "<p>Letting go is a healthy choice, not a failure. While safety is in question, the "
        "workbook's steps about fighting for the relationship are not the priority right now: "
        "your safety and wellbeing come first.</p>"
        "<p class='wb-safety-limits'>This panel reacts to words and ticks; it cannot know your "
        "situation. If it does not fit, untick the item or change what you wrote and it goes away.</p>"
    )


def help_html(signals: Mapping[str, Sequence[str]], own: bool, country: Country) -> str:
    """The emergency number first, then the help lines for these signals, with their sources."""
    parts = [_emergency_html(country)]
    shown: set[str] = set()
    for tags, need, title, text in _SECTIONS:
        if any(t in signals for t in tags):
            parts.append(_section_html(title, text, country.for_needs([need]), country, shown))
    if own:
        lines = country.for_needs(["worried_about_own_behaviour"])
        text = _OWN_TEXT
        if not lines:
            lines = country.for_needs(["emotional_support"])
            text = _OWN_NO_LINE.format(country=_where(country))
        parts.append(_section_html(_OWN_TITLE, text, lines, country, shown))
    if country.advice:
        advice = "".join(f"<li>{e(a)}</li>" for a in country.advice)
        parts.append(f"<h3>What else can help</h3><ul class='wb-safety-advice'>{advice}</ul>")
    parts.append(
        "<p class='wb-safety-sources'>Each line shows where we found its details (“source”) and "
        "when we checked. Numbers change: if a line does not answer, or you are in danger, call "
        f"{e(country.emergency.number)}.</p>"
    )
    return "".join(parts)


def _emergency_html(country: Country) -> str:
    emergency = country.emergency
    extra = f" {_link(emergency.source, 'source', 'wb-source')}" if emergency.source else ""
    if emergency.is_number and (emergency.unverified or not emergency.source):
        extra += _CHECK_NUMBER
    if emergency.alternates:
        extra += "<br>Also: " + "; ".join(f"{e(n)} ({e(w)})" for n, w in emergency.alternates) + "."
    return (
        "<p class='wb-emergency'><strong>If you or anyone else is in danger right now, call "
        f"{e(emergency.number)}.</strong>{extra}</p>"
    )


def _section_html(
    title: str, text: str, lines: Sequence[Resource], country: Country, shown: set[str]
) -> str:
    from workbook.safety import INTERNATIONAL, country_resources

    fresh = [r for r in lines if r.id not in shown]
    shown.update(r.id for r in fresh)
    if fresh:
        body = "<ul class='wb-resources'>" + "".join(_resource_html(r) for r in fresh) + "</ul>"
    elif lines:
        body = "<p>The lines above can help with this too.</p>"
    else:
        body = (
            f"<p>Our list has no line for this in {e(_where(country))} yet. In danger, call "
            f"{e(country.emergency.number)}; choose “{e(country_resources(INTERNATIONAL).name)}” "
            "above for general help.</p>"
        )
    return f"<h3>{e(title)}</h3><p>{e(text)}</p>{body}"


def _where(country: Country) -> str:
    from workbook.safety import INTERNATIONAL

    return "your country" if country.code == INTERNATIONAL else country.name


def _resource_html(resource: Resource) -> str:
    bits = [f"<strong>{e(resource.name)}</strong>"]
    if resource.phone:
        phone = f"Call {_tel(resource.phone)}"
        if resource.alt_phone:
            phone += f" or {_tel(resource.alt_phone)}"
        bits.append(phone + ("" if resource.confirmed("phone") else _CHECK_NUMBER))
    if resource.text:
        said = resource.text.lower().startswith(("text", "sms"))
        text = e(resource.text) if said else f"Text: {e(resource.text)}"
        bits.append(text + ("" if resource.confirmed("text") else _CHECK_NUMBER))
    if resource.tty:
        bits.append(f"TTY: {_tel(resource.tty)}")
    if resource.hours:
        hours = f"Hours: {e(resource.hours)}"
        bits.append(hours if resource.confirmed("hours") else f"{hours} (not confirmed)")
    else:
        bits.append("Hours: not confirmed")
    if resource.web:
        web = _link(resource.web, _domain(resource.web))
        bits.append(web if resource.confirmed("web") else f"{web} (not confirmed)")
    if resource.source:
        checked = f" (checked {e(resource.checked)})" if resource.checked else ""
        bits.append(f"{_link(resource.source, 'source', 'wb-source')}{checked}")
    else:
        bits.append("<em class='wb-unverified'>No source found.</em>")
    if resource.unverified and not resource.phone:
        bits.append(
            "<em class='wb-unverified'>Not confirmed: please check this before relying on it.</em>"
        )
    return f"<li class='wb-resource'>{' · '.join(bits)}</li>"


def _tel(number: str) -> str:
    dial = re.sub(r"[^0-9+]", "", number)
    if not dial:
        return e(number)
    return f"<a href='tel:{e(dial)}'>{e(number)}</a>"


def _link(url: str, label: str, css: str = "") -> str:
    cls = f" class='{css}'" if css else ""
    return f"<a{cls} href='{e(url)}' target='_blank' rel='noopener noreferrer'>{e(label)}</a>"


def _domain(url: str) -> str:
    return re.sub(r"^https?://(?:www\.)?", "", url).rstrip("/")
