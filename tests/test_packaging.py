"""A non-editable install (what Binder does) carries the content and finds it through the package."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LOAD = (
    "import workbook.content as c, json; g = c.load_guide(); "
    "print(json.dumps([str(c.data_dir()), len(g.sections), g.section('step-10').title]))"
)


def test_wheel_carries_the_data_and_loads_it_outside_the_repository(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("repair_workbook-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "workbook/_data/guide.json" in names
    assert "workbook/_data/source/guide.txt" in names
    assert any(n.endswith("entry_points.txt") for n in names)

    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run(
        [sys.executable, "-c", LOAD],
        cwd=elsewhere,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert str(target / "workbook" / "_data") in out
    assert '"Step 10: Know when the healthiest fight\\u2026 is letting go"' in out
