"""Rows a CRM list loses or garbles without a word (audit 15 F4, F5, F12): rows merged on one
domain whose other values differ, a row shifted by a quote left open, a header row repeated."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from acctmap_tui.core.ingest import read_list
from acctmap_tui.core.model import CUSTOMER, OURS

HEADER = "Account Name,Website,Type,Account Owner,ARR"
TEN = [f"Company {n:02} Ltd,company{n:02}.com,{'Customer' if n % 2 else 'Prospect'},Rep {n % 3},{n}000"
       for n in range(1, 11)]  # rows 2-11


def write(tmp_path: Path, lines: list[str], name: str = "l.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def messages(lst) -> list[str]:
    return [str(p) for p in lst.problems]


def account(lst, domain: str):
    return next(r for r in lst.records if r.domain == domain)


# --- F4: rows merged on one domain ----------------------------------------------------------------


def test_a_row_merged_on_its_domain_names_each_value_not_kept(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, *TEN,
                            "Company 05 EMEA GmbH,www.company05.com,Customer,Anna Berg,250000",  # row 12
                            TEN[2]])  # row 13: row 4 again, cell for cell
    lst = read_list(path, OURS)
    assert len(lst.records) == 10
    merged = account(lst, "company05.com")
    assert (merged.name, merged.owner, merged.extra, merged.rows) == (
        "Company 05 Ltd", "Rep 2", {"ARR": "5000"}, [6, 12])
    text = "\n".join(messages(lst))
    assert f"{path}: 1 duplicate row merged into 1 account: rows 4+13" in text
    assert "1 row merged into 1 account with rows of the same domain though their values differ" in text
    assert "rows 6+12" in text and "rows 4+13, 6+12" not in text  # row 12 is no duplicate
    assert "3 values not kept" in text
    for column, value, kept in (("Account Name", "Company 05 EMEA GmbH", "Company 05 Ltd"),
                                ("Account Owner", "Anna Berg", "Rep 2"), ("ARR", "250000", "5000")):
        assert f"row 12, column '{column}': '{value}' not kept (row 6's '{kept}' is)" in text


def test_the_owner_comes_with_the_status_kept(tmp_path: Path) -> None:
    """A customer row after a prospect row of the same domain: the account is the customer's,
    owner and all, not the customer status beside the prospect row's owner."""
    path = write(tmp_path, [HEADER, "Acme Ltd,acme.com,Prospect,Rep 2,1000",
                            "Acme EMEA GmbH,www.acme.com,Customer,Anna Berg,250000"])
    lst = read_list(path, OURS)
    (acme,) = lst.records
    assert (acme.status, acme.owner, acme.name, acme.extra) == (CUSTOMER, "Anna Berg", "Acme EMEA GmbH",
                                                                {"ARR": "250000"})
    text = "\n".join(messages(lst))
    assert "row 2, column 'Account Owner': 'Rep 2' not kept (row 3's 'Anna Berg' is)" in text
    assert "kept the values of the row with the strongest status" in text
    assert "disagree on status in 1 account" in text


def test_a_blank_filled_from_another_row_is_no_value_lost(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, "Acme Ltd,acme.com,Customer,,", "Acme Ltd,acme.com,Customer,Rep 2,1000"])
    lst = read_list(path, OURS)
    (acme,) = lst.records
    assert (acme.owner, acme.extra) == ("Rep 2", {"ARR": "1000"})
    assert messages(lst) == [f"{path}: 1 duplicate row merged into 1 account: rows 2+3"]


def test_every_value_not_kept_is_counted_and_a_few_shown(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER] + [f"Acme,acme.com,Customer,Rep {n},{n}" for n in range(8)])
    lst = read_list(path, OURS)
    (line,) = [m for m in messages(lst) if "not kept" in m]
    assert "14 values not kept: row 3, column 'Account Owner': 'Rep 1' not kept (row 2's 'Rep 0' is)" in line
    assert line.count("not kept (") == 5 and line.endswith("; ...")


# --- F5: a quote left open shifts a row's cells -----------------------------------------------------


QUOTED = ['"Account Name","Website","Type","Account Owner"'] + [
    f'"Company {n:02} Ltd","company{n:02}.com","{"Customer" if n % 2 else "Prospect"}","Rep {n % 3}"'
    for n in range(1, 11)]


def test_a_quote_left_open_is_named_not_a_bad_website_and_status(tmp_path: Path) -> None:
    lines = list(QUOTED)
    lines[8] = '"Company 08 Ltd,"company08.com","Prospect","Rep 2"'  # row 9
    lst = read_list(write(tmp_path, lines), OURS)
    assert lst.rows_read == 10 and len(lst.records) == 9
    (problem,) = lst.problems
    assert (problem.row, problem.column) == (9, "Account Name")
    assert "a quote in this cell is not closed, so the row's cells are shifted" in problem.message
    assert "fix the quote in the file" in problem.message


