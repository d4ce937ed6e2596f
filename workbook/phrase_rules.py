"""Phrase patterns as data: named parts ({NAME}) expanded from a file's `define`, then compiled."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from workbook.content import ContentError

_DEFINED = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_READS_CASE = "(?-i:"


def expand_defines(raw: Any, file: str) -> dict[str, str]:
    """The file's `define` section with every {NAME} inside it expanded (raises ContentError)."""
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise ContentError(file, "define", "must map NAMES to pattern text")
    defines: dict[str, str] = dict(raw)
    for _ in range(len(defines) + 1):
        expanded = {k: _substitute(v, defines) for k, v in defines.items()}
        if any(f"{{{k}}}" in v for k, v in expanded.items()):
            break  # a loop shows up as a name inside its own definition; stop before it grows
        if expanded == defines:
            return defines
        defines = expanded
    raise ContentError(file, "define", "definitions refer to each other in a loop")


def compile_patterns(
    sources: Any, defines: Mapping[str, str], file: str, where: str, *, lower_case: bool = False
) -> tuple[re.Pattern[str], ...]:
    """Compile a list of case-insensitive patterns, naming the file and entry of any bad one.

    With `lower_case`, the patterns are for lower-cased text and compiled case-sensitively (much
    quicker), except those with a part that reads letter case, `(?-i:...)`, which are compiled
    case-blind for the original text.
    """
    if not isinstance(sources, list):
        raise ContentError(file, where, "must be a list of patterns")
    compiled = []
    for index, source in enumerate(sources):
        if not isinstance(source, str) or not source.strip():
            raise ContentError(file, f"{where}[{index}]", "must be non-empty text")
        text = _substitute(source, defines)
        unknown = _DEFINED.search(text)
        if unknown:
            raise ContentError(file, f"{where}[{index}]", f"unknown name {unknown.group(0)}")
        try:
            case_blind = not lower_case or _READS_CASE in text
            compiled.append(re.compile(text, re.IGNORECASE if case_blind else 0))
        except re.error as exc:
            raise ContentError(file, f"{where}[{index}]", f"bad pattern: {exc}") from None
    return tuple(compiled)


def _substitute(source: str, defines: Mapping[str, str]) -> str:
    return _DEFINED.sub(lambda m: defines.get(m.group(1), m.group(0)), source)
