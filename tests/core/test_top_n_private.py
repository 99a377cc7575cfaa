"""What a partner sees is never chosen by the private priority (core.score.goes_by_priority).

`acctmap export S.toml --partner-safe --top N` listed the N accounts with the highest priority:
`--top 1`, `--top 2`, ... gave the private order away one account at a time, and "scored or
planned" told which accounts have a priority at all. While the priority is private (the default),
a partner-safe list (and a CRM import file) refuses a top N and lists the whole overlap, and the
share-safe Assign list (`score.shared_plan`) is chosen by what the partner sees.
"""

from __future__ import annotations

import csv
import io

import pytest

from acctmap_tui import cli
from acctmap_tui.core import export, score
from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import CUSTOMER, PROSPECT, SESSION_SIDE, AcctmapError, FieldInfo
from acctmap_tui.core.sharing import SharePolicy, default_field_policy

from tests.core.compare_factory import acct, session

NAMES = ["Acme", "Blue Harbor", "Cobalt", "Deltaworks", "Evergreen", "Fjord", "Granite", "Helios"]
# priorities, one a name: the private order moves, and so does which accounts are "scored"
PRIORITIES = [
    [0, 0, 0, 0, 0, 0, 0, 0],
    [24, 18, 9, 6, 3, 0, 0, 0],
    [0, 0, 0, 3, 6, 9, 18, 24],
    [5, 0, 30, 0, 12, 0, 1, 0],
    [1, 2, 3, 4, 5, 6, 7, 8],
]
FORMATS = ["csv", "md", "xlsx", "salesforce", "hubspot"]
REFUSED = "refused"


def make(priorities: list[int], priority_shared: bool = False, private: tuple[str, ...] = (),
         planned: dict[str, dict[str, str]] | None = None):
    """Eight overlap accounts with `priorities`; the priority private unless `priority_shared`;
    `private`: call fields marked private too; `planned`: name -> owner / next_action."""
    planned = planned or {}
    s = session([acct(f"{n.lower().replace(' ', '')}.com", n, CUSTOMER, PROSPECT, priority=p,
                      **planned.get(n, {}))
                 for n, p in zip(NAMES, priorities)], top_n=3)
    s.session_id = "top-n-private"
    marks = {(SESSION_SIDE, "priority"): priority_shared, **{(SESSION_SIDE, f): False for f in private}}
    s.fields = [FieldInfo(f.side, f.name, f.column, marks.get((f.side, f.name), f.shareable))
                for f in default_field_policy(s)]
    return s


def names(rows: list[dict[str, str]], column: str = "account") -> list[str]:
    return [r[column] for r in rows]


def partner_safe_output(s, tmp_path, fmt: str, top: int | None) -> list[str] | str:
    """What the partner gets from `acctmap export --partner-safe [--top N]`: the accounts
    listed, in the file's order, or REFUSED (and then no file)."""
    path = tmp_path / f"out{export.EXPORT_FORMATS[fmt][1]}"
    path.unlink(missing_ok=True)
    try:
        export.write_export(s, path, fmt, top=top, partner_safe=True)
    except AcctmapError as err:
        assert str(err) == score.PRIVATE_TOP
        assert not path.exists()
        return REFUSED
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path).active
        header = [c.value for c in sheet[1]]
        return [row[header.index("account")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    text = path.read_text(encoding="utf-8-sig")
    if fmt == "md":
        return [line.split("|")[1].strip() for line in text.splitlines()[4:] if line.startswith("|")]
    return [r[0] for r in list(csv.reader(io.StringIO(text)))[1:]]


# --- partner-safe exports ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_partner_safe_top_n_is_refused_while_the_priority_is_private(tmp_path, fmt):
    """`--top 1`, `--top 2`, ... each listed one more account of the private order."""
    s = make(PRIORITIES[1])
    for top in range(1, len(NAMES) + 2):
        assert partner_safe_output(s, tmp_path, fmt, top) == REFUSED
    assert "private" in score.PRIVATE_TOP and "ctrl+o" in score.PRIVATE_TOP
    assert "leave out --top" in score.PRIVATE_TOP


@pytest.mark.parametrize("fmt", FORMATS)
def test_what_a_partner_safe_export_gives_is_the_same_whatever_the_priorities(tmp_path, fmt):
    """Change the private priorities: every partner-safe export, with or without a top N, gives
    the same (the whole overlap by name, or the refusal)."""
    for top in (None, 1, 2, 3, 5, 15):
        seen = {tuple(o) if isinstance(o := partner_safe_output(make(p), tmp_path, fmt, top), list)
                else o for p in PRIORITIES}
        assert len(seen) == 1, (top, seen)
    assert partner_safe_output(make(PRIORITIES[3]), tmp_path, fmt, None) == NAMES  # the overlap


def test_the_cli_refuses_a_partner_safe_top_n_with_the_reason(tmp_path, capsys):
    path = tmp_path / "s.toml"
    session_io.save(make(PRIORITIES[1]), path)
    for argv in (["--partner-safe", "--top", "1"], ["--partner-safe", "--top", "2", "--format", "md"],
                 ["--format", "salesforce", "--top", "1"]):
        out = tmp_path / "out.csv"
        code = cli.main(["export", str(path), *argv, "-o", str(out)])
        printed = capsys.readouterr()
        assert code == 2 and not out.exists(), argv
        assert f"acctmap: error: {score.PRIVATE_TOP}" in printed.err and "Wrote" not in printed.out
    code = cli.main(["export", str(path), "--partner-safe", "-o", str(out)])
    assert code == 0 and "header only" not in capsys.readouterr().out
    assert names(list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))) == NAMES


