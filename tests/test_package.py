"""The package's own entry points: `workbook.check_message`, loaded only when first used."""

from __future__ import annotations

import subprocess
import sys

import pytest

import workbook
from workbook import checks


def test_check_message_is_the_checker() -> None:
    assert workbook.check_message is checks.check_message
    assert workbook.Flag is checks.Flag


def test_check_message_flags_a_draft_and_passes_a_healthy_one() -> None:
    flags = workbook.check_message("If you loved me you would come back.")
    assert [f.kind for f in flags] == ["conditional_love"]
    assert isinstance(flags[0], workbook.Flag)
    assert workbook.check_message("Thank you for dinner. See you Sunday?") == []


def test_importing_the_package_does_not_load_the_checker() -> None:
    code = "import sys, workbook; print('workbook.checks' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        workbook.no_such_thing  # noqa: B018
