"""The direct TOML writer: what it writes parses back to the same document, whatever the text."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import tomli
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acctmap_tui.core import session as session_io
from acctmap_tui.core import toml_io
from acctmap_tui.core.toml_io import dumps, inline, loads

EXAMPLE = Path(__file__).resolve().parents[2] / "sessions" / "example-2026-Q4-northwind-globex.toml"

HOSTILE = ['"', "'", "\\", "\\n", "\n", "\r\n", "\r", '"""', "'''", "\t", "\x00", "\x1b", "\x7f",
           "\u2028", "\ufeff", "é", "日本", "🙂", "=", "#", "[x]", "[[accounts]]", "a.b", " ", ""]


def plain(value):
    """A document with the inline markers taken off: what a parser should give back."""
    if isinstance(value, toml_io.Inline):
        return plain(value.value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def test_every_hostile_string_survives_as_value_and_as_key():
    doc = {f"k{i}": s for i, s in enumerate(HOSTILE)}
    doc["keys"] = {s: s for s in HOSTILE}
    doc["short"] = inline({s: [s, s] for s in HOSTILE[:5]})
    doc["list"] = HOSTILE
    doc["rows"] = [{"note": s, s: 1} for s in HOSTILE]
    assert loads(dumps(doc)) == plain(doc)


def test_notes_with_line_breaks_are_written_multi_line_unless_they_hold_a_carriage_return():
    text = dumps({"notes": 'line 1\nline "2" \\ end', "crlf": "a\r\nb"})
    assert 'notes = """\nline 1\nline \\"2\\" \\\\ end"""' in text
    assert 'crlf = "a\\r\\nb"' in text
    assert loads(text) == {"notes": 'line 1\nline "2" \\ end', "crlf": "a\r\nb"}


def test_short_inline_values_stay_on_one_line_and_long_ones_become_tables():
    doc = {"a": {"extra": inline({"Industry": "Retail", "Billing Country": "DE"}),
                 "big": inline({f"Column {i}": "x" * 20 for i in range(8)}),
                 "rows": inline([2, 40])}}
    text = dumps(doc)
    assert 'extra = { Industry = "Retail", "Billing Country" = "DE" }' in text
    assert "rows = [2, 40]" in text
    assert "[a.big]" in text
    assert loads(text) == plain(doc)


def test_numbers_dates_and_booleans():
    doc = {"i": -(2**62), "f": 95.0, "tiny": 1e-300, "inf": float("inf"), "t": True, "n": False,
           "d": date(2026, 12, 7), "dt": datetime(2026, 11, 25, 12, 18, 18, 5, tzinfo=timezone.utc)}
    assert loads(dumps(doc)) == doc


def test_the_example_session_round_trips_and_saving_again_changes_nothing(tmp_path):
    session = session_io.load(EXAMPLE)
    text = session_io.to_toml(session)
    again = session_io.from_toml(text)
    assert again == session
    assert session_io.to_toml(again) == text


keys = st.text(max_size=6) | st.sampled_from(HOSTILE)
texts = st.lists(st.sampled_from(HOSTILE) | st.characters(blacklist_categories=("Cs",)),
                 max_size=8).map("".join)
scalars = (texts | st.integers(-(2**63), 2**63 - 1) | st.booleans()
           | st.floats(allow_nan=False) | st.dates()
           | st.datetimes(timezones=st.just(timezone.utc)))
arrays = st.lists(scalars | st.lists(scalars, max_size=3), max_size=4)
tables = st.recursive(
    st.dictionaries(keys, scalars | arrays, max_size=4),
    lambda inner: st.dictionaries(keys, inner | st.lists(inner, min_size=1, max_size=3)
                                  | st.builds(inline, inner), max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_any_document_parses_back_as_tomli_w_would_write_it(doc):
    expected = plain(doc)
    assert loads(dumps(doc)) == expected
    assert tomli.loads(tomli_w.dumps(expected)) == expected  # the reference agrees on the same input
