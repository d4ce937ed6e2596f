"""Assessments: tallies from the latest answers, and guidance that puts safety first without judging."""

from __future__ import annotations

from pathlib import Path

from workbook.assessments import LET_GO_TEXT, REPAIR_TEXT, SAFETY_TEXT, summarize, summary_html
from workbook.store import Store, new_answer

TEXT_ITEM = "reflect.my-part"  # a written answer in Step 1


def tick(step: str, item: str, on: bool = True) -> None:
    Store().append(
        [new_answer(step_id=step, item_id=item, kind="check", prompt=item, value="true" if on else "false",
                    value_num=1.0 if on else 0.0)]
    )  # fmt: skip


def rate(item: str, value: int) -> None:
    Store().append(
        [new_answer(step_id="worth-fighting", item_id=item, kind="rating", prompt=item, value=str(value),
                    value_num=float(value))]
    )  # fmt: skip


def test_empty_store_tallies_zero_and_offers_both_paths(db: Path) -> None:
    summary = summarize(Store(), "me")
    assert (summary.worth.score, summary.worth.maximum) == (0, 32)
    assert (summary.harm.maximum, summary.let_go.maximum, summary.mistakes.maximum) == (7, 5, 8)
    page = summary_html(summary)
    assert "If you choose to repair" in page and "If you choose to let go" in page
    assert not summary.warning_signs


def test_ratings_add_up_and_strong_signs_are_listed(db: Path) -> None:
    rate("signs.both-care", 4)
    rate("signs.respect", 3)
    rate("signs.shared-values", 1)
    summary = summarize(Store(), "me")
    assert summary.worth.score == 8
    assert summary.worth.items == ("Both of you still care", "Respect exists at the core")


def test_harm_or_let_go_signs_lead_with_safety_and_letting_go(db: Path) -> None:
    rate("signs.both-care", 4)
    tick("harm-signs", "signs.eggshells")
    summary = summarize(Store(), "me")
    assert summary.warning_signs and summary.harm.items == ("You walk on eggshells daily",)
    page = summary_html(summary)
    assert (
        page.index("safety and well-being come first")
        < page.index(LET_GO_TEXT[:20])
        < page.index(REPAIR_TEXT[:20])
    )


def test_a_safety_signal_in_any_written_answer_leads_with_safety(db: Path) -> None:
    rate("signs.both-care", 4)
    Store().append(
        [new_answer(step_id="step-01", item_id=TEXT_ITEM, kind="text", prompt="What happened",
                    value="He hit me again last night.")]
    )  # fmt: skip
    summary = summarize(Store(), "me")
    assert summary.safety_signals and summary.warning_signs and not summary.harm.score
    page = summary_html(summary)
    assert (
        page.index(SAFETY_TEXT[:40]) < page.index(LET_GO_TEXT[:20]) < page.index(REPAIR_TEXT[:20])
    )


def test_calm_written_answers_raise_no_safety_signal(db: Path) -> None:
    Store().append(
        [new_answer(step_id="step-01", item_id=TEXT_ITEM, kind="text", prompt="What happened",
                    value="We argued about money and both said things we regret.")]
    )  # fmt: skip
    summary = summarize(Store(), "me")
    assert not summary.safety_signals and not summary.warning_signs
    assert summary_html(summary).index(REPAIR_TEXT[:20]) < summary_html(summary).index(
        LET_GO_TEXT[:20]
    )


def test_an_unticked_sign_no_longer_counts(db: Path) -> None:
    tick("step-10", "let-go-signs.abuse")
    tick("step-10", "let-go-signs.abuse", on=False)
    assert not summarize(Store(), "me").warning_signs


def test_mistakes_are_framed_as_ownership(db: Path) -> None:
    tick("mistakes", "sabotage.begging")
    page = summary_html(summarize(Store(), "me"))
    assert "1 of 8" in page and "ownership, not self-blame" in page
