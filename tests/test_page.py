"""The page frame: progress count, Binder notice, friendly failure, and forms kept current."""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

from workbook import page
from workbook.content import load_guide
from workbook.forms import LABEL_CSS
from workbook.logs import append_entry
from workbook.page import BINDER_NOTICE, Frame, Unavailable
from workbook.stepform import StepForm
from workbook.store import Answer, Store, StoreError, new_answer

HOSTILE = "<img src=x onerror=alert(1)>"
BINDER_VARIABLES = ("WORKBOOK_ON_BINDER", "BINDER_LAUNCH_HOST", "BINDER_REPO_URL")


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The widgets the page shows (collected instead of sent to a front end)."""
    seen: list[Any] = []
    monkeypatch.setattr(page, "show", seen.append)
    return seen


def test_show_sends_the_widget_view_without_its_text_form(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(page, "display", lambda obj, **kw: sent.append((obj, kw)))
    box = widgets.VBox([widgets.Text("x" * 500)])
    monkeypatch.setattr(widgets.Text, "__repr__", lambda _self: pytest.fail("text form built"))
    page.show(box)
    ((bundle, options),) = sent
    assert options == {"raw": True}
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == box.model_id and view["version_major"] == 2
    assert bundle["text/plain"] == "VBox()"


@pytest.fixture
def frames() -> Iterator[list[Frame]]:
    made: list[Frame] = []
    yield made
    for frame in made:
        frame.watcher.stop()


@pytest.fixture
def not_binder(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in BINDER_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def new_frame(frames: list[Frame], page_id: str = "step-01") -> Frame:
    frame = Frame(page_id)
    frames.append(frame)
    return frame


def all_html(widget: widgets.Widget) -> str:
    """The HTML values of a widget and everything inside it."""
    parts = [widget.value] if isinstance(widget, widgets.HTML) else []
    for child in getattr(widget, "children", ()):
        parts.append(all_html(child))
    return "\n".join(parts)


def save(step_id: str, item_id: str, value: str = "written", **kw: Any) -> None:
    Store().append(
        [new_answer(step_id=step_id, item_id=item_id, kind="text", prompt="p", value=value, **kw)]
    )


def test_progress_starts_at_zero_and_follows_saved_sections(
    db: Path, frames: list[Frame], not_binder: None
) -> None:
    frame = new_frame(frames)
    sections = len(load_guide().sections)
    assert sections == 17
    assert "0 of 17 sections have answers" in frame.progress_summary.value
    assert "<progress class='wb-progress-bar' value='0' max='17'" in frame.progress_summary.value

    save("step-05", "parts.acknowledgment")
    save("step-05", "parts.ownership")
    save("faq", "my-answer.win-back")
    save("step-07", "questions.weighing-on-mind", client_id="client-2")  # someone else's
    frame.answers_changed()

    assert "2 of 17 sections have answers" in frame.progress_summary.value
    assert "value='2' max='17'" in frame.progress_summary.value


def test_the_frame_counts_a_section_only_while_it_holds_a_current_answer(
    db: Path, frames: list[Frame], not_binder: None
) -> None:
    # The same count as the progress page: cleared text, an unticked box and an answer to an item
    # the form no longer has leave a section unstarted; a log entry starts it.
    frame = new_frame(frames)
    save("step-05", "parts.acknowledgment")
    save("step-05", "parts.acknowledgment", "")
    save("step-03", "unmet-needs.not-heard", "true")
    save("step-03", "unmet-needs.not-heard", "false")
    save("step-07", "an-item-no-longer-in-the-form")
    frame.answers_changed()
    assert "0 of 17 sections have answers" in frame.progress_summary.value

    append_entry(Store(), frame.client_id, "s", "grounding", {"calm": 5, "urge": 2})
    frame.answers_changed()
    assert "1 of 17 sections have answers" in frame.progress_summary.value


def test_a_change_of_answers_is_read_once_for_the_progress_and_the_safety_panel(
    db: Path, frames: list[Frame], not_binder: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = new_frame(frames)
    save("faq", "my-answer.win-back", "He hit me last night.")
    reads: list[tuple[object, ...]] = []
    real_latest = frame.store.latest

    def counted_latest(*args: Any) -> dict[tuple[str, str], Answer]:
        reads.append(args)
        return real_latest(*args)

    monkeypatch.setattr(frame.store, "latest", counted_latest)
    frame.answers_changed()
    assert len(reads) == 1
    assert "1 of 17 sections have answers" in frame.progress_summary.value
    assert frame.safety.visible


def test_the_frame_carries_the_label_stylesheet_before_and_after_updates(
    db: Path, frames: list[Frame], not_binder: None
) -> None:
    # Labels sit above their boxes only with these rules, and JupyterLab has no page template.
    frame = new_frame(frames)
    assert frame.progress_summary.value.startswith(f"<style>{LABEL_CSS}</style>")
    save("step-05", "parts.acknowledgment")
    frame.answers_changed()
    assert frame.progress_summary.value.startswith(f"<style>{LABEL_CSS}</style>")
    assert frame.widget.children[0] is frame.progress_summary


def test_the_frame_notices_answers_by_itself(
    db: Path, frames: list[Frame], not_binder: None
) -> None:
    frame = new_frame(frames)
    frame.watcher.interval = 0.02
    save("faq", "my-answer.win-back")
    deadline = time.monotonic() + 5
    while "value='0'" in frame.progress_summary.value and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "1 of 17 sections" in frame.progress_summary.value


def test_the_frame_shows_the_safety_panel_for_answers_saved_elsewhere(
    db: Path, frames: list[Frame], not_binder: None
) -> None:
    frame = new_frame(frames)
    assert not frame.safety.visible
    frame.watcher.interval = 0.02
    save("faq", "my-answer.win-back", "He hit me last night.")
    deadline = time.monotonic() + 5
    while not frame.safety.visible and time.monotonic() < deadline:
        time.sleep(0.02)
    assert frame.safety.visible and "1 of 17 sections" in frame.progress_summary.value


def test_on_binder_the_frame_says_to_download(
    db: Path, frames: list[Frame], not_binder: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBOOK_ON_BINDER", "1")
    markup = all_html(new_frame(frames).widget)
    assert BINDER_NOTICE in markup
    assert "download your workbook" in markup
    assert "href='backup.ipynb'" in markup
    assert "wb-notice" in markup


def test_off_binder_there_is_no_notice(db: Path, frames: list[Frame], not_binder: None) -> None:
    markup = all_html(new_frame(frames).widget)
    assert "wb-notice" not in markup and "backup.ipynb" not in markup
    assert "temporary online copy" not in markup


def test_the_frame_layout_uses_only_known_layout_settings(
    db: Path, frames: list[Frame], not_binder: None
) -> None:
    # An unknown Layout keyword is silently dropped (and traitlets will soon make it an error).
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "error", message=".*unrecognized arguments", category=DeprecationWarning
        )
        new_frame(frames)


def test_frame_shows_its_widget(
    db: Path, shown: list[Any], not_binder: None, frames: list[Frame]
) -> None:
    live = page.frame("step-01")
    assert isinstance(live, Frame)
    frames.append(live)
    assert shown == [live.widget]


@pytest.fixture
def unusable_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """WORKBOOK_DB inside a 'folder' that is really a file, with HTML in its name."""
    blocker = tmp_path / f"not-a-folder {HOSTILE}"
    blocker.write_text("I am a file")
    monkeypatch.setenv("WORKBOOK_DB", str(blocker / "answers.sqlite3"))
    monkeypatch.delenv("WORKBOOK_CLIENT", raising=False)
    monkeypatch.delenv("WORKBOOK_SESSION", raising=False)
    return blocker


def test_an_unusable_answers_file_gives_a_calm_note(
    unusable_db: Path, shown: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WORKBOOK_STRICT", raising=False)
    live = page.frame("step-01")
    assert isinstance(live, Unavailable)
    (note,) = shown
    assert isinstance(note, widgets.HTML)
    assert "Something went wrong on this page" in note.value
    assert "Nothing you saved before is lost" in note.value
    assert HOSTILE not in note.value
    assert "&lt;img src=x onerror=alert(1)&gt;" in note.value
    for part in (live.exercises, live.start, live.progress, live.backup):
        assert part() is None
    assert len(shown) == 1
    assert unusable_db.read_text() == "I am a file"


def test_an_unusable_answers_file_raises_when_strict(
    unusable_db: Path, shown: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBOOK_STRICT", "1")
    with pytest.raises(StoreError, match="Cannot open the answers file"):
        page.frame("step-01")
    assert shown == []


def test_a_failing_page_part_shows_a_note_instead(
    db: Path, shown: list[Any], frames: list[Frame], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WORKBOOK_STRICT", raising=False)
    frame = new_frame(frames, f"no-such-{HOSTILE}")
    frame.exercises()
    (note,) = shown
    assert "Something went wrong on this page" in note.value
    assert HOSTILE not in note.value


def test_the_start_part_escapes_and_shows_where_answers_are(
    db: Path, shown: list[Any], frames: list[Frame]
) -> None:
    frame = new_frame(frames, "start")
    frame.start()
    (table,) = shown
    assert str(db) in table.value and "<td><code>me</code></td>" in table.value


# --- StepForm.refresh: answers saved elsewhere come in, this form's unsaved edits stay ------------


@pytest.fixture
def forms() -> Iterator[list[StepForm]]:
    made: list[StepForm] = []
    yield made
    for form in made:
        form.autosave.cancel()


def quiet_form(forms: list[StepForm], section_id: str = "step-05") -> StepForm:
    form = StepForm(load_guide().section(section_id), autosave_delay=60, autosave_max_wait=60)
    forms.append(form)
    return form


def test_refresh_takes_in_an_answer_saved_by_another_form(db: Path, forms: list[StepForm]) -> None:
    mine = quiet_form(forms)
    other = quiet_form(forms)
    other.fields["parts.acknowledgment"].input.value = "from the other tab"
    other.fields["apology-check.ownership"].input.value = True
    assert other.save() == 2

    mine.refresh()

    assert mine.fields["parts.acknowledgment"].input.value == "from the other tab"
    assert mine.fields["apology-check.ownership"].input.value is True
    assert not mine.autosave.pending  # values from the store are not new edits
    assert mine.unsaved() == []


def test_refresh_keeps_this_forms_unsaved_edit(db: Path, forms: list[StepForm]) -> None:
    mine = quiet_form(forms)
    other = quiet_form(forms)
    mine.fields["parts.ownership"].input.value = "my unsaved typing"
    assert mine.autosave.pending
    other.fields["parts.ownership"].input.value = "saved elsewhere"
    other.fields["parts.empathy"].input.value = "also elsewhere"
    other.save()

    mine.refresh()

    assert mine.fields["parts.ownership"].input.value == "my unsaved typing"
    assert mine.fields["parts.empathy"].input.value == "also elsewhere"
    # Saving now makes this form's text the latest answer.
    assert mine.save() == 1
    latest = Store().latest("me", "step-05")
    assert latest[("step-05", "parts.ownership")].value == "my unsaved typing"
    assert latest[("step-05", "parts.empathy")].value == "also elsewhere"


def test_refresh_takes_in_a_newer_answer_for_an_item_this_form_saved(
    db: Path, forms: list[StepForm]
) -> None:
    mine = quiet_form(forms)
    other = quiet_form(forms)
    mine.fields["parts.change"].input.value = "first"
    mine.save()
    other.refresh()
    assert other.fields["parts.change"].input.value == "first"
    other.fields["parts.change"].input.value = "second"
    other.save()

    mine.refresh()

    assert mine.fields["parts.change"].input.value == "second"
    assert mine.save() == 0  # nothing of its own to write