def test_a_top_n_goes_by_the_priority_where_it_may_and_only_there():
    """Internal lists, and partner-safe ones with the priority marked shared, keep today's top N;
    partner-safe ones with the priority private refuse it (`top_allowed` says which)."""
    private, shared = make(PRIORITIES[1]), make(PRIORITIES[1], priority_shared=True)
    for s in (private, shared):
        internal = export.action_rows(s, top=2)
        assert [(r["rank"], r["account"]) for r in internal] == [("1", "Acme"), ("2", "Blue Harbor")]
    rows = export.action_rows(shared, top=2, shareable_only=True)
    assert [(r["rank"], r["account"]) for r in rows] == [("1", "Acme"), ("2", "Blue Harbor")]
    assert score.planned_accounts(shared, 2, SharePolicy(shared).shareable) == shared.overlap()[:2]
    with pytest.raises(AcctmapError, match="--top picks accounts by priority"):
        export.action_rows(private, top=2, shareable_only=True)
    with pytest.raises(AcctmapError):
        score.planned_accounts(private, 2, SharePolicy(private).shareable)
    assert export.top_allowed(shared, "csv", partner_safe=True) and export.top_allowed(shared, "hubspot")
    assert not export.top_allowed(private, "csv", partner_safe=True)
    assert not export.top_allowed(private, "salesforce")  # a CRM file keeps to shared fields too
    assert export.top_allowed(private) and export.top_allowed(private, "md")  # internal lists


# --- the share-safe Assign list ------------------------------------------------------------------

PLANNED = {"Granite": {"owner": "Dana"}, "Helios": {"next_action": "Intro call"}}


def test_the_shared_plan_is_the_planned_accounts_and_the_first_n_by_name_whatever_the_priorities():
    lists = {tuple(a.name for a in score.shared_plan(s, SharePolicy(s).shareable))
             for s in (make(p, planned=PLANNED) for p in PRIORITIES)}
    assert lists == {("Acme", "Blue Harbor", "Cobalt", "Granite", "Helios")}  # top_n 3, then planned


def test_the_shared_plan_goes_only_by_the_plan_fields_the_partner_sees():
    """An owner marked private must not choose a row: the row would tell that it has one."""
    s = make(PRIORITIES[2], private=("owner",), planned=PLANNED)
    assert [a.name for a in score.shared_plan(s, SharePolicy(s).shareable)] == [
        "Acme", "Blue Harbor", "Cobalt", "Helios"]
    s = make(PRIORITIES[2], private=("owner", "next_action"), planned=PLANNED)
    assert [a.name for a in score.shared_plan(s, SharePolicy(s).shareable)] == ["Acme", "Blue Harbor", "Cobalt"]
