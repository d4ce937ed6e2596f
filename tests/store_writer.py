"""Append answers to the store in $WORKBOOK_DB one transaction at a time (for the concurrency test).

Usage: python store_writer.py GO_FILE CLIENT_ID COUNT

Creates GO_FILE.CLIENT_ID.ready, waits until GO_FILE exists (so that several writers start
together), then makes COUNT separate `Store.append` calls of one answer each, and prints a JSON
line with how many rows it added and its start and end times.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from workbook.store import Store, new_answer

WAIT_SECONDS = 60


def main(go_file: str, client_id: str, count: int) -> int:
    store = Store()
    Path(f"{go_file}.{client_id}.ready").touch()
    deadline = time.monotonic() + WAIT_SECONDS
    while not Path(go_file).exists():
        if time.monotonic() > deadline:
            print(f"{go_file} never appeared", file=sys.stderr)
            return 3
        time.sleep(0.001)
    started = time.time()
    added = 0
    for n in range(count):
        answer = new_answer(
            client_id=client_id,
            session_id="s1",
            step_id=f"step-{n % 10:02d}",
            item_id=f"{client_id}-item-{n:04d}",
            kind="text",
            prompt=f"Prompt {n}",
            value=f"{client_id} answer {n}",
            value_num=float(n),
        )
        added += store.append([answer])
    print(json.dumps({"client": client_id, "added": added, "start": started, "end": time.time()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