def test_a_quote_left_open_among_addresses_over_several_lines(tmp_path: Path) -> None:
    lines = [QUOTED[0] + ',"Billing Street"'] + [row + ',"1 Main St\nSuite 4"' for row in QUOTED[1:]]
    lines[4] = '"Company 04 Ltd,"company04.com","Prospect","Rep 1","1 Main St\nSuite 4"'  # row 5 (line 8)
    lst = read_list(write(tmp_path, lines), OURS)
    assert len(lst.records) == 9
    (problem,) = lst.problems
    assert (problem.row, problem.column) == (5, "Account Name") and "not closed" in problem.message


def test_short_rows_without_a_quote_left_open_load_as_they_are(tmp_path: Path) -> None:
    """Exports that leave out trailing empty cells, and a quoted name holding a comma and a
    doubled quote in such a row: nothing to report."""
    lst = read_list(write(tmp_path, [HEADER, "Acme,acme.com,Customer",
                                     '"Best, ""The"" Inc",best.com,Prospect',
                                     '"Globex, Inc",globex.com,Customer,Rep 1']), OURS)
    assert messages(lst) == []
    assert {r.name for r in lst.records} == {"Acme", 'Best, "The" Inc', "Globex, Inc"}


# --- F12: the header row repeated ------------------------------------------------------------------


def test_a_repeated_header_row_is_skipped_not_read_as_an_account(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, *TEN, " account name ,WEBSITE,type,Account Owner,arr ",  # row 12
                            *TEN[:3]])
    lst = read_list(path, OURS)
    assert lst.rows_read == 14 and len(lst.records) == 10
    assert messages(lst) == [
        f"{path}, row 12: row skipped: it repeats the header row (two exports pasted one under the other?)",
        f"{path}: 3 duplicate rows merged into 3 accounts: rows 2+13, 3+14, 4+15",
    ]


def test_a_repeated_header_row_in_a_workbook_is_skipped(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    for line in [HEADER, *TEN[:3], HEADER, *TEN[3:]]:
        book.active.append(line.split(","))
    book.save(tmp_path / "l.xlsx")
    lst = read_list(tmp_path / "l.xlsx", OURS)
    assert len(lst.records) == 10
    assert [(p.row, p.message.split(":")[0]) for p in lst.problems] == [(5, "row skipped")]


def test_a_row_with_only_the_status_header_as_its_status_is_an_account(tmp_path: Path) -> None:
    lst = read_list(write(tmp_path, [HEADER, "Acme,acme.com,Type,Rep 1,1"]), OURS)
    assert len(lst.records) == 1 and "unknown status 'Type'" in "\n".join(messages(lst))


# --- F12: merged cells of a workbook -----------------------------------------------------------------


def test_a_merged_cell_is_read_in_every_row_it_spans_and_said(tmp_path: Path) -> None:
    """Cells merged down a column (an owner, a status for a group of rows) read as Excel shows
    them, each named by row and column; a merge along a row is left as it is."""
    book = openpyxl.Workbook()
    sheet = book.active
    for line in [HEADER, *TEN]:
        sheet.append(line.split(","))
    for cell in ("D4", "D5", "C10", "C11", "B7"):
        sheet[cell] = None
    sheet.merge_cells("D3:D5")  # rows 3-5: row 3's owner, 'Rep 2'
    sheet.merge_cells("C9:C11")  # rows 9-11: row 9's status, 'Prospect' (row 10's was 'Customer')
    sheet.merge_cells("A7:B7")  # along a row: no value for the website
    book.save(tmp_path / "l.xlsx")
    lst = read_list(tmp_path / "l.xlsx", OURS)
    rows = {r.rows[0]: r for r in lst.records}
    assert [rows[n].owner for n in (3, 4, 5)] == ["Rep 2"] * 3
    assert [rows[n].raw_status for n in (9, 10, 11)] == ["Prospect"] * 3
    assert (rows[7].name, rows[7].raw_domain) == ("Company 06 Ltd", "")
    assert [str(p).split(": ", 1)[1] for p in lst.problems] == [
        "sheet 'Sheet': merged cell D3:D5, read as row 3's value 'Rep 2' (2 rows: 4, 5)",
        "sheet 'Sheet': merged cell C9:C11, read as row 9's value 'Prospect' (2 rows: 10, 11)",
    ]
    assert [p.column for p in lst.problems] == ["Account Owner", "Type"]
