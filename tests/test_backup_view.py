"""The backup page: a download link holding the backup, and an upload that merges or refuses."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from workbook.backup import backup_bytes
from workbook.backup_view import BackupView
from workbook.store import Answer, Store, new_answer

EMOJI = "I miss us 💔 — שלום"
HOSTILE_NAME = "<img src=x onerror=alert(1)>.json"


def answers(client_id: str = "me", n: int = 3) -> list[Answer]:
    return [
        new_answer(
            step_id="step-05",
            item_id=f"parts.item-{k}",
            kind="text",
            prompt=f"Prompt {k}",
            value=f"{EMOJI} <script>{k}</script>",
            client_id=client_id,
            session_id="2024-05-01",
        )
        for k in range(n)
    ]


@pytest.fixture
def views() -> Iterator[list[BackupView]]:
    made: list[BackupView] = []
    yield made
    for view in made:
        view.watcher.stop()


def make_view(views: list[BackupView], store: Store) -> BackupView:
    view = BackupView(store)
    views.append(view)
    return view


def download_json(view: BackupView) -> dict[str, object]:
    found = re.search(r'href="data:application/json;base64,([A-Za-z0-9+/=]*)"', view.download.value)
    assert found, view.download.value
    return json.loads(base64.b64decode(found.group(1), validate=True).decode("utf-8"))


def upload(view: BackupView, name: str, data: bytes) -> None:
    """What the browser's file upload does: a state message setting the FileUpload's value.

    set_state runs the widget's own deserializer (last_modified arrives in milliseconds), exactly
    as a message from the page does; assigning `.value` directly with an int last_modified fails
    inside ipywidgets' serializer, which expects a datetime.
    """
    view.upload.set_state(
        {
            "value": [
                {
                    "name": name,
                    "type": "application/json",
                    "size": len(data),
                    "content": memoryview(data),
                    "last_modified": 0,
                }
            ]
        }
    )
    assert bytes(view.upload.value[0]["content"]) == data


def test_the_download_link_holds_the_saved_answers(db: Path, views: list[BackupView]) -> None:
    store = Store()
    saved = answers()
    store.append(saved)
    view = make_view(views, store)
    doc = download_json(view)
    assert doc["format"] == "repair-workbook-backup"
    rows = doc["answers"]
    assert isinstance(rows, list)
    assert {r["entry_id"] for r in rows} == {a.entry_id for a in saved}
    assert {r["value"] for r in rows} == {a.value for a in saved}
    assert "3 saved answers" in view.download.value
    assert 'download="repair-workbook-' in view.download.value


def test_the_download_link_follows_new_answers(db: Path, views: list[BackupView]) -> None:
    store = Store()
    view = make_view(views, store)
    assert download_json(view)["answers"] == []
    store.append(answers(n=2))
    view.refresh_download()
    assert len(download_json(view)["answers"]) == 2  # type: ignore[arg-type]


def test_restoring_a_backup_from_another_store_adds_its_rows(
    db: Path, tmp_path: Path, views: list[BackupView]
) -> None:
    other = Store(tmp_path / "other.sqlite3")
    other.append(answers("me", 4))
    store = Store()
    store.append(answers("me", 1))
    view = make_view(views, store)

    view.restore_bytes("backup.json", backup_bytes(other))

    assert store.count() == 5
    assert "4 answers added" in view.message.value
    assert "0 were already here" in view.message.value
    assert "wb-status-ok" in view.message.value
    assert len(download_json(view)["answers"]) == 5  # type: ignore[arg-type]

    view.restore_bytes("backup.json", backup_bytes(other))
    assert store.count() == 5
    assert "0 answers added" in view.message.value and "4 were already here" in view.message.value


@pytest.mark.parametrize(
    "data",
    [b"\xff\xfe\x00garbage\x81", b"", b'{"format": "repair-workbook-backup", "answ', b"[]"],
    ids=["binary", "empty", "truncated", "foreign"],
)
def test_a_corrupt_file_is_refused_and_the_store_is_unchanged(
    db: Path, views: list[BackupView], data: bytes
) -> None:
    store = Store()
    store.append(answers())
    view = make_view(views, store)
    before = db.read_bytes()

    view.restore_bytes("broken.json", data)

    assert "broken.json was not restored" in view.message.value
    assert "Nothing was changed" in view.message.value
    assert "wb-status-error" in view.message.value
    assert store.count() == 3
    assert db.read_bytes() == before


def test_an_upload_through_the_widget_is_restored(
    db: Path, tmp_path: Path, views: list[BackupView]
) -> None:
    other = Store(tmp_path / "other.sqlite3")
    other.append(answers("client-2", 6))
    data = backup_bytes(other)
    store = Store()
    view = make_view(views, store)

    upload(view, "b.json", data)

    assert store.count() == 6
    assert {a.value for a in store.latest("client-2").values()} == {
        a.value for a in other.latest("client-2").values()
    }
    assert "Restored b.json: 6 answers added" in view.message.value


def test_a_corrupt_upload_through_the_widget_changes_nothing(
    db: Path, views: list[BackupView]
) -> None:
    store = Store()
    store.append(answers())
    view = make_view(views, store)
    before = db.read_bytes()

    upload(view, "b.json", b'{"format": "repair-workbook-backup", "format_version": 99}')

    assert "was not restored" in view.message.value and "newer version" in view.message.value
    assert db.read_bytes() == before and store.count() == 3


def test_a_hostile_file_name_is_shown_escaped(db: Path, views: list[BackupView]) -> None:
    store = Store()
    view = make_view(views, store)

    upload(view, HOSTILE_NAME, b"not json at all")
    assert "<img" not in view.message.value
    assert "&lt;img src=x onerror=alert(1)&gt;.json was not restored" in view.message.value

    other = Store(db.parent / "other.sqlite3")
    other.append(answers(n=1))
    upload(view, HOSTILE_NAME, backup_bytes(other))
    assert "<img" not in view.message.value
    assert "Restored &lt;img src=x onerror=alert(1)&gt;.json" in view.message.value
    assert store.count() == 1


def test_the_view_builds_its_widgets(db: Path, views: list[BackupView]) -> None:
    view = make_view(views, Store())
    assert view.upload.accept == ".json,application/json"
    assert view.upload.multiple is False
    assert view.upload in view.widget.children and view.message in view.widget.children
    assert view.download in view.widget.children


def test_assigning_the_upload_value_directly_also_restores(
    db: Path, tmp_path: Path, views: list[BackupView]
) -> None:
    other = Store(tmp_path / "other.sqlite3")
    other.append(answers("me", 2))
    data = backup_bytes(other)
    store = Store()
    view = make_view(views, store)
    view.upload.value = (
        {
            "name": "b.json",
            "type": "application/json",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": datetime.fromtimestamp(0, tz=UTC),
        },
    )
    assert store.count() == 2
    assert "Restored b.json: 2 answers added" in view.message.value


def test_a_store_that_cannot_be_opened_is_reported_not_raised(
    tmp_path: Path, views: list[BackupView]
) -> None:
    folder = tmp_path / "sub"
    store = Store(folder / "answers.sqlite3")
    view = make_view(views, store)
    view.watcher.stop()
    for leftover in folder.iterdir():
        leftover.unlink()
    folder.rmdir()
    folder.write_text("a file where the folder was")
    other = Store(tmp_path / "other.sqlite3")
    other.append(answers(n=1))

    upload(view, "b.json", backup_bytes(other))

    assert "b.json was not restored" in view.message.value
    assert "Cannot open the answers file" in view.message.value
    assert folder.read_text() == "a file where the folder was"


def test_an_upload_with_text_that_is_not_unicode_shows_a_message(
    db: Path, views: list[BackupView]
) -> None:
    # Valid JSON, but "\ud800" is no character: the person must see "was not restored".
    store = Store()
    store.append(answers())
    view = make_view(views, store)
    other = Store(db.parent / "other.sqlite3")
    other.append(answers("me", 1))
    data = backup_bytes(other).replace(b"<script>0</script>", b"\\ud800")
    before = db.read_bytes()

    upload(view, "b.json", data)

    assert "b.json was not restored" in view.message.value
    assert "Nothing was changed" in view.message.value
    assert db.read_bytes() == before and store.count() == 3
