"""Binder: the binder/ folder installs the package on Python 3.11 and serves the app the way Binder does."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"


def test_binder_files_install_the_package_on_python_311() -> None:
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    lines = [line.strip() for line in (BINDER / "requirements.txt").read_text().splitlines()]
    assert "." in lines
    for script in ("postBuild", "start"):
        assert os.access(BINDER / script, os.X_OK), f"binder/{script} must be executable"
    assert "WORKBOOK_ON_BINDER=1" in (BINDER / "start").read_text()


def test_binder_voila_settings_match_the_app() -> None:
    settings = json.loads((BINDER / "voila.json").read_text())["VoilaConfiguration"]
    assert settings["template"] == "workbook"
    assert settings["show_tracebacks"] is False
    culling = json.loads((BINDER / "jupyter_server_config.json").read_text())[
        "MappingKernelManager"
    ]
    assert culling["cull_idle_timeout"] > 0


def test_readme_badge_opens_the_start_page_in_voila() -> None:
    readme = (ROOT / "README.md").read_text()
    badge = next(line for line in readme.splitlines() if "mybinder.org/badge" in line)
    assert "urlpath=voila/render/notebooks/00_start.ipynb" in unquote(badge)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                return str(response.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv with binder/requirements.txt installed from the repository root, as repo2docker does."""
    venv = tmp_path_factory.mktemp("binder") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [
        str(venv / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "-q",
        "-r",
        "binder/requirements.txt",
    ]
    subprocess.run(pip, cwd=ROOT, check=True)
    yield venv
    shutil.rmtree(venv, ignore_errors=True)


def _serve(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def test_binder_environment_serves_the_start_page_like_binder(
    binder_env: Path, tmp_path: Path
) -> None:
    config = tmp_path / "jupyter-config"
    config.mkdir()
    shutil.copy(BINDER / "voila.json", config / "voila.json")
    shutil.copy(BINDER / "jupyter_server_config.json", config / "jupyter_server_config.json")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config),
        "WORKBOOK_DB": str(tmp_path / "answers.sqlite3"),
        "WORKBOOK_ON_BINDER": "1",
    }
    env.pop("WORKBOOK_STRICT", None)
    port = _free_port()
    server = _serve(
        [str(binder_env / "bin" / "jupyter"), "server", "--no-browser", f"--port={port}", "--allow-root",
         "--IdentityProvider.token=", f"--ServerApp.root_dir={ROOT}"],
        env,
        ROOT,
    )  # fmt: skip
    try:
        page = _get(
            f"http://127.0.0.1:{port}/voila/render/notebooks/00_start.ipynb", time.monotonic() + 120
        )
    finally:
        _stop(server)
    assert "wb-exit-bar" in page, "the workbook template was not found by the installed package"
    assert "cdn.jsdelivr.net" not in page


def test_binder_environment_runs_workbook_app(binder_env: Path, tmp_path: Path) -> None:
    # Installed without the repository, the app writes its notebooks into the user's data folder.
    env = {
        **os.environ,
        "WORKBOOK_DB": str(tmp_path / "answers.sqlite3"),
        "XDG_DATA_HOME": str(tmp_path),
    }
    port = _free_port()
    server = _serve(
        [str(binder_env / "bin" / "workbook"), "app", f"--port={port}", "--no-browser"],
        env,
        tmp_path,
    )
    try:
        page = _get(f"http://127.0.0.1:{port}/", time.monotonic() + 120)
    finally:
        _stop(server)
    assert "wb-exit-bar" in page and "Start" in page
