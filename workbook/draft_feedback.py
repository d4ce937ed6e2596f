"""Live feedback under a draft: each flag the checker raises, why, and a calmer way to say it."""

from __future__ import annotations

import dataclasses
import html
import threading
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets

from workbook.checks import (
    Flag,
    as_written,
    check_message,
    encouragement,
    learned_flags,
    limits_note,
    load_rules,
    rule_flags,
    sort_flags,
    straight_apostrophes,
)
from workbook.forms import Look
from workbook.live import run_soon

EMPTY_PROMPT = "Write your draft above. Notes on its wording appear here as you type; nothing is sent anywhere."
SAFETY_LINE = "The help panel on this page lists people you can talk to right now."
SAFETY_KIND = "self_harm_threat"
DUMP_KIND = "trauma_dump"
QUOTE_CHARS = 160  # longer flagged stretches are shortened when quoted
ALTERNATIVE_LABEL = {SAFETY_KIND: "What might help:"}
DEFAULT_ALTERNATIVE_LABEL = "A calmer way to say it:"

# Incremental checking: re-check only a window around each edit. Every pattern match (with what
# it looks at around it) must fit within REACH characters for the window to give the same flags
# as checking the whole draft; a flag at the window's edge that was not there before (a longer
# match, cut off) falls back to a full check.
REACH = 200
EDGE = 16
FULL_CHECK_BELOW = 2 * 4 * REACH  # drafts shorter than this are always checked whole


def rule_flags_in_draft(text: str) -> list[Flag]:
    """check_message with the phrase rules only: quick enough to run on every keystroke."""
    return as_written(text, rule_flags(straight_apostrophes(text)))


def _learned_in_draft(text: str, rules_found: list[Flag]) -> list[Flag]:
    # The learned model caches each sentence's scores, so on the whole text it costs a sentence
    # split, scoring the sentence around the edit, and scoring the draft up to the encoder's limit.
    skip = {f.kind for f in rules_found}
    return as_written(text, learned_flags(straight_apostrophes(text), skip))


class IncrementalChecker:
    """check_message for text that changes a little at a time: each call re-checks only near the edit."""

    def __init__(self) -> None:
        self.text = ""
        self.flags: list[Flag] = []
        self.rule_flags: list[Flag] = []  # the rules' part of `flags`, kept between edits
        self.full_checks = 0  # how often the whole text had to be checked (for tests and tuning)
        self._lock = threading.Lock()  # a first check may run on a background thread

    def check(self, text: str) -> list[Flag]:
        """The flags of `text`, as check_message(text) gives them."""
        with self._lock:
            if text != self.text:
                found = None if len(text) < FULL_CHECK_BELOW else self._near_edit(text)
                if found is None:
                    found = rule_flags_in_draft(text)
                    self.full_checks += 1
                flags = sort_flags(found + _learned_in_draft(text, found))
                self.text, self.flags, self.rule_flags = text, flags, found
            return list(self.flags)

    def _near_edit(self, new: str) -> list[Flag] | None:
        old = self.text
        if not old:
            return None
        p = _common_prefix(old, new)
        s = _common_prefix(old[p:][::-1], new[p:][::-1])
        new_end = len(new) - s  # the edit replaced old[p : len(old) - s] by new[p:new_end]
        shift = len(new) - len(old)
        left, right = max(0, p - REACH), min(len(new), new_end + REACH)  # flags re-found in here
        a, b = max(0, left - REACH), min(len(new), right + REACH)  # the window checked
        if 2 * (b - a) > len(new):
            return None  # the window would be most of the text anyway
        found = [f for f in rule_flags_in_draft(new[a:b]) if f.kind != DUMP_KIND]
        kept = [f for f in self.rule_flags if f.kind != DUMP_KIND]
        # A flag at the window's edge that was not there before and reaches towards the middle may
        # be a longer match cut off by the window (or its tail). Short ones are harmless: an
        # anchored pattern (^, $) also matches at the window's ends, and those are not kept.
        known = {(f.kind, f.start, f.end) for f in kept}
        for f in found:
            start, end = f.start + a, f.end + a
            if a > 0 and f.start < EDGE and end > left - EDGE and (f.kind, start, end) not in known:
                return None
            at = (f.kind, start - shift, end - shift)
            if b < len(new) and end > b - EDGE and start < right + EDGE and at not in known:
                return None
        before = [f for f in kept if f.start < left]
        after = [_moved(f, new, shift) for f in kept if f.start + shift >= right and f.start >= p]
        if any(f.end > left and (f.start < a or f.end > p - EDGE) for f in before):
            return None  # a kept flag longer than REACH, perhaps reaching into the edit
        middle = [_moved(f, new, a) for f in found if left <= f.start + a < right]
        seen = {(f.kind, f.start + a, f.end + a) for f in found}
        if any(f.end > left and (f.kind, f.start, f.end) not in seen for f in before):
            return None  # the window reads the text before the edit differently
        if middle and after and max(f.end for f in middle) > min(f.start for f in after):
            return None  # a new flag overlaps a kept one: which one counts needs the whole text
        flags = before + middle + after
        if len(new.split()) > load_rules().trauma_dump_words:  # the checker counts \S+ runs too
            flags.append(_dump_flag(new))
        return sort_flags(flags)


