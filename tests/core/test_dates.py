"""Due dates typed the way people say them, read relative to the day of the call."""

from datetime import date

import pytest

from acctmap_tui.core.dates import default_due, describe_due, parse_due

CALL = date(2026, 11, 29)  # a Sunday


@pytest.mark.parametrize("text, day", [
    ("2026-12-09", date(2026, 12, 9)),
    ("2026-1-5", date(2026, 1, 5)),
    ("", None),
    ("   ", None),
    ("tomorrow", date(2026, 11, 30)),
    ("next friday", date(2026, 12, 4)),
    ("friday", date(2026, 12, 4)),
    ("+2w", date(2026, 12, 13)),
    ("+ 10d", date(2026, 12, 9)),
    ("+1m", date(2026, 12, 29)),
    ("in 2 weeks", date(2026, 12, 13)),
    ("Dec 7", date(2026, 12, 7)),
    ("7 December 2026", date(2026, 12, 7)),
])
def test_due_dates_as_typed(text, day):
    assert parse_due(text, CALL) == day


@pytest.mark.parametrize("text", ["2026-02-30", "soonish", "next blursday", "2026-13-01"])
def test_unreadable_due_dates_say_what_is_accepted(text):
    with pytest.raises(ValueError, match="Due date"):
        parse_due(text, CALL)


def test_the_default_due_date_is_two_weeks_after_the_call():
    assert default_due(CALL) == date(2026, 12, 13)


def test_a_read_date_is_described_for_checking():
    assert describe_due(date(2026, 12, 4), CALL) == "Fri 4 Dec 2026 (in 5 days)"
    assert describe_due(None, CALL) == "no due date"
