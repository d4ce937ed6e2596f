"""Page speed of `workbook app`: time to the first visible widget, against a one-button notebook.

One run does everything:

1. copies `notebooks/` and `benchmarks/one_button/one_button.ipynb` into one temporary folder, so the
   workbook pages and the reference page are served by the same server, template and settings;
2. **cold**: starts the server as `workbook app --no-preheat` does (`voila_command(..., preheat=False)`)
   and loads every page `--repeat` times, interleaving the one-button page between the workbook pages
   (and rotating the order each repetition) so that machine noise hits both alike;
3. **warm**: restarts the server with `workbook app`'s defaults (preheated kernels, predictive pool)
   and clicks through like a person: start page, then *Next* through the steps, reading each page
   for a few seconds (which is when the pool warms the next page);
4. prints a table and writes the `## Page speed` section of `benchmarks/README.md`.

The time measured is `performance.now()` in the page (milliseconds since the navigation started)
at the first animation frame in which a `.jupyter-widgets` element is rendered with a nonzero size.
Voilà keeps `#rendered_cells` hidden until every cell has run, so "rendered" means it has an
`offsetParent` and a nonzero bounding box, not merely that it exists in the DOM.

Run:  python benchmarks/page_speed.py [--repeat 5] [--pages 00_start 02_step-01 ...] [--out README]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import psutil  # type: ignore[import-untyped]  # installed with ipykernel
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from readme_section import replace_section

from workbook.app import voila_command
from workbook.pages import all_pages

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
ONE_BUTTON = Path(__file__).resolve().parent / "one_button" / "one_button.ipynb"
REFERENCE = "one_button"
README = Path(__file__).resolve().parent / "README.md"
SECTION = "## Page speed"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu",
    "--disable-background-networking", "--disable-component-update",
]  # fmt: skip
COLD_TARGET = 1.10  # every page at most 1.10x the cold one-button page
WARM_TARGET = 1.00  # warm step pages faster than the cold one-button page
LOAD_TIMEOUT_MS = 180_000
BOOTSTRAP_ROUNDS = 2000

# Recorded in every document before its own scripts run: the first frame with a rendered widget.
FIRST_WIDGET_PROBE = """
(() => {
  const rendered = (el) => {
    if (el.offsetParent === null) return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  const check = () => {
    for (const el of document.querySelectorAll('.jupyter-widgets')) {
      if (rendered(el)) {
        window.__firstWidget = performance.now();
        window.__firstWidgetClass = el.className;
        return;
      }
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""

READ_TIMINGS = """
() => {
  const nav = performance.getEntriesByType('navigation')[0] || {};
  return {
    first_widget: window.__firstWidget,
    widget_class: window.__firstWidgetClass,
    response_start: nav.responseStart,
    response_end: nav.responseEnd,
    dom_content_loaded: nav.domContentLoadedEventEnd,
  };
}
"""


@dataclass
class Sample:
    """One page load: the first-widget time and navigation milestones, in ms since navigation start."""

    page: str
    mode: str
    first_widget: float
    response_start: float
    response_end: float
    dom_content_loaded: float
    widget_class: str


@dataclass
class Results:
    """All samples of a run, grouped by mode and page."""

    samples: list[Sample] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (mode, page) without a widget

    def failed(self, mode: str, page: str) -> int:
        """How many loads of a page showed no widget in time."""
        return self.failures.count((mode, page))

    def times(self, mode: str, page: str, what: str = "first_widget") -> list[float]:
        """The values of one timing for one page in one mode."""
        return [getattr(s, what) for s in self.samples if s.mode == mode and s.page == page]

    def median(self, mode: str, page: str, what: str = "first_widget") -> float | None:
        """The median of one timing, or None without samples."""
        values = self.times(mode, page, what)
        return statistics.median(values) if values else None

    def paired_ratios(self, page: str) -> list[float]:
        """Each cold load of `page` over the mean of the one-button loads just before and after it.

        A check that is robust to slow drift in machine load: the neighbours ran seconds apart.
        """
        cold = [s for s in self.samples if s.mode == "cold"]
        refs = [i for i, s in enumerate(cold) if s.page == REFERENCE]
        found = []
        for i, sample in enumerate(cold):
            before = [j for j in refs if j < i]
            after = [j for j in refs if j > i]
            if sample.page != page or not before or not after:
                continue
            mean = (cold[before[-1]].first_widget + cold[after[0]].first_widget) / 2
            found.append(sample.first_widget / mean)
        return found

    def paired_ratio(self, page: str) -> float | None:
        """The median paired ratio of a page, or None without samples."""
        values = self.paired_ratios(page)
        return statistics.median(values) if values else None

    def ratio_interval(self, page: str) -> tuple[float, float] | None:
        """A 90% bootstrap interval for a page's cold ratio (its median over the one-button median).

        Both sets of loads are resampled, so the interval shows how far the ratio could move by load
        noise alone; None with fewer than three loads of either.
        """
        times, reference = self.times("cold", page), self.times("cold", REFERENCE)
        if len(times) < 3 or len(reference) < 3:
            return None
        draw = random.Random(f"{page}/{len(times)}/{len(reference)}")  # the same report each time
        ratios = sorted(
            statistics.median(draw.choices(times, k=len(times)))
            / statistics.median(draw.choices(reference, k=len(reference)))
            for _ in range(BOOTSTRAP_ROUNDS)
        )
        return ratios[int(0.05 * BOOTSTRAP_ROUNDS)], ratios[int(0.95 * BOOTSTRAP_ROUNDS) - 1]


# --- the served folder and the server ------------------------------------------------------------


def serve_folder(into: Path) -> Path:
    """A folder holding the workbook's notebooks and the one-button notebook side by side."""
    folder = into / "notebooks"
    shutil.copytree(NOTEBOOKS, folder)
    shutil.copy(ONE_BUTTON, folder / f"{REFERENCE}.ipynb")
    return folder


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def kernels(server: subprocess.Popen[bytes]) -> list[psutil.Process]:
    """The server's running kernel processes."""
    try:
        children = psutil.Process(server.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    found = []
    for child in children:
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            pass
    return found


@contextmanager
def running_server(
    folder: Path, port: int, preheat: bool, env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Start the workbook's Voilà server, wait until it answers, stop it (and its kernels) after."""
    command = voila_command(folder, port, open_browser=False, preheat=preheat)
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_server(port, server, log)
        yield server
    finally:
        stop_server(server)


def wait_for_server(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until the server answers a request that starts no kernel (Voilà's static files)."""
    url = f"http://127.0.0.1:{port}/voila/static/voila.js"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited; see {log}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer within 120 s; see {log}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop the server and any kernel it leaves behind."""
    leftovers = kernels(server)
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    for kernel in leftovers:
        with suppress(psutil.Error):
            kernel.kill()


def wait_until_kernels_at_most(server: subprocess.Popen[bytes], count: int, timeout: float) -> int:
    """Wait for kernel shutdowns to finish; return the number of kernels still running."""
    deadline = time.monotonic() + timeout
    while (running := len(kernels(server))) > count and time.monotonic() < deadline:
        time.sleep(0.2)
    return running


# --- measuring in the browser ---------------------------------------------------------------------


def page_url(port: int, name: str) -> str:
    """The rendered page of a notebook."""
    return f"http://127.0.0.1:{port}/voila/render/{name}.ipynb"


def read_sample(tab: Page, name: str, mode: str) -> Sample:
    """Wait until the page shows its first widget and read the timings the probe recorded."""
    tab.wait_for_function("window.__firstWidget !== undefined", timeout=LOAD_TIMEOUT_MS)
    timings = tab.evaluate(READ_TIMINGS)
    return Sample(
        page=name,
        mode=mode,
        first_widget=timings["first_widget"],
        response_start=timings["response_start"],
        response_end=timings["response_end"],
        dom_content_loaded=timings["dom_content_loaded"],
        widget_class=timings["widget_class"],
    )


def explain_failure(tab: Page, name: str, log: Path | None, error: Exception) -> None:
    """Say why a page showed no widget: the error, the page's visible text, the server log's end."""
    print(f"  FAILED {name}: {str(error).splitlines()[0]}", file=sys.stderr)
    try:
        text = tab.evaluate("document.body ? document.body.innerText : ''")
        print(f"    page text: {' '.join(text.split())[:400]!r}", file=sys.stderr)
    except PlaywrightError:
        pass
    if log is not None and log.exists():
        tail = log.read_text(errors="replace").splitlines()[-15:]
        print("    server log:\n      " + "\n      ".join(tail), file=sys.stderr)


def leave(tab: Page) -> None:
    """Navigate away so the page's kernel-shutdown beacon fires, then close the tab."""
    tab.goto("about:blank")
    tab.close()


def load_once(
    context: BrowserContext, port: int, name: str, mode: str, log: Path | None = None
) -> Sample | None:
    """Open a page in a new tab, measure it, leave it; None (explained) if no widget showed."""
    tab = context.new_page()
    try:
        tab.goto(page_url(port, name), wait_until="commit", timeout=LOAD_TIMEOUT_MS)
        return read_sample(tab, name, mode)
    except PlaywrightError as error:
        explain_failure(tab, name, log, error)
        return None
    finally:
        leave(tab)


def new_context(browser: Browser) -> BrowserContext:
    """A browser profile with the measuring probe in every document."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(FIRST_WIDGET_PROBE)
    return context


# --- the two modes --------------------------------------------------------------------------------


def cold_order(pages: list[str], repetition: int, every: int) -> list[str]:
    """One repetition's load order: the pages rotated by the repetition, the reference between them."""
    shift = repetition % len(pages) if pages else 0
    rotated = pages[shift:] + pages[:shift]
    order = [REFERENCE]
    for index, name in enumerate(rotated, start=1):
        order.append(name)
        if index % every == 0 or index == len(rotated):
            order.append(REFERENCE)
    return order


def measure_cold(
    context: BrowserContext, server: subprocess.Popen[bytes], port: int, pages: list[str],
    repeat: int, pause: float, every: int, results: Results, log: Path,
) -> None:  # fmt: skip
    """Load every page `repeat` times on a server without preheated kernels."""
    for name in [REFERENCE, pages[0]]:  # warm the browser cache and the disk cache; not counted
        load_once(context, port, name, "warm-up", log)
        time.sleep(pause)
    for repetition in range(repeat):
        for name in cold_order(pages, repetition, every):
            time.sleep(pause)
            left = wait_until_kernels_at_most(server, 0, timeout=30)
            if left:
                print(f"  note: {left} kernel(s) still running before {name}", file=sys.stderr)
            sample = load_once(context, port, name, "cold", log)
            if sample is None:
                results.failures.append(("cold", name))
                continue
            results.samples.append(sample)
            print(
                f"  cold  rep {repetition + 1}/{repeat}  {name:<22} {sample.first_widget:8.0f} ms"
            )


def measure_warm(
    context: BrowserContext, port: int, walk: list[str], repeat: int, read_seconds: float,
    results: Results, log: Path | None = None,
) -> None:  # fmt: skip
    """Click through the walk `repeat` times like a reader, on a server with `workbook app`'s defaults.

    A page that shows no widget in time ends that walk (it is counted as failed).
    """
    for repetition in range(repeat):
        tab = context.new_page()
        name = walk[0]
        try:
            tab.goto(page_url(port, walk[0]), wait_until="commit", timeout=LOAD_TIMEOUT_MS)
            for index, name in enumerate(walk):
                if index:
                    link = tab.locator(f"a.wb-next[href='{name}.ipynb']")
                    link.first.click()
                    tab.wait_for_url(f"**/{name}.ipynb", wait_until="commit")
                sample = read_sample(tab, name, "warm")
                results.samples.append(sample)
                print(
                    f"  warm  walk {repetition + 1}/{repeat}  {name:<22} {sample.first_widget:8.0f} ms"
                )
                time.sleep(read_seconds)  # reading; the pool warms the next page meanwhile
        except PlaywrightError as error:
            explain_failure(tab, name, log, error)
            results.failures.append(("warm", name))
        finally:
            leave(tab)
        time.sleep(read_seconds)


def warm_walk(pages: list[str]) -> list[str]:
    """The reader's path: the start page, then Next through every page up to the last step page."""
    order = [p.filename.removesuffix(".ipynb") for p in all_pages()]
    last_step = max(order.index(name) for name in pages if is_step(name))
    return order[: last_step + 1]


def is_step(name: str) -> bool:
    """Whether a page is one of the guide's numbered steps."""
    return "_step-" in name


# --- reporting ------------------------------------------------------------------------------------


def ratio(value: float | None, reference: float | None) -> float | None:
    """value / reference, or None when either is missing."""
    return value / reference if value is not None and reference else None


def verdict(passed: bool) -> str:
    """PASS or FAIL."""
    return "PASS" if passed else "FAIL"


def fmt_ms(value: float | None) -> str:
    """Milliseconds for a table cell."""
    return "–" if value is None else f"{value:,.0f}"


def fmt_ratio(value: float | None, digits: int = 2) -> str:
    """A ratio for a table cell."""
    return "–" if value is None else f"{value:.{digits}f}×"


def report(results: Results, pages: list[str], walk: list[str], meta: dict[str, str]) -> str:
    """The `## Page speed` section as Markdown."""
    reference = results.median("cold", REFERENCE)
    lines = [
        SECTION,
        "",
        "Time to the first visible widget (`performance.now()` in the page at the first animation "
        "frame in which a `.jupyter-widgets` element is rendered with a nonzero size), for each "
        "page against a notebook holding one `ipywidgets.Button`, served by the same server in "
        "the same run. Medians; ratios are to the **cold** one-button median. Produced by "
        "`benchmarks/page_speed.py` (do not edit by hand).",
        "",
        f"- Command: `{meta['command']}`",
        f"- Date: {meta['date']}",
        f"- Machine: {meta['machine']}",
        f"- Code: {meta['code']}",
        f"- Cold: `voila_command(..., preheat=False)`, {meta['repeat']} loads per page in a new "
        f"tab, the one-button page interleaved (every {meta['every']} pages) and the order rotated "
        f"each repetition, {meta['pause']} s pause and no kernel left running before each load.",
        f"- Warm: `workbook app`'s defaults (preheated kernels, predictive pool), {meta['repeat']} "
        f"walks from the start page clicking *Next*, {meta['read']} s reading time on each page.",
        "- Response end = when Voilà finished sending the page (it runs the cells while sending); "
        "the rest up to the first widget is the browser loading scripts and rendering widgets.",
        "- Paired ratio (a check, not the target): the median over a page's loads of its time over "
        "the mean of the one-button loads just before and after it, which cancels slow drift in "
        "the machine's load.",
        "- 90% interval (a check, not the target): where the ratio lands when the page's loads and "
        f"the one-button loads are resampled ({BOOTSTRAP_ROUNDS:,} bootstrap rounds); a page whose "
        "interval straddles the target passed or failed by load noise, and more loads would tell.",
        f"- Load average at the end: {meta.get('load_end', '?')}.",
        "",
        f"One-button page, cold: **{fmt_ms(reference)} ms** "
        f"(n={len(results.times('cold', REFERENCE))}, failed {results.failed('cold', REFERENCE)}, "
        "response end "
        f"{fmt_ms(results.median('cold', REFERENCE, 'response_end'))} ms).",
        "",
        f"### Cold kernel (target: every page ≤ {COLD_TARGET:.2f}× the one-button page)",
        "",
        "| Page | n | Failed | Median first widget (ms) | Response end (ms) | Ratio | Target "
        "| 90% interval | Paired ratio |",
        "|---|---:|---:|---:|---:|---:|---|---|---:|",
    ]
    cold_pass = True
    for name in pages:
        median = results.median("cold", name)
        r = ratio(median, reference)
        ok = r is not None and r <= COLD_TARGET and not results.failed("cold", name)
        cold_pass &= ok
        lines.append(
            f"| {name} | {len(results.times('cold', name))} | {results.failed('cold', name)} | "
            f"{fmt_ms(median)} | "
            f"{fmt_ms(results.median('cold', name, 'response_end'))} | {fmt_ratio(r, 3)} | "
            f"{verdict(ok)} | {fmt_interval(results.ratio_interval(name))} | "
            f"{fmt_ratio(results.paired_ratio(name))} |"
        )
    lines += [
        "",
        f"### `workbook app` defaults, clicking through (target: step pages < "
        f"{WARM_TARGET:.2f}× the cold one-button page)",
        "",
        "| Page | n | Failed | Median first widget (ms) | Response end (ms) | Ratio | Target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    warm_pass = True
    for name in walk:
        median = results.median("warm", name)
        r = ratio(median, reference)
        if is_step(name) and name in pages:
            ok = r is not None and r < WARM_TARGET and not results.failed("warm", name)
            warm_pass &= ok
            target = verdict(ok)
        else:
            target = "(not a step page)"
        lines.append(
            f"| {name} | {len(results.times('warm', name))} | {results.failed('warm', name)} | "
            f"{fmt_ms(median)} | "
            f"{fmt_ms(results.median('warm', name, 'response_end'))} | {fmt_ratio(r)} | {target} |"
        )
    lines += [
        "",
        f"**Cold target: {verdict(cold_pass)}.** **Warm target: {verdict(warm_pass)}.**",
        "",
    ]
    return "\n".join(lines)


def fmt_interval(interval: tuple[float, float] | None) -> str:
    """A ratio interval for the table."""
    return "–" if interval is None else f"{interval[0]:.2f}–{interval[1]:.2f}×"


def print_table(results: Results, pages: list[str], walk: list[str]) -> None:
    """The medians and ratios on the terminal."""
    reference = results.median("cold", REFERENCE)
    print(f"\n{'page':<22} {'cold ms':>9} {'ratio':>7} {'paired':>7} {'warm ms':>9} {'ratio':>7}")
    for name in [REFERENCE, *dict.fromkeys([*pages, *walk])]:
        cold, warm = results.median("cold", name), results.median("warm", name)
        paired = results.paired_ratio(name) if name != REFERENCE else 1.0
        print(
            f"{name:<22} {fmt_ms(cold):>9} {fmt_ratio(ratio(cold, reference)):>7} "
            f"{fmt_ratio(paired):>7} {fmt_ms(warm):>9} {fmt_ratio(ratio(warm, reference)):>7}"
        )


def code_version() -> str:
    """The commit measured, and whether the served code had uncommitted changes."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "workbook", "notebooks")
    return f"{commit}" + (" with uncommitted changes in workbook/ or notebooks/" if dirty else "")


def machine_note() -> str:
    """CPU count, memory and load: enough to judge how noisy the numbers may be."""
    memory = psutil.virtual_memory().total / 2**30
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, "
        f"Python {platform.python_version()}, Chromium headless; shared and noisy machine "
        f"(load average at start {load})"
    )


# --- the run ----------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    names = [p.filename.removesuffix(".ipynb") for p in all_pages()]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repeat", type=int, default=5, help="loads per page and walks (default 5)"
    )
    parser.add_argument(
        "--pages", nargs="+", choices=names, default=names, metavar="PAGE",
        help="pages to measure, e.g. 00_start 02_step-01 (default: all)",
    )  # fmt: skip
    parser.add_argument(
        "--out", type=Path, default=README, help=f"README to write (default {README})"
    )
    parser.add_argument(
        "--pause", type=float, default=2.0, help="seconds between cold loads (default 2)"
    )
    parser.add_argument(
        "--read", type=float, default=4.0, help="reading seconds per warm page (default 4)"
    )
    parser.add_argument(
        "--every", type=int, default=4, help="one-button load after every N pages (default 4)"
    )
    parser.add_argument(
        "--settle", type=float, default=10.0, help="seconds after warm start (default 10)"
    )
    parser.add_argument("--json", type=Path, help="also write every sample to this JSON file")
    parser.add_argument("--skip-warm", action="store_true", help="measure the cold mode only")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Measure both modes and write the report."""
    args = parse_args(argv)
    pages = [
        name
        for name in (p.filename.removesuffix(".ipynb") for p in all_pages())
        if name in args.pages
    ]
    walk = warm_walk(pages) if not args.skip_warm and any(map(is_step, pages)) else []
    command = "python benchmarks/page_speed.py " + shlex.join(
        argv if argv is not None else sys.argv[1:]
    )
    meta = {
        "command": command.strip(),
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine_note(),
        "code": code_version(),
        "repeat": str(args.repeat),
        "every": str(args.every),
        "pause": f"{args.pause:g}",
        "read": f"{args.read:g}",
    }
    results = Results()
    with tempfile.TemporaryDirectory(prefix="page-speed-") as tmp:
        work = Path(tmp)
        folder = serve_folder(work)
        env = dict(os.environ, WORKBOOK_DB=str(work / "answers.sqlite3"))
        env.pop("WORKBOOK_STRICT", None)
        port = free_port()  # the same origin in both modes, so the browser cache carries over
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = new_context(browser)
            print(f"cold: {len(pages)} pages x {args.repeat}, port {port}")
            cold_log, warm_log = work / "cold.log", work / "warm.log"
            with running_server(folder, port, False, env, cold_log) as server:
                measure_cold(
                    context, server, port, pages, args.repeat, args.pause, args.every, results,
                    cold_log,
                )  # fmt: skip
            if walk:
                print(f"warm: walk {' -> '.join(walk)} x {args.repeat}")
                with running_server(folder, port, True, env, warm_log):
                    time.sleep(args.settle)  # the start page's pooled kernel runs its notebook
                    measure_warm(context, port, walk, args.repeat, args.read, results, warm_log)
            browser.close()
    meta["load_end"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print_table(results, pages, walk)
    if args.json:
        args.json.write_text(json.dumps([s.__dict__ for s in results.samples], indent=1))
    replace_section(args.out, SECTION, report(results, pages, walk, meta))
    print(f"\nwrote the '{SECTION}' section of {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
