"""A counselor's store for tests: several clients, dated sessions, every kind of answer, hostile text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workbook import logs
from workbook.content import load_guide
from workbook.csi import instrument
from workbook.store import Answer, Store, new_answer

HOSTILE = (
    "<img src=x onerror=alert(1)>",
    '=HYPERLINK("http://example.invalid","click")',
    "+1+2",
    "-cmd",
    "@SUM(A1)",
    "\tTabbed",
    "\rReturned",
    "bell\x07inside",
    "Emoji 💔🙂 and naïve café",
)
START = datetime(2026, 9, 1, 15, 0, tzinfo=UTC)


def when(session: int, minute: int = 0) -> str:
    """Saved time: session N is N-1 weeks after the start, at 15:00 UTC plus minutes."""
    moment = START + timedelta(weeks=session - 1, minutes=minute)
    return moment.isoformat(timespec="microseconds")


def fill_sample_store(
    store: Store, clients: tuple[str, ...] = ("alex", "sam"), sessions: int = 3
) -> list[Answer]:
    """Fill `store` with checks, texts, ratings, choices, a log and the CSI-4 per session; return the rows."""
    guide = load_guide()
    step1 = guide.section("step-01").form_items
    checks = [i for i in step1 if i.kind == "check"][:4]
    texts = [i for i in step1 if i.kind == "text"][:2]
    worth = [i for i in guide.section("worth-fighting").form_items if i.kind == "rating"][:3]
    choice = next(i for s in guide.sections for i in s.form_items if i.kind == "choice")
    grounding = logs.log_definition("grounding")
    rows: list[Answer] = []
    for c, client in enumerate(clients):
        for n in range(1, sessions + 1):
            session_id = when(n)[:10]
            session: list[Answer] = []

            def add(
                step: str,
                item_id: str,
                kind: str,
                prompt: str,
                value: str,
                num: float | None,
                *,
                client: str = client,
                session_id: str = session_id,
                n: int = n,
                c: int = c,
                session: list[Answer] = session,
            ) -> None:
                session.append(
                    new_answer(
                        client_id=client, session_id=session_id, step_id=step, item_id=item_id,
                        kind=kind, prompt=prompt, value=value, value_num=num,
                        saved_at=when(n, len(session) + 1 + c),
                    )
                )  # fmt: skip

            for i, item in enumerate(checks):
                ticked = (i + n + c) % 2 == 0
                add(
                    item.step_id,
                    item.item_id,
                    "check",
                    item.prompt,
                    "true" if ticked else "false",
                    float(ticked),
                )
            for i, item in enumerate(texts):
                add(
                    item.step_id,
                    item.item_id,
                    "text",
                    item.prompt,
                    f"{HOSTILE[(i + n + c - 1) % len(HOSTILE)]} s{n}",
                    None,
                )
            for i, item in enumerate(worth):
                value = (i + n + c) % 5 + 1
                add(item.step_id, item.item_id, "rating", item.prompt, str(value), float(value))
            option = choice.options[(n + c) % len(choice.options)]
            add(
                choice.step_id,
                choice.item_id,
                "choice",
                choice.prompt,
                option.id,
                float(choice.options.index(option)),
            )
            for item in instrument().items:
                value = (n + c) % 4 + 1
                add(item.step_id, item.item_id, "rating", item.prompt, str(value), float(value))
            entry = f"entry{c}{n}"
            day = when(n)[:10]
            for field, value, num in (
                ("day", day, None),
                ("calm", str(3 + n), float(3 + n)),
                ("urge", str(8 - n), float(8 - n)),
                ("helped", '["breathe-journal", "sleep"]', 2.0),
                ("note", f"Walked by the river {HOSTILE[n % len(HOSTILE)]}", None),
            ):
                label = grounding.field(field).label
                add(grounding.step_id, f"grounding.{entry}.{field}", "log", label, value, num)
            rows.extend(session)
    store.append(rows)
    return rows
