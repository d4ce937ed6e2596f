"""The `workbook` command: start the app, erase answers, say where data lives, regenerate notebooks."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from workbook import settings
from workbook.export import FORMATS
from workbook.store import Store, StoreError


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (StoreError, ValueError) as exc:
        print(f"workbook: {exc}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbook", description=__doc__)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    where = sub.add_parser("where", help="print the answers file in use")
    where.set_defaults(run=_where)

    erase = sub.add_parser("erase", help="erase answers for good")
    scope = erase.add_mutually_exclusive_group(required=True)
    scope.add_argument("--all", action="store_true", help="erase every answer of every person")
    scope.add_argument("--client", metavar="ID", help="erase one person's answers")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.set_defaults(run=_erase)

    notebooks = sub.add_parser("notebooks", help="regenerate the notebooks from the content")
    notebooks.add_argument("folder", nargs="?", default="notebooks", type=Path)
    notebooks.add_argument("--check", action="store_true", help="only report notebooks that differ")
    notebooks.set_defaults(run=_notebooks)

    check = sub.add_parser("check-message", help="check a draft message (read from standard input)")
    check.add_argument("--json", action="store_true", help="print the flags as a JSON list")
    check.set_defaults(run=_check_message)

    clients = sub.add_parser(
        "clients", help="list the people in the answers file and their sessions"
    )
    clients.set_defaults(run=_clients)

    importer = sub.add_parser("import", help="add a workbook backup (JSON) to the answers file")
    importer.add_argument("file", type=Path, help="a backup downloaded from the workbook")
    importer.add_argument(
        "--as-client",
        metavar="ID",
        help="file the answers under this client id (one person's backup)",
    )
    importer.set_defaults(run=_import)

    export = sub.add_parser("export", help="export answers as CSV, Excel, JSON or an HTML report")
    export.add_argument("--format", required=True, choices=FORMATS)
    export.add_argument(
        "-o", "--output", required=True, type=Path, metavar="FILE",
        help="the file to write (or an existing folder: one file per client)",
    )  # fmt: skip
    export.add_argument("--client", action="append", default=[], metavar="ID")
    export.add_argument("--session", action="append", default=[], metavar="ID")
    export.add_argument("--step", metavar="ID", help="only this step or section, e.g. step-04")
    export.add_argument(
        "--since", metavar="DATE", type=_date, help="answers saved on or after YYYY-MM-DD"
    )
    export.add_argument(
        "--deidentify", action="store_true",
        help="random pseudonyms, days since the first session instead of dates, free text left out",
    )  # fmt: skip
    export.add_argument(
        "--keep-text",
        action="store_true",
        help="with --deidentify: keep free text (it may name people)",
    )
    export.set_defaults(run=_export)

    from workbook import app

    app.add_parser(sub)
    return parser


def _where(_args: argparse.Namespace) -> int:
    print(settings.db_path())
    return 0


def _erase(args: argparse.Namespace) -> int:
    store = Store()
    client = None if args.all else settings.validate_id(args.client, "client id")
    who = "every answer" if client is None else f"every answer of client {client!r}"
    if not args.yes:
        if not sys.stdin.isatty():
            print(
                f"workbook: not erasing {who} without confirmation; add --yes to confirm.",
                file=sys.stderr,
            )
            return 2
        reply = input(
            f"Erase {who} in {store.path}? This cannot be undone. Type 'erase' to confirm: "
        )
        if reply.strip().lower() != "erase":
            print("Nothing was erased.")
            return 1
    if not store.path.exists():
        print(f"Nothing to erase: {store.path} does not exist.")
        return 0
    removed = store.erase(client)
    print(f"Erased {removed} saved answer(s) from {store.path}.")
    return 0


def _check_message(args: argparse.Namespace) -> int:
    from workbook.checks import check_message, encouragement, limits_note

    draft = sys.stdin.read()
    flags = check_message(draft)
    if args.json:
        print(json.dumps([f.to_dict() for f in flags], ensure_ascii=False, indent=1))
        return 0
    for flag in flags:
        print(
            f"[{flag.kind}] “{flag.text}”\n  Why: {flag.message}\n  Instead: {flag.alternative}\n"
        )
    if not flags:
        print(encouragement())
    print(limits_note())
    return 0


def _notebooks(args: argparse.Namespace) -> int:
    from workbook.notebooks import stale_notebooks, write_notebooks

    if args.check:
        stale = stale_notebooks(args.folder)
        for name in stale:
            print(f"{args.folder / name} differs from the content; run `workbook notebooks`.")
        return 1 if stale else 0
    for name in write_notebooks(args.folder):
        print(f"wrote {args.folder / name}")
    return 0


def _clients(_args: argparse.Namespace) -> int:
    from workbook.sessions import list_sessions

    store = Store()
    if not store.path.exists():
        print(f"No answers yet: {store.path} does not exist.")
        return 0
    sessions = list_sessions(store)
    if not sessions:
        print(f"No answers yet in {store.path}.")
    for client in sorted({s.client_id for s in sessions}):
        own = [s for s in sessions if s.client_id == client]
        print(f"{client}: {len(own)} session(s), {sum(s.answers for s in own)} saved answer(s)")
        for session in own:
            print(f"  {session.label}: {session.answers} answer(s)")
    return 0


def _import(args: argparse.Namespace) -> int:
    from workbook.backup import BackupError, restore

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"workbook: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        result = restore(Store(), data, as_client=args.as_client)
    except BackupError as exc:
        print(
            f"workbook: {args.file} was not imported. {exc} Nothing was changed.", file=sys.stderr
        )
        return 1
    print(
        f"Imported {args.file}: {result.added} answer(s) added, "
        f"{result.already_present} already present."
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from workbook.export import ExportError, ExportRequest, export
    from workbook.selection import Selection

    if args.keep_text and not args.deidentify:
        print("workbook: --keep-text only applies with --deidentify.", file=sys.stderr)
        return 2
    store = Store()
    if not store.path.exists():
        print(f"workbook: nothing to export: {store.path} does not exist.", file=sys.stderr)
        return 1
    request = ExportRequest(
        Selection(tuple(args.client), tuple(args.session), args.step, args.since),
        deidentify=args.deidentify,
        keep_text=args.keep_text,
    )
    try:
        written = export(store, args.format, args.output, request)
    except (ExportError, OSError) as exc:
        print(f"workbook: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-31") from None
