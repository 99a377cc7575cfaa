"""Due dates as people type them on a call: "2026-12-09", "next friday", "+2w", "in 10 days".

ISO dates are read directly; anything else goes to `dateparser` (imported on first use: it takes
about 0.4 s to import), relative to the day of the call and preferring the future. A text it
cannot read is a ValueError whose message says what is accepted.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

DEFAULT_DUE_AFTER = timedelta(days=14)  # a new next action is due two weeks after the call
_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_SHORTHAND = re.compile(r"^\+\s*(\d{1,3})\s*([dwm])$", re.IGNORECASE)  # "+2w": dateparser reads it too,
_UNITS = {"d": "days", "w": "weeks", "m": "months"}                      # but only as "in 2 weeks"
ACCEPTED = "a date (2026-12-09, Dec 9), a day (friday, next friday, tomorrow) or a span (+2w, in 10 days)"


def default_due(call_day: date) -> date:
    """The due date a next action gets when nobody names one."""
    return call_day + DEFAULT_DUE_AFTER


def parse_due(text: str, today: date) -> date | None:
    """The day `text` names, relative to `today`; None for an empty text (no due date)."""
    text = " ".join(text.split())
    if not text:
        return None
    if _ISO.match(text):
        try:
            return date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
        except ValueError:
            raise ValueError(f"Due date “{text}” is not a real day.") from None
    if found := _SHORTHAND.match(text):
        text = f"in {found.group(1)} {_UNITS[found.group(2).lower()]}"
    import datetime as _dt

    import dateparser

    parsed = dateparser.parse(
        text, languages=["en"],
        settings={"RELATIVE_BASE": _dt.datetime.combine(today, _dt.time()),
                  "PREFER_DATES_FROM": "future", "RETURN_AS_TIMEZONE_AWARE": False},
    )
    if parsed is None:
        raise ValueError(f"Due date “{text}” is not {ACCEPTED}.")
    return parsed.date()


def describe_due(day: date | None, today: date) -> str:
    """'Fri 4 Dec 2026 (in 5 days)': the day a typed due date was read as, to check it."""
    if day is None:
        return "no due date"
    delta = (day - today).days
    when = ("today" if delta == 0 else "tomorrow" if delta == 1 else "yesterday" if delta == -1
            else f"in {delta} days" if delta > 0 else f"{-delta} days ago")
    return f"{day:%a} {day.day} {day:%b %Y} ({when})"
