"""The data dictionary that travels with every export: what each column means, and every item's codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workbook.content import FormItem, Guide, load_guide
from workbook.logs import LogField, choices

DICTIONARY_COLUMNS = ("entry", "step_id", "item_id", "kind", "text", "codes")
LOG_ENTRY = "<entry>"

COLUMN_MEANINGS = (
    (
        "entry_id",
        "text (uuid4)",
        "Unique per saved answer; importing the same answer twice adds it once.",
    ),
    ("client_id", "text", "Pseudonymous id of the person (default `me`)."),
    ("session_id", "text", "One sitting or counselor session (by default the local date)."),
    ("step_id", "text", "Stable id of the step or section, e.g. step-01, mistakes, csi4."),
    (
        "item_id",
        "text",
        "Stable id of the item within the step (log items: <log>.<entry>.<field>).",
    ),
    ("kind", "text", "check, text, rating, choice or log."),
    ("prompt", "text", "The item's text as shown when it was answered."),
    ("value", "text", "The answer as text."),
    (
        "value_num",
        "number",
        "Numeric code where one exists (check 0/1, rating, choice), else empty.",
    ),
    (
        "saved_at",
        "text (UTC ISO-8601)",
        "When the answer was saved. Every save is kept; the newest per item counts.",
    ),
)
DEIDENTIFIED_NOTES = {
    "entry_id": "De-identified: a new random id, unrelated to the workbook's own.",
    "client_id": "De-identified: a random pseudonym made for this export only.",
    "session_id": "De-identified: session-N, the session's number for that client.",
    "value": "De-identified: free text is removed ([text removed]) unless the export kept it; "
    "dates in logs are days since the client's first session.",
    "saved_at": "De-identified: whole days since the client's first session (0 = that day).",
}
SPREADSHEET_NOTE = (
    "In CSV and Excel files, text that a spreadsheet would run as a formula (starting with =, +, -, @, "
    "tab or return) starts with an apostrophe, and control characters are shown as \ufffd."
)


@dataclass(frozen=True)
class DictionaryRow:
    """One line of the data dictionary: a column of the answers table, or an item."""

    entry: str
    step_id: str
    item_id: str
    kind: str
    text: str
    codes: str


def data_dictionary(
    *, deidentified: bool = False, seen: Iterable[tuple[str, str, str, str]] = ()
) -> list[DictionaryRow]:
    """Every column, then every item the workbook asks (and any other item in `seen`: step, item, kind, prompt)."""
    rows = [
        DictionaryRow(
            "column",
            "",
            name,
            kind,
            f"{meaning} {DEIDENTIFIED_NOTES[name]}"
            if deidentified and name in DEIDENTIFIED_NOTES
            else meaning,
            "",
        )
        for name, kind, meaning in COLUMN_MEANINGS
    ]
    rows.append(DictionaryRow("note", "", "", "", SPREADSHEET_NOTE, ""))
    known = item_rows()
    rows.extend(known)
    listed = {(r.step_id, r.item_id) for r in known}
    for step_id, item_id, kind, prompt in sorted(set(seen)):
        key = (step_id, _log_pattern(item_id) if kind == "log" else item_id)
        if key not in listed:
            listed.add(key)
            rows.append(DictionaryRow("item", *key, kind, prompt, "not defined by this version"))
    return rows


def item_rows(guide: Guide | None = None) -> list[DictionaryRow]:
    """Every item this version of the workbook can save, with its numeric codes."""
    from workbook import apology, csi, logs  # these read their data files only when asked

    guide = guide or load_guide()
    rows = [_form_item(item) for section in guide.sections for item in section.form_items]
    rows.extend(_form_item(item) for item in csi.instrument().items)
    for log in logs.load_logs().logs:
        for field in log.fields:
            rows.append(
                DictionaryRow(
                    "item",
                    log.step_id,
                    f"{log.id}.{LOG_ENTRY}.{field.id}",
                    logs.LOG_KIND,
                    f"{log.title}: {field.label}",
                    _log_codes(field),
                )
            )
    step = apology.load_apology().step_id
    rows.append(
        DictionaryRow(
            "item",
            step,
            apology.VERSION_ITEM,
            apology.VERSION_KIND,
            apology.VERSION_PROMPT,
            "free text",
        )
    )
    return rows


def _form_item(item: FormItem) -> DictionaryRow:
    if item.kind == "check":
        codes = "value true = ticked (value_num 1), false = not ticked (0)"
    elif item.kind == "rating" and item.scale is not None:
        scale = item.scale
        codes = f"whole number {scale.min} to {scale.max}"
        if scale.labels:
            codes += ": " + "; ".join(
                f"{n} = {label}" for n, label in enumerate(scale.labels, start=scale.min)
            )
    elif item.kind == "choice":
        codes = "value is the option id; value_num: " + "; ".join(
            f"{n} = {o.id} ({o.text})" for n, o in enumerate(item.options)
        )
    else:
        codes = "free text"
    return DictionaryRow("item", item.step_id, item.item_id, item.kind, item.prompt, codes)


def _log_codes(field: LogField) -> str:
    if field.kind == "rating" and field.scale is not None:
        return f"whole number {field.scale[0]} to {field.scale[1]} (value_num the same)"
    if field.kind == "date":
        return "a date, YYYY-MM-DD"
    if field.kind == "multi":
        options = "; ".join(f"{o.id} ({o.text})" for o in field.options)
        return f"value is a JSON list of option ids: {options}; value_num = how many were chosen"
    if field.kind in ("choice", "yesno"):
        return "value is the option id: " + "; ".join(
            f"{o.id} ({o.text})" + ("" if o.num is None else f" = {o.num:g}")
            for o in choices(field)
        )
    return "free text"


def _log_pattern(item_id: str) -> str:
    log_id, _, rest = item_id.partition(".")
    _, _, field_id = rest.partition(".")
    return f"{log_id}.{LOG_ENTRY}.{field_id}"
