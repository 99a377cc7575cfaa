"""`acctmap diff --partner-safe`: where no account's key may show (a domain is private), the
report has no key column or field in any format or table (accounts and last time's actions), as a
private due date has no column: it was a column empty on every row, which a CSV or JSON reader
keys rows by. Where some keys may show (domains shared, names private: an account keyed by its
name has none), the column stays and the privacy line says why some keys are empty."""

from __future__ import annotations

import csv
import io
import json

import pytest

from acctmap_tui import cli
from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import CUSTOMER, OURS, PARTNER, PROSPECT
from acctmap_tui.core.sharing import default_field_policy
from tests.core.compare_factory import Q3, Q4, acct, session

MARK = "zqxjdomain"  # in every domain, and nowhere else
FORMATS = ("text", "md", "csv", "json")
DOMAINS_PRIVATE = {"ours": ((OURS, "domain"),), "theirs": ((PARTNER, "domain"),),
                   "both": ((OURS, "domain"), (PARTNER, "domain"))}
NAMES_PRIVATE = ((OURS, "name"), (PARTNER, "name"))
EMPTY_KEYS = "has an empty key"


def _sessions(tmp_path, private=()):
    """Last quarter and this one, saved: an account changed, one gone, one new, one matched by
    name (no domain: its key is a name key), each with an action agreed last time."""
    old = session([
        acct(f"alpha.{MARK}.com", "Alpha Corp", PROSPECT, PROSPECT, owner="Dana",
             next_action="Intro call"),
        acct(f"gone.{MARK}.com", "Gone Ltd", CUSTOMER, PROSPECT, next_action="Send deck"),
        acct("", "Nameonly GmbH", PROSPECT, CUSTOMER, next_action="Joint plan"),
    ], day=Q3)
    new = session([
        acct(f"alpha.{MARK}.com", "Alpha Corp", CUSTOMER, CUSTOMER, owner="Sam",
             next_action="Intro call"),
        acct(f"fresh.{MARK}.com", "Fresh Inc", CUSTOMER, PROSPECT),
        acct("", "Nameonly GmbH", CUSTOMER, CUSTOMER, next_action="Joint plan"),
    ], day=Q4)
    paths = []
    for s, name in ((old, "old.toml"), (new, "new.toml")):
        s.fields = default_field_policy(s)
        for f in s.fields:
            if (f.side, f.name) in private:
                f.shareable = False
        session_io.save(s, tmp_path / name)
        paths.append(str(tmp_path / name))
    return paths


def diff(capsys, paths, fmt, *flags) -> tuple[str, str]:
    assert cli.main(["diff", *paths, "--format", fmt, *flags]) == 0
    captured = capsys.readouterr()
    return captured.out, captured.err


def key_columns(out: str, fmt: str) -> list[bool]:
    """For each table of the report that lists accounts or last time's actions, whether it has
    a key column (JSON: a key field on every row; text: the actions table)."""
    if fmt == "csv":
        return ["key" in next(csv.reader(io.StringIO(out)))]
    if fmt == "json":
        doc = json.loads(out)
        return [bool(doc[table]) and all("key" in row for row in doc[table])
                for table in ("accounts", "actions")]
    lines = out.splitlines()
    if fmt == "md":  # a table's header is the line above its | --- | line
        heads = [[c.strip() for c in line.strip("|").split("|")]
                 for line, below in zip(lines, lines[1:]) if below.startswith("| ---")]
        return ["Key" in head for head in heads if head[0] != "Metric"]
    return ["key" in next(line for line in lines if line.split()[:1] == ["state"]).split()]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("which", DOMAINS_PRIVATE)
def test_with_a_domain_private_the_partner_safe_report_has_no_key_column(tmp_path, capsys, fmt,
                                                                         which):
    paths = _sessions(tmp_path, DOMAINS_PRIVATE[which])
    out, err = diff(capsys, paths, fmt, "--partner-safe")
    assert MARK not in out and MARK not in err
    tables = key_columns(out, fmt)
    assert len(tables) == {"csv": 1, "json": 2, "md": 4, "text": 1}[fmt]
    assert not any(tables), tables
    assert EMPTY_KEYS not in out + err  # no key at all: nothing to explain
    for name in ("Fresh Inc", "Gone Ltd", "Alpha Corp", "Nameonly GmbH"):  # every row is there
        assert name in out
    if fmt == "text":  # an account line: its mark, then its name (no blank key between)
        assert "  +++ Fresh Inc  [" in out and "  --- Gone Ltd  [" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_internal_report_keeps_its_key_column(tmp_path, capsys, fmt):
    paths = _sessions(tmp_path, DOMAINS_PRIVATE["both"])
    out, err = diff(capsys, paths, fmt)
    tables = key_columns(out, fmt)
    assert tables and all(tables), tables
    assert f"fresh.{MARK}.com" in out and EMPTY_KEYS not in out + err
    if fmt == "text":
        assert f"  +++ fresh.{MARK}.com  Fresh Inc  [" in out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("names_private", [False, True])
def test_with_domains_shared_the_key_column_stays(tmp_path, capsys, fmt, names_private):
    """Names private: the account matched by name has an empty key (its key is a name key), and
    the privacy line says why; every name and domain shared: every key shows."""
    paths = _sessions(tmp_path, NAMES_PRIVATE if names_private else ())
    out, err = diff(capsys, paths, fmt, "--partner-safe")
    tables = key_columns(out, fmt)
    assert tables and all(tables), tables
    assert f"fresh.{MARK}.com" in out
    assert ("nameonly" in out.casefold()) != names_private
    if fmt == "csv":
        keys = [row["key"] for row in csv.DictReader(io.StringIO(out))]
    elif fmt == "json":
        keys = [row["key"] for table in ("accounts", "actions") for row in json.loads(out)[table]]
    elif fmt == "md":  # the empty Key cell before the placeholder name
        keys = [""] if "|  | (our name hidden) |" in out else ["name:nameonly gmbh"]
    else:  # the account line: its mark, an empty key, its name
        keys = [""] if "  ->    (our name hidden)  [" in out else ["name:nameonly gmbh"]
    assert ("" in keys) == names_private
    if fmt != "json":  # JSON has no privacy line (the CSV's is on stderr)
        assert (EMPTY_KEYS in (err if fmt == "csv" else out)) == names_private
