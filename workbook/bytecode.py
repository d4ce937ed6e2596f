"""Compile the package's modules once when the server starts, so page kernels load bytecode."""

from __future__ import annotations

import compileall
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def compile_package(folder: Path = PACKAGE) -> bool:
    """Write missing or outdated bytecode for every module in `folder`; False if any could not be written.

    Every page view starts a kernel that imports the package. Where the environment forbids
    writing bytecode on import (PYTHONDONTWRITEBYTECODE, common in containers) or the first
    kernel could not write it, each kernel would compile the package from source again, which
    costs more than everything else the page does. These are the same files `pip install` writes.
    """
    try:
        return bool(compileall.compile_dir(folder, quiet=2, force=False))
    except OSError:
        return False  # a read-only install: kernels compile in memory as before
