"""Bytecode written at server start, so page kernels do not compile the package from source."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from workbook.bytecode import compile_package


def test_every_module_gets_bytecode_once(tmp_path: Path) -> None:
    (tmp_path / "one.py").write_text("A = 1\n")
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "two.py").write_text("B = 2\n")
    assert compile_package(tmp_path)
    cached = [Path(importlib.util.cache_from_source(str(p))) for p in tmp_path.rglob("*.py")]
    assert len(cached) == 2 and all(c.exists() for c in cached)
    written = [c.stat().st_mtime_ns for c in cached]
    assert compile_package(tmp_path)
    assert [c.stat().st_mtime_ns for c in cached] == written  # up to date: left alone


def test_a_module_that_does_not_compile_is_reported(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def (:\n")
    assert not compile_package(tmp_path)
