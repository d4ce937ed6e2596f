"""Exports at counselor scale: 200 clients × 20 sessions × 300 answers (1.2 M rows).

CSV: `workbook export --format csv` (query, formula-safe cells, data dictionary, file) against pandas'
own `to_csv` of the same table as a DataFrame, in the same run, alternating, medians of the repeats.
Excel: written in a child process per size; peak memory (max RSS) at two sizes shows whether it grows
with the number of rows. Results go into benchmarks/README.md.

Usage: python benchmarks/export_scale.py [--clients 200] [--sessions 20] [--answers 300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme_section import replace_section

from workbook.content import load_guide
from workbook.export import ORDER, ExportRequest, export
from workbook.selection import Selection
from workbook.store import COLUMNS, Store

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "benchmarks" / "README.md"
HEADING = "## Export at scale"
TARGET = 1.3
WORDS = (
    "I noticed I went quiet again when we argued about money",
    "=SUM(A1:A9) looks like a formula but is a reflection",
    "Talked it through with my sister; felt calmer afterwards 🙂",
    "-3 days since I last checked their profile",
    "<b>Bold</b> claims and plain text, side by side",
)


def build_store(path: Path, clients: int, sessions: int, answers: int) -> Store:
    """A store of realistic rows: the guide's items, checks, ratings and free text, weekly sessions."""
    store = Store(path)
    items = [i for s in load_guide().sections for i in s.form_items]
    start = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    with store.connect() as conn:
        insert = (
            f"INSERT INTO answers ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
        )
        for c in range(clients):
            rows = []
            for n in range(sessions):
                day = start + timedelta(days=c % 7, weeks=n)
                for a in range(answers):
                    item = items[(a + n + c) % len(items)]
                    if item.kind == "check":
                        value, number = ("true", 1.0) if (a + n) % 3 else ("false", 0.0)
                    elif item.kind in ("rating", "choice"):
                        value, number = str((a + c) % 4), float((a + c) % 4)
                    else:
                        value, number = f"{WORDS[(a + n + c) % len(WORDS)]} ({a})", None
                    saved = (day + timedelta(seconds=a * 7)).isoformat(timespec="microseconds")
                    rows.append(
                        (str(uuid.uuid4()), f"client-{c:03d}", day.date().isoformat(),
                         item.step_id, item.item_id, item.kind, item.prompt, value, number, saved)
                    )  # fmt: skip
            conn.execute("BEGIN")
            conn.executemany(insert, rows)
            conn.execute("COMMIT")
    return store


def time_csv(store: Store, folder: Path, repeat: int) -> dict[str, object]:
    """Median seconds of the CSV export and of pandas' to_csv of the same frame, alternating."""
    import pandas as pd

    with store.connect() as conn:
        started = time.perf_counter()
        frame = pd.read_sql_query(f"SELECT {', '.join(COLUMNS)} FROM answers{ORDER}", conn)
        read_seconds = time.perf_counter() - started
    ours, theirs = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        frame.to_csv(folder / "pandas.csv", index=False)
        theirs.append(time.perf_counter() - started)
        started = time.perf_counter()
        export(store, "csv", folder / "export.csv", ExportRequest())
        ours.append(time.perf_counter() - started)
    rows = len(frame)
    del frame
    ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
    return {
        "rows": rows,
        "export": ours,
        "to_csv": theirs,
        "export_median": ours_median,
        "to_csv_median": theirs_median,
        "read_frame": read_seconds,
        "ratio": ours_median / theirs_median,
        "size_mb": (folder / "export.csv").stat().st_size / 2**20,
    }


def peak_memory_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def excel_child(db: str, clients: int, out: str) -> None:
    """Run in a child process: write the Excel export of the first `clients` clients, print time and peak RSS."""
    from workbook.sessions import clients as all_clients

    store = Store(db)
    chosen = tuple(all_clients(store)[:clients]) if clients else ()
    request = ExportRequest(Selection(chosen))
    with store.connect() as conn:
        where, params = request.selection.where()
        rows = conn.execute(f"SELECT COUNT(*) FROM answers{where}", params).fetchone()[0]
    baseline = peak_memory_mb()
    started = time.perf_counter()
    export(store, "xlsx", Path(out), request)
    seconds = time.perf_counter() - started
    peak = peak_memory_mb()
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak, "before_mb": baseline}))


def time_excel(db: Path, folder: Path, sizes: list[int]) -> list[dict[str, float]]:
    """Excel export of growing client counts, each in a fresh process."""
    results = []
    for clients in sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--excel-child", str(db), str(clients),
             str(folder / f"export-{clients}.xlsx")],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["clients"] = clients
        result["size_mb"] = (folder / f"export-{clients}.xlsx").stat().st_size / 2**20
        results.append(result)
        print(f"  excel {clients} clients: {result}", flush=True)
    return results