def _common_prefix(x: str, y: str) -> int:
    # Binary search on slice equality: C-speed comparisons, no per-character Python loop.
    low, high = 0, min(len(x), len(y))
    while low < high:
        mid = (low + high + 1) // 2
        if x[:mid] == y[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _moved(flag: Flag, text: str, by: int) -> Flag:
    start, end = flag.start + by, flag.end + by
    return dataclasses.replace(flag, start=start, end=end, text=text[start:end])


def _dump_flag(text: str) -> Flag:
    rules = load_rules()
    return Flag(DUMP_KIND, 0, len(text), text, rules.why[DUMP_KIND], rules.alternative[DUMP_KIND])


def flags_html(flags: Sequence[Flag]) -> str:
    """The flags as an HTML list, with the pointer to the help panel first when one needs it."""
    if not flags:
        return ""
    parts = []
    if any(f.kind == SAFETY_KIND for f in flags):
        parts.append(f"<p class='wb-feedback-safety' role='note'>{html.escape(SAFETY_LINE)}</p>")
    items = "".join(_flag_item(f) for f in flags)
    parts.append(f"<ul class='wb-flags'>{items}</ul>")
    return "".join(parts)


def render_feedback(text: str, flags: Sequence[Flag], *, empty_prompt: str = EMPTY_PROMPT) -> str:
    """The whole feedback for a draft and its flags: a prompt, the flags or encouragement, the limits."""
    if not text.strip():
        body = f"<p class='wb-feedback-empty'>{html.escape(empty_prompt)}</p>"
    elif flags:
        body = flags_html(flags)
    else:
        body = f"<p class='wb-feedback-ok'>{html.escape(encouragement())}</p>"
    return f"{body}<p class='wb-feedback-limits'>{html.escape(limits_note())}</p>"


def feedback_html(text: str) -> str:
    """Check a (short) text and render its feedback in one go."""
    return render_feedback(text, check_message(text))


def _flag_item(flag: Flag) -> str:
    if flag.kind == DUMP_KIND:
        quoted = f"the whole draft ({len(flag.text.split())} words)"
        quote = f"<span class='wb-flag-text'>{html.escape(quoted)}</span>"
    else:
        shown = " ".join(flag.text.split())
        if len(shown) > QUOTE_CHARS:
            shown = shown[: QUOTE_CHARS - 1].rstrip() + "…"
        quote = f"<q class='wb-flag-text'>{html.escape(shown)}</q>"
    label = ALTERNATIVE_LABEL.get(flag.kind, DEFAULT_ALTERNATIVE_LABEL)
    return (
        f"<li class='wb-flag wb-flag-{html.escape(flag.kind)}'>{quote}"
        f"<p class='wb-flag-why'>{html.escape(flag.message)}</p>"
        f"<p class='wb-flag-alternative'><span class='wb-flag-label'>{html.escape(label)}</span> "
        f"{html.escape(flag.alternative)}</p></li>"
    )


class DraftFeedback:
    """An HTML widget under a draft box that shows the checker's notes as the person types."""

    def __init__(self, textarea: widgets.Textarea, look: Look | None = None) -> None:
        self.textarea = textarea
        self.look = look or Look()
        self.checker = IncrementalChecker()
        self.flags: list[Flag] = []
        self._lock = threading.Lock()
        self.widget = self.look.html("", "wb-feedback")
        run_soon(self.update)
        textarea.observe(self._changed, names="value")

    def update(self) -> None:
        """Check the draft as it is now and show the result."""
        # One at a time, reading the box inside the lock: the last to run shows the latest text.
        with self._lock:
            text = str(self.textarea.value or "")
            self.flags = self.checker.check(text)
            value = render_feedback(text, self.flags)
            if self.widget.value != value:
                self.widget.value = value

    def _changed(self, _change: dict[str, Any]) -> None:
        self.update()
