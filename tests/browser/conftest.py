"""Fixtures for the browser tests: the real `workbook app` server and a watched Chromium page.

Without Chromium on PATH (or without Playwright) these tests are skipped, unless
WORKBOOK_REQUIRE_BROWSER=1 (set by CI), in which case they fail loudly instead.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
START_TIMEOUT = 60.0
RENDER_TIMEOUT_MS = 60_000
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
QUICK_EXIT_HOST = "https://www.bbc.co.uk"

# Console noise that is not a problem: JupyterLab's shared-module version notes, and the quick
# exit's site, which the sandbox cannot resolve.
HARMLESS = ("Unsatisfied version", "No satisfying version", "ERR_NAME_NOT_RESOLVED", "net::")
# What a broken widget or page script says on the console.
WIDGET_TROUBLE = (
    "Error",
    "Could not",
    "is not registered",
    "Failed to",
    "Uncaught",
    "Cannot",
    "undefined is not",
)


def _required() -> bool:
    return os.environ.get("WORKBOOK_REQUIRE_BROWSER", "") == "1"


def _unavailable(reason: str) -> None:
    if _required():
        pytest.fail(f"WORKBOOK_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason} (set WORKBOOK_REQUIRE_BROWSER=1 to fail instead)")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The Chromium to drive; skips (or, when required, fails) without one."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        _unavailable("no `chromium` on PATH")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the Playwright Python package is not installed")
    assert path is not None
    return path


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running `workbook app`."""

    url: str
    db: Path
    process: subprocess.Popen[bytes]
    log: Path

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows from the answers file (none while the file or its table does not exist yet)."""
        if not self.db.exists():
            return []
        with closing(sqlite3.connect(self.db, timeout=30)) as conn:
            try:
                return conn.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):
                    return []
                raise

    def count(self) -> int:
        """Rows in the answers table."""
        rows = self.query("SELECT COUNT(*) FROM answers")
        return int(rows[0][0]) if rows else 0

    def latest(self, step_id: str) -> dict[str, str]:
        """The latest value per item of one step, straight from the file."""
        sql = "SELECT item_id, value FROM latest_answers WHERE client_id = 'me' AND step_id = ?"
        return dict(self.query(sql, (step_id,)))

    def wait_for(self, check: Any, timeout: float = 15.0, what: str = "condition") -> Any:
        """Poll `check()` until it returns something truthy."""
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")
            time.sleep(0.25)

    def kernel_pids(self) -> list[int]:
        """Kernel processes started (directly or not) by this server."""
        return [pid for pid, cmd in _descendants(self.process.pid) if "ipykernel_launcher" in cmd]


def _descendants(root: int) -> list[tuple[int, str]]:
    """(pid, command line) of every process below `root`."""
    try:
        import psutil  # type: ignore[import-untyped]
    except ImportError:
        return _descendants_from_proc(root)
    try:
        children = psutil.Process(root).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    found = []
    for child in children:
        try:
            found.append((child.pid, " ".join(child.cmdline())))
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def _descendants_from_proc(root: int) -> list[tuple[int, str]]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
        fields = text[text.rindex(")") + 2 :].split()
        parents[int(stat.parent.name)] = int(fields[1])
    below: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - below
        below |= frontier
    found = []
    for pid in sorted(below):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        found.append((pid, cmd))
    return found


def _answers(host: str, port: int) -> bool:
    connection = http.client.HTTPConnection(host, port, timeout=5)
    try:
        connection.request("GET", "/")  # a redirect: it does not render (or take a kernel)
        return connection.getresponse().status < 500
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def running_server(workdir: Path, name: str = "server") -> Iterator[Server]:
    """Start `workbook app` on a free port with its own answers file; stop it (and its kernels) after."""
    workbook = Path(sys.executable).parent / "workbook"
    assert workbook.exists(), f"console script not found: {workbook}"
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "answers.sqlite3"
    log = workdir / f"{name}.log"
    env = dict(os.environ)
    for variable in (
        "WORKBOOK_STRICT",
        "WORKBOOK_CLIENT",
        "WORKBOOK_SESSION",
        "WORKBOOK_ON_BINDER",
    ):
        env.pop(variable, None)
    env["WORKBOOK_DB"] = str(db)
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(workbook), "app", "--port", str(port), "--no-browser"],
            env=env,
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", db, process, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers("127.0.0.1", port):
            if process.poll() is not None:
                raise RuntimeError(
                    f"workbook app exited with {process.returncode}:\n{log.read_text(errors='replace')[-4000:]}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"workbook app did not answer within {START_TIMEOUT} s:\n"
                    f"{log.read_text(errors='replace')[-4000:]}"
                )
            time.sleep(0.25)
        yield server
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server's process group, then anything it left behind (kernels live in their own groups)."""
    leftovers = [pid for pid, _cmd in _descendants(process.pid)]
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    deadline = time.monotonic() + 10
    for pid in leftovers:
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


