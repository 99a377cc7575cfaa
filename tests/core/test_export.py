"""Action lists: order and rank, CSV/Markdown escaping, partner-safe exports that leak nothing."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from acctmap_tui.core import export, sharing
from acctmap_tui.core.model import (
    ACCEPTED,
    AUTO,
    CATEGORY_BY_KEY,
    CUSTOMER,
    OPEN_DEAL,
    OURS,
    PARTNER,
    PROSPECT,
    REJECTED,
    REVIEW,
    Account,
    AcctmapError,
    FieldInfo,
    MatchInfo,
    Record,
    Session,
    Source,
)

REVENUE = "USD 987,654,321"  # planted private values: must never reach a partner
SECRET_NOTE = "they are about to churn, keep quiet"
SECRET_COUNTRY = "Freedonia"
HASH = "c0ffee" * 10 + "beef"


def rec(name: str, domain: str, status: str | None, **kw) -> Record:
    return Record(name=name, domain=domain, status=status, raw_status=status or "", **kw)


def account(ours: Record, theirs: Record, priority: int, decision: str = AUTO, **kw) -> Account:
    return Account(ours, theirs, MatchInfo("domain", 100.0, decision), priority=priority, **kw)


def make_session(fields: list[FieldInfo] | None = None) -> Session:
    acme = account(
        rec("Acme, Inc.", "acme.com", CUSTOMER, owner="Dana Reyes",
            extra={"Annual Revenue": REVENUE, "Industry": "Software"}),
        rec("ACME Corp", "acme.com", OPEN_DEAL, extra={"Country": SECRET_COUNTRY}),
        priority=20, category="ours-customer-their-prospect", owner="Priya (Globex AE)",
        next_action="Reference call for their Dec deal", due=date(2026, 12, 7), notes=SECRET_NOTE,
    )
    blue = account(rec("Blue Harbor", "blueharbor.io", CUSTOMER, extra={"Annual Revenue": "12"}),
                   rec("Blue Harbour", "blueharbor.io", CUSTOMER), priority=11,
                   category="shared-customer", decision=ACCEPTED)
    # same priority as Blue Harbor: ties go by name, so "Aurora" ranks first
    aurora = account(rec("Aurora Labs", "auroralabs.com", PROSPECT),
                     rec("Aurora", "auroralabs.com", PROSPECT), priority=11,
                     category="mutual-prospect")
    waiting = account(rec("Cobalt", "cobalt.de", PROSPECT), rec("Kobalt", "kobalt.de", CUSTOMER),
                      priority=30, decision=REVIEW)
    turned_down = account(rec("Martin", "martin.fr", PROSPECT),
                          rec("Martin", "martin.com", CUSTOMER), priority=40, decision=REJECTED)
    return Session(
        ours="Northwind", partner="Globex", title="Northwind x Globex",
        sources=[Source(OURS, "Northwind", "n.csv", columns={"name": "Account Name",
                        "domain": "Website", "status": "Type", "owner": "Account Owner"}),
                 Source(PARTNER, "Globex", "g.csv")],
        fields=fields if fields is not None else [],
        accounts=[acme, blue, aurora, waiting, turned_down],
    )


def with_default_policy(s: Session) -> Session:
    s.fields = sharing.default_field_policy(s)
    return s


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def all_exports(s: Session, tmp_path, partner_safe: bool, all_fields: bool = False) -> dict[str, str]:
    out = {}
    for fmt in ("csv", "md"):
        path = export.write_export(s, tmp_path / f"out-{partner_safe}-{all_fields}.{fmt}", fmt,
                                   partner_safe=partner_safe, all_fields=all_fields)
        out[fmt] = path.read_text(encoding="utf-8-sig")
    return out


# --- the action list --------------------------------------------------------------------------


def test_action_rows_are_the_overlap_by_priority_with_rank():
    rows = export.action_rows(make_session())
    assert [r["account"] for r in rows] == ["Acme, Inc.", "Aurora Labs", "Blue Harbor"]
    assert [r["rank"] for r in rows] == ["1", "2", "3"]
    first = rows[0]
    assert first["our status"] == CUSTOMER and first["their status"] == OPEN_DEAL
    cat = CATEGORY_BY_KEY["ours-customer-their-prospect"]
    assert (first["category"], first["play"]) == (cat.label, cat.play)
    assert (first["due"], first["priority"]) == ("2026-12-07", "20")
    assert list(first)[: len(export.ACTION_COLUMNS)] == export.ACTION_COLUMNS


def test_top_limits_the_list():
    rows = export.action_rows(make_session(), top=2)
    assert [r["rank"] for r in rows] == ["1", "2"]


def test_full_export_keeps_our_private_columns(tmp_path):
    # the internal list with all fields does carry notes and list columns: proof the
    # partner-safe test can fail
    for text in all_exports(make_session(), tmp_path, partner_safe=False, all_fields=True).values():
        assert REVENUE in text and SECRET_NOTE in text and SECRET_COUNTRY in text


def test_default_export_holds_only_the_template_columns(tmp_path):
    for text in all_exports(make_session(), tmp_path, partner_safe=False).values():
        assert REVENUE not in text and SECRET_NOTE not in text and SECRET_COUNTRY not in text
    assert export.action_columns(make_session()) == export.ACTION_COLUMNS


# --- partner-safe ------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["defaults-in-session", "no-fields-recorded"])
def test_partner_safe_export_holds_no_private_column_or_value(tmp_path, policy):
    s = make_session()
    if policy == "defaults-in-session":
        with_default_policy(s)
    columns = export.action_columns(s, shareable_only=True)
    assert {"account", "domain", "our status", "their status", "category", "play",
            "next action", "owner", "due"} <= set(columns)
    exports = all_exports(s, tmp_path, partner_safe=True)
    header = parse_csv(exports["csv"])[0].keys()
    assert list(header) == columns
    for text in exports.values():
        for private in (REVENUE, SECRET_NOTE, SECRET_COUNTRY, "Annual Revenue", "Industry",
                        "Dana Reyes", "priority", "notes"):
            assert private not in text
        assert "Reference call for their Dec deal" in text  # the plan itself is shared


@pytest.mark.parametrize("fmt", ["csv", "md", "salesforce", "hubspot"])
def test_a_partner_safe_list_tells_no_private_priority_order(tmp_path, fmt):
    """While the priority is private (the default), a partner-safe list has no rank column and
    goes by name, as the share-safe screens do: the order would tell the priority."""
    s = with_default_policy(make_session())
    rows = export.action_rows(s, shareable_only=True)
    assert "rank" not in export.action_columns(s, shareable_only=True) and "rank" not in rows[0]
    assert [r["account"] for r in rows] == ["Acme, Inc.", "Aurora Labs", "Blue Harbor"]
    s.accounts[0].ours.name = "Zenith"  # the top account by priority, last by name
    path = export.write_export(s, tmp_path / f"list.{fmt}", fmt, partner_safe=True)
    text = path.read_text(encoding="utf-8-sig")
    assert text.index("Aurora") < text.index("Blue Harbor") < text.index("Zenith")
    internal = export.action_rows(s)
    assert [r["account"] for r in internal][0] == "Zenith" and internal[0]["rank"] == "1"


def test_a_partner_safe_list_keeps_the_rank_when_the_priority_is_shared():
    s = with_default_policy(make_session())
    for f in s.fields:
        if (f.side, f.name) == ("session", "priority"):
            f.shareable = True
    rows = export.action_rows(s, shareable_only=True)
    assert [(r["rank"], r["account"]) for r in rows] == [
        ("1", "Acme, Inc."), ("2", "Aurora Labs"), ("3", "Blue Harbor")]


def test_marking_a_column_shareable_puts_it_in_the_partner_export(tmp_path):
    s = with_default_policy(make_session())
    for f in s.fields:
        if (f.side, f.name) == (OURS, "Industry"):
            f.shareable = True
        if (f.side, f.name) == ("session", "next_action"):
            f.shareable = False
    rows = export.action_rows(s, shareable_only=True)
    assert rows[0]["our Industry"] == "Software"
    assert "next action" not in rows[0]
    assert REVENUE not in repr(rows)


def test_hashed_partner_list_shows_only_its_status(tmp_path):
    s = make_session()
    s.accounts[0].theirs = Record(name="", domain=HASH, status=OPEN_DEAL, hashed=True)
    s.accounts[0].ours.domain = ""  # our side has no domain either: never fall back to the hash
    for partner_safe in (False, True):
        rows = export.action_rows(s, shareable_only=partner_safe)
        acme = next(r for r in rows if r["account"] == "Acme, Inc.")
        assert acme["their status"] == OPEN_DEAL and acme["domain"] == ""
        for text in all_exports(s, tmp_path, partner_safe).values():
            assert HASH not in text


# --- formats ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("=SUM(1)", "'=SUM(1)"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("00123", "00123"), ("a=b", "a=b"), ("", ""),
])
def test_safe_cell_escapes_formulas_only(value, expected):
    assert export.safe_cell(value) == expected


def test_csv_round_trips_text_exactly_except_formulas(tmp_path):
    rows = [{"id": "00123", "name": 'He said "hi", then left\nsecond line', "f": "=HYPERLINK(1)",
             "u": "Zürich 日本"}]
    path = export.write_csv(tmp_path / "x.csv", rows, ["id", "name", "f", "u"])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    (back,) = parse_csv(raw.decode("utf-8-sig"))
    assert back == {"id": "00123", "name": 'He said "hi", then left\nsecond line',
                    "f": "'=HYPERLINK(1)", "u": "Zürich 日本"}


def _cells(line: str) -> list[str]:
    """Split a Markdown table row on unescaped pipes."""
    cells, cur, i = [], "", 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            cur += line[i: i + 2]
            i += 2
            continue
        if line[i] == "|":
            cells.append(cur)
            cur = ""
        else:
            cur += line[i]
        i += 1
    return [c.strip() for c in cells[1:]]


def test_markdown_escapes_pipes_backslashes_and_line_breaks():
    rows = [{"a|b": "x | y", "path": "C:\\temp\\", "note": "one\ntwo\r\nthree"}]
    text = export.to_markdown(rows, ["a|b", "path", "note"], title="Q4 | list")
    lines = text.splitlines()
    assert lines[0] == "# Q4 \\| list"
    table = lines[2:]
    assert len(table) == 3  # header, rule, one row: the line breaks stayed inside the cell
    assert [len(_cells(line)) for line in table] == [3, 3, 3]
    assert _cells(table[0])[0] == "a\\|b"
    assert _cells(table[2]) == ["x \\| y", "C:\\\\temp\\\\", "one<br>two<br>three"]


def test_markdown_writes_control_characters_as_escapes():
    """A note with ESC, NUL or DEL (a hand-edited session) must not recolour or move the
    terminal of whoever prints the .md: the list reader drops them, the session reader keeps
    them, so the writer escapes them."""
    text = export.to_markdown([{"note": "a\x00b\x1b[31mred\x7f\u2028x\ty"}], ["note"], title="Q4\x1b]0;x")
    assert not any(c in text for c in "\x00\x1b\x7f\u2028")
    assert "a\\x00b\\x1b[31mred\\x7f\\u2028x\ty" in text and "# Q4\\x1b]0;x" in text


def test_markdown_export_has_title_and_a_row_per_overlap_account(tmp_path):
    path = export.write_export(make_session(), tmp_path / "a" / "list.md", "md")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# Northwind x Globex")
    assert sum(1 for line in lines if line.startswith("| ")) == 2 + 3  # header, rule, 3 accounts


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(AcctmapError, match="xlsx"):
        export.write_export(make_session(), tmp_path / "x.pdf", "pdf")
