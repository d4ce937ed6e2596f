"""Repair Workbook: the guide 'How To Fight For Your Relationship Back' as an interactive workbook."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