@pytest.fixture(scope="session")
def server(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The real `workbook app`, shared by the session, with its own answers file."""
    with running_server(tmp_path_factory.mktemp("app"), "app") as running:
        yield running


# --- the browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Watch:
    """What the pages of one browser context said: console lines, script errors and dialogs."""

    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    pages: list[Any] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        """Record everything `page` reports."""
        self.pages.append(page)
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))

        def dialog(d: Any) -> None:
            self.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        page.on("dialog", dialog)

    def troubles(self) -> list[str]:
        """Console lines and script errors that mean something broke."""
        bad = []
        for line in self.console + self.errors:
            if any(h in line for h in HARMLESS):
                continue
            if line.startswith(("error:", "page error:")) or any(w in line for w in WIDGET_TROUBLE):
                bad.append(line)
        return bad


@dataclass
class Browsing:
    """A fresh browser context, its first page, and what was seen."""

    context: Any
    page: Any
    watch: Watch
    server: Server

    def new_page(self) -> Any:
        """Another tab in the same context (watched like the first)."""
        return self.context.new_page()

    def open(self, notebook: str, page: Any = None, ready: str = ".wb-live-frame") -> Any:
        """Open a notebook of the app and wait until its live part is shown."""
        page = page or self.page
        page.goto(f"{self.server.url}/voila/render/{notebook}")
        page.wait_for_selector(ready, timeout=RENDER_TIMEOUT_MS)
        return page


@pytest.fixture
def browsing(browser: Any, server: Server) -> Iterator[Browsing]:
    """A fresh context and page on the shared server; fails on page errors, widget errors or dialogs."""
    yield from _browsing(browser, server)


def _browsing(browser: Any, server: Server) -> Iterator[Browsing]:
    context = browser.new_context(accept_downloads=True)
    context.set_default_timeout(RENDER_TIMEOUT_MS)
    watch = Watch()
    context.on("page", watch.attach)
    # The quick exit's site is never reached for real: answer it with a tiny page.
    context.route(
        f"{QUICK_EXIT_HOST}/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Weather</title><p>Weather</p>"
        ),
    )
    page = context.new_page()
    session = Browsing(context, page, watch, server)
    try:
        yield session
        shown_errors = []
        for tab in watch.pages:
            if tab.is_closed() or not tab.url.startswith(server.url):
                continue
            errors = tab.locator(".voila-error")
            shown_errors += [errors.nth(i).inner_text() for i in range(errors.count())]
        problems = []
        if shown_errors:
            problems.append(f"the page shows Voilà errors: {shown_errors}")
        if watch.troubles():
            problems.append("the console reported errors:\n  " + "\n  ".join(watch.troubles()))
        if watch.dialogs:
            problems.append(f"a dialog fired: {watch.dialogs}")
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)
    finally:
        context.close()


@pytest.fixture
def make_browsing(browser: Any) -> Iterator[Any]:
    """Browse another server (for example one with an empty answers file)."""
    generators: list[Iterator[Browsing]] = []

    def make(other: Server) -> Browsing:
        generator = _browsing(browser, other)
        generators.append(generator)
        return next(generator)

    yield make
    failures = []
    for generator in generators:
        try:
            next(generator, None)  # runs the checks and closes the context
        except BaseException as exc:  # pytest.fail: report after closing the rest
            failures.append(exc)
    if failures:
        raise failures[0]
