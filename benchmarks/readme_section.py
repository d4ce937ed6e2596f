"""Replace one `## ...` section of benchmarks/README.md, leaving the other sections as they are."""

from __future__ import annotations

from pathlib import Path


def replace_section(readme: Path, heading: str, section: str) -> None:
    """Add or replace the section that starts with the line `heading`."""
    text = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n"
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == heading), None)
    if start is None:
        kept_before, kept_after = lines, []
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        kept_before, kept_after = lines[:start], lines[end:]
    before = "\n".join(kept_before).rstrip("\n")
    after = "\n".join(kept_after)
    readme.write_text(
        before + "\n\n" + section.rstrip("\n") + "\n" + ("\n" + after + "\n" if after else ""),
        encoding="utf-8",
    )
