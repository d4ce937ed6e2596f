"""`workbook app`: serve the notebooks folder with Voilà as a clickable web app on 127.0.0.1."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from workbook.pages import START_FILE
from workbook.settings import db_path, validate_id

DEFAULT_PORT = 8866
CULL_IDLE_SECONDS = 600


def notebooks_folder() -> Path:
    """The notebooks to serve: the repository's `notebooks/`, else ones generated from the content."""
    beside_package = Path(__file__).resolve().parent.parent / "notebooks"
    if (beside_package / "00_start.ipynb").exists():
        return beside_package
    from platformdirs import user_data_dir

    from workbook.notebooks import write_notebooks
    from workbook.settings import APP_NAME

    generated = Path(user_data_dir(APP_NAME, appauthor=False)) / "notebooks"
    write_notebooks(generated)
    return generated


def voila_command(folder: Path, port: int, open_browser: bool, preheat: bool = True) -> list[str]:
    """The command line of the workbook's Voilà server."""
    pools = {"default": {"pool_size": 0}, START_FILE: {"pool_size": 1}}
    command = [
        sys.executable, "-m", "workbook.server", str(folder),
        f"--port={port}", "--Voila.ip=127.0.0.1",
        "--template=workbook", "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        # Kernels whose tab vanished without saying goodbye (a crash, a closed laptop) are culled.
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
        "--MappingKernelManager.cull_interval=60",
    ]  # fmt: skip
    if preheat:
        command += [
            "--VoilaConfiguration.preheat_kernel=True",
            f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}",
        ]
    if not open_browser:
        command.append("--no-browser")
    return command


def add_parser(sub: Any) -> None:
    """Register the `app` subcommand."""
    app = sub.add_parser("app", help="start the workbook as a web app in your browser")
    app.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    app.add_argument("--no-browser", action="store_true", help="do not open a browser")
    app.add_argument(
        "--session", metavar="ID", help="session id for new answers (default: today's date)"
    )
    app.add_argument("--client", metavar="ID", help="pseudonymous id of the person (default: me)")
    app.add_argument(
        "--no-preheat",
        action="store_true",
        help="start each page's kernel on demand (slower, less memory)",
    )
    app.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Start Voilà and wait for it."""
    env = dict(os.environ)
    if args.session:
        env["WORKBOOK_SESSION"] = validate_id(args.session, "session id")
    if args.client:
        env["WORKBOOK_CLIENT"] = validate_id(args.client, "client id")
    folder = notebooks_folder()
    print(
        f"Repair Workbook: http://127.0.0.1:{args.port}/  (answers: {db_path()}; stop with Ctrl+C)"
    )
    try:
        return subprocess.call(
            voila_command(folder, args.port, not args.no_browser, not args.no_preheat), env=env
        )
    except KeyboardInterrupt:
        return 0