def section(
    csv_result: dict[str, object], excel: list[dict[str, float]], meta: dict[str, str]
) -> str:
    """The README section."""
    ratio = float(csv_result["ratio"])  # type: ignore[arg-type]
    growth = excel[-1]["peak_mb"] - excel[0]["peak_mb"]
    row_growth = excel[-1]["rows"] / excel[0]["rows"]
    lines = [
        HEADING,
        "",
        "A counselor's store of "
        f"{meta['shape']} ({int(csv_result['rows']):,} rows; answers file {meta['db_mb']} MB). "  # type: ignore[call-overload]
        "Produced by `benchmarks/export_scale.py` (do not edit by hand).",
        "",
        f"- Command: `{meta['command']}`",
        f"- Date: {meta['date']}",
        f"- Machine: {meta['machine']}",
        "",
        "### CSV (target: ≤ 1.3× pandas' `to_csv` of the same frame, same run)",
        "",
        "Our time is the whole `workbook export --format csv` path: the SQLite query with formula-safe",
        "cells, the answers file and the data-dictionary file. pandas' time is `DataFrame.to_csv` alone, on",
        "the same table already read into a DataFrame (reading it took "
        f"{float(csv_result['read_frame']):.1f} s, not counted).",  # type: ignore[arg-type]
        "",
        "| | median s | runs (s) |",
        "|---|---:|---|",
        f"| workbook export (CSV) | {float(csv_result['export_median']):.2f} | "  # type: ignore[arg-type]
        + ", ".join(f"{x:.2f}" for x in csv_result["export"])  # type: ignore[attr-defined]
        + " |",
        f"| pandas `to_csv` | {float(csv_result['to_csv_median']):.2f} | "  # type: ignore[arg-type]
        + ", ".join(f"{x:.2f}" for x in csv_result["to_csv"])  # type: ignore[attr-defined]
        + " |",
        "",
        f"Ratio: **{ratio:.2f}×**: {'PASS' if ratio <= TARGET else 'FAIL'}. "
        f"CSV size {float(csv_result['size_mb']):.0f} MB.",  # type: ignore[arg-type]
        "",
        "### Excel (target: constant memory)",
        "",
        "Each size is written by a fresh process (openpyxl's write-only mode, rows streamed from SQLite);",
        "peak memory is the process's maximum resident set size.",
        "",
        "| clients | rows | seconds | peak memory (MB) | memory before writing (MB) | file (MB) |",
        "|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {int(r['clients'])} | {int(r['rows']):,} | {r['seconds']:.0f} | {r['peak_mb']:.0f} | "
            f"{r['before_mb']:.0f} | {r['size_mb']:.0f} |"
            for r in excel
        ),
        "",
        f"{row_growth:.0f}× the rows took {growth:+.0f} MB of peak memory: "
        + ("**constant memory: PASS**." if growth < 50 else "**memory grows with rows: FAIL**."),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Build the store, time the exports, write the README section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--excel-sizes", default="20,200", help="client counts for the Excel runs")
    parser.add_argument("--keep", type=Path, help="build (or reuse) the store at this path")
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--excel-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.excel_child:
        excel_child(args.excel_child[0], int(args.excel_child[1]), args.excel_child[2])
        return 0
    with tempfile.TemporaryDirectory(prefix="export-scale-") as tmp:
        folder = Path(tmp)
        db = args.keep or folder / "counselor.sqlite3"
        if not db.exists():
            started = time.perf_counter()
            build_store(db, args.clients, args.sessions, args.answers)
            print(f"built {db} in {time.perf_counter() - started:.0f} s", flush=True)
        store = Store(db)
        csv_result = time_csv(store, folder, args.repeat)
        print(f"  csv: {csv_result}", flush=True)
        excel = time_excel(db, folder, [int(x) for x in args.excel_sizes.split(",")])
        meta = {
            "shape": f"{args.clients} clients × {args.sessions} sessions × {args.answers} answers",
            "db_mb": f"{db.stat().st_size / 2**20:.0f}",
            "command": "python benchmarks/export_scale.py"
            + ("" if argv is None and len(sys.argv) == 1 else " " + " ".join(sys.argv[1:])),
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}; shared machine (load average at the end "
            + ", ".join(f"{x:.2f}" for x in os.getloadavg())
            + ")",
        }
        text = section(csv_result, excel, meta)
        print(text)
        if not args.no_readme:
            replace_section(README, HEADING, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
