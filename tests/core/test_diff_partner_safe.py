"""`acctmap diff --partner-safe`: no private field in any format; formula cells neutralised."""

import csv
import io
import json
from datetime import date

import pytest

from acctmap_tui import cli
from acctmap_tui.core import compare
from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import SESSION_SIDE as SESSION
from acctmap_tui.core.sharing import default_field_policy
from acctmap_tui.core.model import CUSTOMER, PARTNER, PROSPECT, FieldInfo
from tests.core.compare_factory import Q3, Q4, acct, session

MARK = "ZQXJ-PRIVATE"
PRIORITY_MARK = 987_651  # priorities are numbers: a number found nowhere else
RANK_FIELDS = ("rank", "priority")


def _pair(owner_private: bool = False, their_name_private: bool = False):
    old = session([
        acct("alpha.com", "Alpha", PROSPECT, PROSPECT, priority=PRIORITY_MARK - 1,
             owner=f"Dana {MARK}" if owner_private else "Dana", next_action="Intro call",
             due=date(2026, 9, 1), notes=f"old note {MARK}"),
        acct("gone.com", "Gone Ltd", CUSTOMER, PROSPECT, priority=PRIORITY_MARK - 2,
             notes=f"gone note {MARK}", next_action="Send deck"),
    ], day=Q3, our_size=10, their_size=10)
    new = session([
        acct("alpha.com", "Alpha", CUSTOMER, CUSTOMER, priority=PRIORITY_MARK,
             owner=f"Sam {MARK}" if owner_private else "Sam", next_action="=HYPERLINK(\"x\")",
             due=date(2026, 12, 1), notes=f"new note {MARK}",
             their_name=f"Alpha {MARK}" if their_name_private else "Alpha"),
        acct("fresh.com", "+Fresh", CUSTOMER, PROSPECT, priority=PRIORITY_MARK + 1,
             notes=f"fresh {MARK}", next_action="@cmd"),
        acct("quiet.com", "Quiet", PROSPECT, PROSPECT, priority=3, notes=f"only notes {MARK}"),
    ], day=Q4, our_size=10, their_size=10)
    old.accounts.append(acct("quiet.com", "Quiet", PROSPECT, PROSPECT, priority=3, notes="before"))
    for s in (old, new):
        s.fields = default_field_policy(s)
        for f in s.fields:
            if owner_private and (f.side, f.name) == (SESSION, "owner"):
                f.shareable = False
            if their_name_private and (f.side, f.name) == (PARTNER, "name"):
                f.shareable = False
    return old, new


def _save(tmp_path, old, new):
    a, b = tmp_path / "old.toml", tmp_path / "new.toml"
    session_io.save(old, a)
    session_io.save(new, b)
    return a, b


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["text", "md", "csv", "json"])
@pytest.mark.parametrize("private", [(False, False), (True, True)])
def test_partner_safe_diff_holds_no_private_field(tmp_path, capsys, fmt, private):
    old, new = _pair(*private)
    a, b = _save(tmp_path, old, new)
    code, out = run(capsys, "diff", a, b, "--format", fmt, "--partner-safe")
    assert code == 0
    assert MARK not in out
    for n in range(PRIORITY_MARK - 2, PRIORITY_MARK + 2):
        assert str(n) not in out
    assert "Activation rate" not in out  # counted over the top accounts by the private priority
    if fmt == "csv":
        header = next(csv.reader(io.StringIO(out)))
        assert not set(RANK_FIELDS + ("notes",)) & set(header)
    if fmt == "json":
        doc = json.loads(out)
        assert doc["partner_safe"] is True and doc["private_fields"] == []
        assert not any(k in (acc["new"] or {}) for acc in doc["accounts"] for k in RANK_FIELDS)
        assert "quiet.com" not in {acc["key"] for acc in doc["accounts"]}  # notes-only change
    if fmt in ("text", "md"):
        assert "Partner-safe" in out
    assert "alpha.com" in out and "fresh.com" in out  # the shareable parts are still there


@pytest.mark.parametrize("fmt", ["text", "md", "json", "csv"])
def test_default_diff_says_it_holds_private_fields(tmp_path, capsys, fmt):
    a, b = _save(tmp_path, *_pair())
    code = cli.main(["diff", str(a), str(b), "--format", fmt])
    out, err = capsys.readouterr()
    assert code == 0 and MARK in out  # the internal report keeps the notes ...
    if fmt == "csv":  # said beside the CSV, on stderr, never inside it
        assert "Holds private fields (priority, rank, notes)" in err
        assert "Holds" not in out
    elif fmt == "json":
        assert set(json.loads(out)["private_fields"]) == {"priority", "rank", "notes"}
    else:
        assert "Holds private fields (priority, rank, notes)" in out and "--partner-safe" in out


def test_a_diff_of_shareable_fields_only_says_so():
    old, new = _pair()
    for s in (old, new):
        s.fields = [FieldInfo(f.side, f.name, f.column, True) for f in s.fields]
    d = compare.diff_sessions(old, new)
    assert d.private == []
    assert "Holds no private fields" in compare.render_text(d)


@pytest.mark.parametrize("partner_safe", [False, True])
def test_diff_csv_neutralises_formula_cells(tmp_path, capsys, partner_safe):
    a, b = _save(tmp_path, *_pair())
    code, out = run(capsys, "diff", a, b, "--format", "csv", *(["--partner-safe"] * partner_safe))
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["alpha.com"]["next action"] == 'Intro call->=HYPERLINK("x")'  # not a formula
    assert rows["fresh.com"]["name"] == "'+Fresh"
    assert rows["fresh.com"]["next action"] == "'@cmd"
    assert rows["fresh.com"]["@@"] == "+++"  # the daff marks are ours and stay readable
    for row in rows.values():
        for cell in list(row.values())[1:]:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
