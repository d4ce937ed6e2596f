"""Repair Workbook: the guide 'How To Fight For Your Relationship Back' as an interactive workbook."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbook.checks import Flag, check_message

__version__ = "0.1.0"

__all__ = ["Flag", "__version__", "check_message"]

# Loaded on first use: every page imports this package, and the checker's rules are not small.
_LAZY = {"check_message": "workbook.checks", "Flag": "workbook.checks"}


def __getattr__(name: str) -> Any:
    """The message checker's entry points, imported when first asked for."""
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'workbook' has no attribute {name!r}")
