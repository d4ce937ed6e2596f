"""Download links: the data: URL carries the exact bytes, and nothing in a name or label escapes."""

from __future__ import annotations

import base64
import random
from html.parser import HTMLParser

import pytest

from workbook.downloads import data_link, safe_filename


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML fragment."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text += data


def anchor(markup: str) -> tuple[dict[str, str | None], str]:
    parsed = Tags(markup)
    assert [t for t, _ in parsed.tags] == ["a"], parsed.tags
    return parsed.tags[0][1], parsed.text


def payload(href: str | None, mime: str) -> bytes:
    assert href is not None
    prefix = f"data:{mime};base64,"
    assert href.startswith(prefix)
    return base64.b64decode(href[len(prefix) :], validate=True)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"plain",
        '{"v": "💔 שלום <script>"}'.encode(),
        bytes(range(256)),
        bytes(random.Random(1).getrandbits(8) for _ in range(100_003)),
    ],
    ids=["empty", "plain", "unicode-json", "all-bytes", "large-random"],
)
def test_the_link_decodes_back_to_the_exact_bytes(data: bytes) -> None:
    attrs, text = anchor(data_link(data, "backup.json", "application/json", "Download"))
    assert payload(attrs["href"], "application/json") == data
    assert attrs["download"] == "backup.json"
    assert attrs["class"] == "wb-download"
    assert text == "Download"


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "..\\..\\windows\\system32",
        "/absolute/path.json",
        "my backup 'final'.json",
        'quote"d name.json',
        "  spaced  .json",
        "..",
        ".hidden",
        "a\nb\tc.json",
        "x\x00y.json",
    ],
)
def test_safe_filename_keeps_no_folders_spaces_or_quotes(name: str) -> None:
    cleaned = safe_filename(name)
    assert cleaned
    for bad in ("/", "\\", " ", "'", '"', "\n", "\t", "\x00"):
        assert bad not in cleaned
    assert not cleaned.startswith(".")
    assert cleaned not in (".", "..")
    assert not cleaned.startswith("..")


def test_safe_filename_examples() -> None:
    assert safe_filename("../../etc/passwd") == "etc-passwd"
    assert ".." not in safe_filename("../../etc/passwd")
    assert safe_filename("repair-workbook-2024-05-01.json") == "repair-workbook-2024-05-01.json"
    assert safe_filename("my backup.json") == "my-backup.json"
    assert safe_filename("") == "download"
    assert safe_filename("///") == "download"
    assert safe_filename("..") == "download"
    assert len(safe_filename("a" * 500 + ".json")) <= 120


def test_a_hostile_filename_cannot_break_out_of_the_attribute() -> None:
    name = '"><script>alert(1)</script><a href="x'
    markup = data_link(b"data", name, "application/json", "Download")
    assert "<script" not in markup
    attrs, text = anchor(markup)
    assert set(attrs) == {"class", "download", "href"}
    assert attrs["download"] is not None
    assert '"' not in attrs["download"] and "<" not in attrs["download"]
    assert payload(attrs["href"], "application/json") == b"data"
    assert text == "Download"


def test_the_label_is_html_escaped() -> None:
    label = "<img src=x onerror=alert(1)> & <b>bold</b>"
    markup = data_link(b"x", "f.json", "application/json", label)
    assert "<img" not in markup and "<b>" not in markup
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in markup
    _, text = anchor(markup)
    assert text == label


def test_a_hostile_mime_type_cannot_break_out_either() -> None:
    markup = data_link(b"x", "f.json", 'text/plain" onclick="alert(1)', "Download")
    attrs, _ = anchor(markup)
    assert "onclick" not in attrs
    assert set(attrs) == {"class", "download", "href"}
