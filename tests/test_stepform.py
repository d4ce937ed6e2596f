"""A section's form bound to the store: save, restore, autosave, status, and failures that lose nothing."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from workbook.content import load_guide
from workbook.stepform import StepForm
from workbook.store import Store

SCRIPT = "<img src=x onerror=alert(1)> <script>alert('x')</script>"
EMOJI = "I miss us 💔👩‍❤️‍👨 — שלום مرحبا"


def fill(form: StepForm) -> dict[str, object]:
    """Give every item of the form an answer; return what was set."""
    for n, (item_id, field) in enumerate(form.fields.items()):
        item = field.item
        if item.kind == "check":
            field.input.value = n % 2 == 0
        elif item.kind == "text":
            field.input.value = f"{EMOJI} {SCRIPT} #{n}"
        elif item.kind == "rating":
            assert item.scale is not None
            field.input.value = item.scale.min + n % (item.scale.max - item.scale.min + 1)
        else:
            field.input.value = item.options[n % len(item.options)].id
        assert form.fields[item_id].input.value is not None
    return form.values()


@pytest.mark.parametrize("section_id", [s.id for s in load_guide().sections])
def test_every_section_saves_and_restores_all_answers(db: Path, section_id: str) -> None:
    form = StepForm(load_guide().section(section_id), autosave_delay=60, autosave_max_wait=60)
    wanted = fill(form)
    form.save()
    again = StepForm(load_guide().section(section_id))
    assert again.values() == wanted


def test_saved_rows_follow_the_answers_table(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBOOK_CLIENT", "client-7")
    monkeypatch.setenv("WORKBOOK_SESSION", "session-3")
    form = StepForm(load_guide().section("step-09"), autosave_delay=60, autosave_max_wait=60)
    form.fields["weakens-when.resentment"].input.value = True
    form.fields["reignite.health-energy"].input.value = 3
    form.fields["own-life.this-week"].input.value = EMOJI
    assert form.save() == 3
    frame = Store().history_frame().set_index("item_id")
    assert set(frame["client_id"]) == {"client-7"} and set(frame["session_id"]) == {"session-3"}
    assert set(frame["step_id"]) == {"step-09"}
    assert frame.loc["weakens-when.resentment", ["kind", "value", "value_num"]].tolist() == [
        "check",
        "true",
        1.0,
    ]
    assert frame.loc["reignite.health-energy", ["kind", "value", "value_num"]].tolist() == [
        "rating",
        "3",
        3.0,
    ]
    assert frame.loc["own-life.this-week", "value"] == EMOJI
    assert frame.loc["weakens-when.resentment", "prompt"] == "Resentment builds"


def test_untouched_form_and_repeated_save_write_nothing(db: Path) -> None:
    form = StepForm(load_guide().section("step-01"))
    assert form.save() == 0
    form.fields["killers.stonewalling"].input.value = True
    assert form.save() == 1
    assert form.save() == 0
    assert Store().count() == 1


def test_history_is_kept_and_the_latest_answer_wins(db: Path) -> None:
    form = StepForm(load_guide().section("step-01"), autosave_delay=60, autosave_max_wait=60)
    for text in ("first", "second", "third"):
        form.fields["reflect.my-part"].input.value = text
        form.save()
    assert Store().count() == 3
    assert StepForm(load_guide().section("step-01")).values()["reflect.my-part"] == "third"
    form.fields["killers.constant-arguing"].input.value = True
    form.save()
    form.fields["killers.constant-arguing"].input.value = False
    form.save()
    assert StepForm(load_guide().section("step-01")).values()["killers.constant-arguing"] is False


def test_status_says_saved_at_a_time(db: Path) -> None:
    form = StepForm(load_guide().section("step-01"), autosave_delay=60, autosave_max_wait=60)
    assert "Nothing saved yet" in form.status.value
    form.fields["killers.stonewalling"].input.value = True
    assert "Saving" in form.status.value
    form.save()
    assert re.search(r"Saved at \d\d:\d\d", form.status.value)
    assert re.search(r"Last saved \d{4}-\d\d-\d\d \d\d:\d\d", StepForm(form.section).status.value)


def test_typing_autosaves_within_two_seconds(db: Path) -> None:
    form = StepForm(load_guide().section("step-03"))
    form.fields["reflect.what-they-asked-for"].input.value = "They asked for time together"
    changed = time.monotonic()
    while Store().count() == 0 and time.monotonic() - changed < 5:
        time.sleep(0.05)
    assert Store().count() == 1
    assert time.monotonic() - changed < 2.0


def test_two_tabs_saving_at_once_keep_both_answers(db: Path) -> None:
    section = load_guide().section("step-07")
    one, two = StepForm(section), StepForm(section)
    one.fields["questions.weighing-on-mind"].input.value = "from tab one"
    two.fields["questions.need-more-of"].input.value = "from tab two"
    one.fields["rebuild.laughter"].input.value = True
    two.fields["rebuild.laughter"].input.value = True
    one.save()
    two.save()
    values = StepForm(section).values()
    assert values["questions.weighing-on-mind"] == "from tab one"
    assert values["questions.need-more-of"] == "from tab two"
    assert values["rebuild.laughter"] is True


def test_a_failed_save_keeps_the_text_and_says_so(db: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where a folder should be")
    form = StepForm(load_guide().section("step-01"), autosave_delay=60, autosave_max_wait=60)
    form.store = Store(blocked / "answers.sqlite3")
    form.fields["reflect.my-part"].input.value = "keep me"
    assert form.save() == 0
    assert "Could not save" in form.status.value and "still here" in form.status.value
    assert form.values()["reflect.my-part"] == "keep me"
    form.store = Store(db)
    assert form.save() == 1


KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    from workbook.content import load_guide
    from workbook.stepform import StepForm
    form = StepForm(load_guide().section("step-01"))
    area = form.fields["reflect.my-part"].input
    start = time.monotonic()
    n = 0
    while True:
        n += 1
        area.value = "x" * n
        print(n, time.monotonic() - start, flush=True)
        time.sleep(0.05)
    """
)


def test_a_kernel_killed_mid_typing_loses_at_most_two_seconds(db: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert proc.stdout is not None
    typed: list[tuple[int, float]] = []
    for line in proc.stdout:
        n, elapsed = line.split()
        typed.append((int(n), float(elapsed)))
        if float(elapsed) > 4.0:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_at = typed[-1][1]
    stored = len(StepForm(load_guide().section("step-01")).values()["reflect.my-part"])
    typed_two_seconds_before = max(n for n, t in typed if t <= killed_at - 2.0)
    assert stored >= typed_two_seconds_before
