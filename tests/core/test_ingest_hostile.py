"""Hostile list files: broken quotes, huge cells, odd workbooks, NUL bytes, Excel habits.

Whatever is wrong, the user gets a message naming the file, the row and the column, and every row
that can be read is read: never a traceback, never a silent drop.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from acctmap_tui import cli
from acctmap_tui.core import ingest
from acctmap_tui.core.ingest import read_list
from acctmap_tui.core.model import CUSTOMER, OURS, IngestError


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def good_rows(start: int, count: int, sep: str = ",") -> list[str]:
    return [sep.join((f"Firm {i}", f"firm{i}.com", "customer")) for i in range(start, start + count)]


def names(lst) -> set[str]:
    return {r.name for r in lst.records}


def problems_on(lst, row: int) -> list:
    return [p for p in lst.problems if p.row == row]


# --- a quote opened and never closed ----------------------------------------------------------


def test_unclosed_quote_is_reported_at_its_row_and_the_rest_loads(tmp_path: Path) -> None:
    lines = ["name,domain,status", "Acme,acme.com,customer", '"Broken Co,broken.com,customer',
             *good_rows(0, 1000)]
    path = write(tmp_path, "l.csv", "\n".join(lines) + "\n")
    lst = read_list(path, OURS)
    assert len(lst.records) == 1001
    assert "Acme" in names(lst) and "Firm 999" in names(lst)
    assert not any("Broken" in n for n in names(lst))
    (problem,) = problems_on(lst, 3)
    assert problem.column == "name"
    assert "quote" in problem.message and "never closes" in problem.message
    assert str(path) in str(problem) and "row 3" in str(problem)
    assert next(r for r in lst.records if r.name == "Firm 0").rows == [4]
    assert lst.rows_read == 1002


def test_unclosed_quote_in_a_later_column_closed_by_a_later_quote(tmp_path: Path) -> None:
    lines = ["name,domain,status", *good_rows(0, 3), 'Broken Co,"broken.com,customer',
             *good_rows(3, 5), '"Quoted, Inc.",quoted.com,customer', *good_rows(8, 5)]
    lst = read_list(write(tmp_path, "l.csv", "\r\n".join(lines) + "\r\n"), OURS)
    assert names(lst) == {f"Firm {i}" for i in range(13)} | {"Quoted, Inc."}
    (problem,) = problems_on(lst, 5)
    assert problem.column == "domain" and "never closes" in problem.message


def test_unclosed_quote_swallowing_more_than_128_kib(tmp_path: Path) -> None:
    lines = ["name,domain,status", *good_rows(0, 2000), '"Broken Co,broken.com,customer',
             *good_rows(2000, 8000)]
    lst = read_list(write(tmp_path, "l.csv", "\n".join(lines)), OURS)
    assert len(lst.records) == 10000
    assert [p.row for p in lst.problems] == [2002]


def test_a_real_multi_line_cell_still_loads(tmp_path: Path) -> None:
    text = ('name,domain,status,notes\n'
            'Acme,acme.com,customer,"Met at the fair,\nwants a demo\nin Q3"\n'
            'Globex,globex.com,prospect,"one line, with a comma"\n')
    lst = read_list(write(tmp_path, "l.csv", text), OURS)
    assert names(lst) == {"Acme", "Globex"} and lst.problems == []
    acme = next(r for r in lst.records if r.name == "Acme")
    assert acme.extra["notes"] == "Met at the fair,\nwants a demo\nin Q3"


def test_unclosed_quote_in_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", '"name,domain,status\n' + "\n".join(good_rows(0, 50)))
    with pytest.raises(IngestError) as info:
        read_list(path, OURS)
    assert "row 1" in str(info.value) and "quote" in str(info.value)


# --- oversize cells ---------------------------------------------------------------------------


def test_one_oversize_cell_is_one_problem_on_its_row(tmp_path: Path) -> None:
    big = "x" * (200 * 1024)
    lines = ["name,domain,status,notes", "Acme,acme.com,customer,short",
             f"Huge Co,huge.com,customer,{big}", "Globex,globex.com,prospect,"]
    lst = read_list(write(tmp_path, "l.csv", "\n".join(lines)), OURS)
    assert names(lst) == {"Acme", "Globex"}
    (problem,) = lst.problems
    assert (problem.row, problem.column) == (3, "notes")
    assert "128 KiB" in problem.message
    assert lst.rows_read == 3


# --- Excel habits in text files ---------------------------------------------------------------


def test_excel_sep_line_is_honoured(tmp_path: Path) -> None:
    text = "sep=;\nname;domain;status\nAcme, Inc;acme.com;customer\nGlobex;globex.com;prospect\n"
    lst = read_list(write(tmp_path, "l.csv", text), OURS)
    assert names(lst) == {"Acme, Inc", "Globex"}
    assert lst.columns["domain"] == "domain"
    assert next(r for r in lst.records if r.name == "Acme, Inc").rows == [2]  # Excel hides the sep line
    assert lst.problems == []


def test_duplicate_header_names_are_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", "Name,Website,Status,Website\nAcme,acme.com,customer,acme.de\n")
    lst = read_list(path, OURS)
    (problem,) = lst.problems
    assert problem.row == 1 and problem.column == "Website"
    assert "columns 2 and 4" in problem.message
    assert lst.records[0].domain == "acme.com"


def test_nul_byte_in_a_text_file_is_a_problem_on_its_row(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes(b"name,domain,status\nAcme,acme.com,customer\nGlo\x00bex,globex.com,prospect\n"
                     b"Initech,initech.com,customer\n")
    lst = read_list(path, OURS)
    assert names(lst) == {"Acme", "Globex", "Initech"}
    (problem,) = lst.problems
    assert (problem.row, problem.column) == (3, "name") and "NUL" in problem.message


def test_real_binary_files_still_say_not_a_text_table(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 40)
    with pytest.raises(IngestError, match="not a text table"):
        read_list(path, OURS)


# --- duplicate rows ---------------------------------------------------------------------------


def test_duplicate_rows_listing_is_capped(tmp_path: Path) -> None:
    statuses = ("customer", "prospect")
    lines = ["name,domain,status"] + [f"Acme,acme.com,{statuses[i % 2]}" for i in range(2000)]
    lst = read_list(write(tmp_path, "l.csv", "\n".join(lines)), OURS)
    assert len(lst.records) == 1 and lst.records[0].status == CUSTOMER
    text = "\n".join(str(p) for p in lst.problems)
    assert ": 999 duplicate rows merged into 1 account" in text  # the customer rows after the first
    assert "1000 rows merged into 1 account with rows of the same domain though their values differ" in text
    assert "rows 2+3+4+5+6+… and 1,995 more" in text
    assert "1001" not in text
    assert len(text) < 800  # three problems of a few rows each, whatever the file's size


# --- workbooks --------------------------------------------------------------------------------


def workbook(tmp_path: Path, sheets: dict[str, list[list]], name: str = "l.xlsx") -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


TABLE = [["Account Name", "Website", "Type"], ["Acme", "acme.com", "Customer"],
         ["Globex", "globex.com", "Prospect"]]


def test_blank_first_sheet_data_on_the_second(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Sheet1": [], "Accounts": TABLE})
    lst = read_list(path, OURS)
    assert names(lst) == {"Acme", "Globex"}
    note = " ".join(str(p) for p in lst.problems)
    assert "read sheet 'Accounts'" in note and "'Sheet1' (empty)" in note


def test_the_sheet_with_the_table_is_picked_and_the_others_named(tmp_path: Path) -> None:
    path = workbook(tmp_path, {
        "Summary": [["Q4 partner review"], ["prepared by Dana"]],
        "Accounts": TABLE,
        "Old": [["Account Name", "Website", "Type"], ["Stale", "stale.com", "Customer"]],
    })
    lst = read_list(path, OURS)
    assert names(lst) == {"Acme", "Globex"}
    (note,) = lst.problems
    assert "read sheet 'Accounts' (2 of 3)" in note.message
    assert "'Summary'" in note.message and "'Old'" in note.message


@pytest.mark.parametrize("choice", ["Old", "old", "3"])
def test_sheet_chosen_by_name_or_number(tmp_path: Path, choice: str) -> None:
    path = workbook(tmp_path, {"Sheet1": [], "Accounts": TABLE,
                               "Old": [["Account Name", "Type"], ["Stale", "Customer"]]})
    assert names(read_list(path, OURS, sheet=choice)) == {"Stale"}


@pytest.mark.parametrize("choice", ["Nope", "4", "0"])
def test_unknown_sheet_lists_the_sheets(tmp_path: Path, choice: str) -> None:
    path = workbook(tmp_path, {"Sheet1": [], "Accounts": TABLE, "Old": TABLE})
    with pytest.raises(IngestError) as info:
        read_list(path, OURS, sheet=choice)
    assert "'Sheet1', 'Accounts', 'Old'" in str(info.value) and str(path) in str(info.value)


def test_all_sheets_blank_is_empty(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Sheet1": [], "Sheet2": [[None, None]]})
    with pytest.raises(IngestError, match="empty"):
        read_list(path, OURS)


def test_formula_cells_without_cached_values_are_named(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Notes": [], "Accounts": [
        ["Account Name", "Website", "Type"], ["Acme", '=LOWER("ACME.COM")', "Customer"],
        ["Globex", "globex.com", "Prospect"]]})
    lst = read_list(path, OURS)
    formula = [p for p in lst.problems if "formula" in p.message]
    assert [(p.row, p.column) for p in formula] == [(2, "Website")]
    assert "sheet 'Accounts'" in formula[0].message


def test_cli_sheet_option_and_the_note_in_the_summary(tmp_path: Path, capsys) -> None:
    ours = workbook(tmp_path, {"Sheet1": [], "Accounts": TABLE, "Old": TABLE}, "ours.xlsx")
    theirs = write(tmp_path, "theirs.csv", "name,domain,status\nAcme,acme.com,customer\n")
    assert cli.main(["match", str(ours), str(theirs)]) == 0
    out = capsys.readouterr().out
    assert "read sheet 'Accounts' (2 of 3)" in out
    assert cli.main(["match", str(ours), str(theirs), "--sheet", "Old"]) == 0
    assert "read sheet 'Old'" in capsys.readouterr().out
    assert cli.main(["match", str(ours), str(theirs), "--ours-sheet", "9"]) == 2
    assert "'Sheet1', 'Accounts', 'Old'" in capsys.readouterr().err


# --- whatever the file, a message that names it -----------------------------------------------


HOSTILE = {
    "empty.csv": b"",
    "bom_only.csv": b"\xef\xbb\xbf",
    "header_only.csv": b"name,domain,status\r\n",
    "crlf_unclosed.csv": b'name,domain,status\r\n"Acme,acme.com,customer\r\nGlobex,globex.com,prospect\r\n',
    "utf16_bom.csv": "name,domain,status\nAcme,acme.com,customer\n".encode("utf-16"),
    "mixed.csv": "name,domain,status\nMüller,mueller.de,customer\n".encode()
    + "Café,cafe.fr,prospect\n".encode("cp1252"),
    "only_quotes.csv": b'"""""""""\n"""\n',
    "nul_header.csv": b"na\x00me,domain,status\nAcme,acme.com,customer\n",
    "sep_only.csv": b"sep=;\n",
    "lone_cr.csv": b"name,domain,status\rAcme,acme.com,customer\rGlobex,globex.com,prospect\r",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_get_a_message_never_a_traceback(tmp_path: Path, capsys, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    code = cli.main(["match", str(path), str(path)])
    out, err = capsys.readouterr()
    assert code in (0, 2)
    if code == 2:
        assert err.startswith(f"acctmap: error: {path}") and "Traceback" not in err
    else:
        assert "rows read" in out


def test_mixed_encodings_name_the_rows_that_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("name,domain,status\nMüller,mueller.de,customer\n".encode()
                     + "Café,cafe.fr,prospect\n".encode("cp1252"))
    lst = read_list(path, OURS)
    assert "Müller" in names(lst)  # the UTF-8 row is not garbled
    (problem,) = lst.problems
    assert problem.row == 3 and "UTF-8" in problem.message


def test_crlf_unclosed_quote(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes(HOSTILE["crlf_unclosed.csv"])
    lst = read_list(path, OURS)
    assert names(lst) == {"Globex"}
    assert [p.row for p in lst.problems] == [2]


def test_50k_rows_with_one_bad_row(tmp_path: Path) -> None:
    lines = ["name,domain,status", *good_rows(0, 30000), "Bad, Inc,bad.com,customer",
             *good_rows(30000, 19999)]
    lst = read_list(write(tmp_path, "big.csv", "\n".join(lines)), OURS)
    assert len(lst.records) == 49999
    (problem,) = lst.problems
    assert problem.row == 30002 and "4 fields" in problem.message


@pytest.mark.parametrize("between", [0, 1])
def test_two_unclosed_quotes_close_each_other(tmp_path: Path, between: int) -> None:
    lines = ["name,domain,status", *good_rows(0, 2), '"Broken A,a.com,customer', *good_rows(2, between),
             '"Broken B,b.com,customer', *good_rows(10, 3)]
    lst = read_list(write(tmp_path, "l.csv", "\n".join(lines) + "\n"), OURS)
    assert names(lst) == {f"Firm {i}" for i in [0, 1, *range(2, 2 + between), 10, 11, 12]}
    assert [p.row for p in lst.problems] == [4, 5 + between]


@pytest.mark.parametrize("end", ["", "\n", "\r\n"])
def test_unclosed_quote_on_the_last_row(tmp_path: Path, end: str) -> None:
    text = "name,domain,status\nGlobex,globex.com,prospect\n" + '"Acme,acme.com,customer' + end
    lst = read_list(write(tmp_path, "l.csv", text), OURS)
    assert names(lst) == {"Globex"}
    (problem,) = lst.problems
    assert problem.row == 3 and "file ends inside it" in problem.message


def test_a_quote_inside_an_unquoted_value_on_the_last_row_is_text(tmp_path: Path) -> None:
    text = 'name,domain,status\n27" Screens Co,screens.com,customer\n'
    lst = read_list(write(tmp_path, "l.csv", text), OURS)
    assert names(lst) == {'27" Screens Co'} and lst.problems == []


def test_escape_and_other_control_characters_are_removed_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes(b"name,domain,status\nAc\x1b[31mme,acme.com,customer\nGlobex,globex.com,prospect\n")
    lst = read_list(path, OURS)
    assert names(lst) == {"Ac[31mme", "Globex"}
    (problem,) = lst.problems
    assert (problem.row, problem.column) == (2, "name") and "control character" in problem.message


def test_a_short_list_with_a_few_terminal_escapes_loads_with_them_reported(tmp_path: Path) -> None:
    # audit 10 F11: four rows were refused whole as binary, with no row or column
    path = tmp_path / "nasty.csv"
    path.write_bytes(b"name,domain,status,notes\nAcme\x1b]0;pwned\x07 Corp,acme.com,customer,fine\n"
                     b"Globex,globex.com,prospect,\x1b[2J\nInitech,initech.com,customer,\n"
                     b"Umbrella,umbrella.com,churned,\n")
    lst = read_list(path, OURS)
    assert names(lst) == {"Acme]0;pwned Corp", "Globex", "Initech", "Umbrella"}
    assert [(p.row, p.column) for p in lst.problems] == [(2, "name"), (3, "notes")]
    assert all("control character" in p.message for p in lst.problems)


def test_terminal_colours_on_every_name_are_text(tmp_path: Path) -> None:
    lines = ["name,domain,status"] + [f"\x1b[31mFirm {i}\x1b[0m,firm{i}.com,customer" for i in range(200)]
    lst = read_list(write(tmp_path, "l.csv", "\n".join(lines)), OURS)
    assert len(lst.records) == 200 and "[31mFirm 7[0m" in names(lst)  # ESC removed, as in a short file
    (problem,) = lst.problems  # one problem for the column, its rows listed
    assert problem.column == "name" and "200 rows" in problem.message


def test_short_binary_data_is_still_not_a_text_table(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    with pytest.raises(IngestError, match="not a text table"):
        read_list(path, OURS)


def test_utf8_bom_with_a_windows_1252_row(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes(b"\xef\xbb\xbfname,domain,status\nCaf\xe9,cafe.fr,customer\nZo\xc3\xab,zoe.com,customer\n")
    lst = read_list(path, OURS)
    assert names(lst) == {"Café", "Zoë"}
    assert [(p.row, p.column) for p in lst.problems] == [(2, "name")]


def test_workbook_without_a_list_names_its_sheets(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Notes": [["hello"]], "Data": [["x"], ["y"]]})
    with pytest.raises(IngestError) as info:
        read_list(path, OURS)
    message = str(info.value)
    assert "no sheet holds a list" in message and "'Notes' (1 of 2)" in message
    assert "'Data' (2 filled rows)" in message and "--sheet" in message


def test_a_hidden_sheet_is_read_only_when_no_visible_one_holds_the_list(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    lookup = wb.active
    lookup.title, lookup.sheet_state = "Lookup", "hidden"
    for row in [["Account Name", "Website", "Type"], ["Secret", "secret.com", "Customer"]]:
        lookup.append(row)
    accounts = wb.create_sheet("Accounts")
    for row in [*TABLE[:2], ["Globex", "=LOWER(\"GLOBEX.COM\")", "Prospect"]]:
        accounts.append(row)
    path = tmp_path / "l.xlsx"
    wb.save(path)
    lst = read_list(path, OURS)
    assert names(lst) == {"Acme", "Globex"}
    messages = [p.message for p in lst.problems]
    assert "read sheet 'Accounts' (2 of 2); not read: 'Lookup' (hidden, 2 filled rows)" in messages[0]
    assert [(p.row, p.column) for p in lst.problems[1:]] == [(3, "Website")]


# --- records over several lines: read at the csv module's speed, checked as carefully ----------

ADDRESS_ROWS = [f'Street {i},street{i}.com,customer,"{i} Main St\nSuite {i}\nSpringfield"' for i in range(20)]


def test_addresses_over_several_lines_load_as_written(tmp_path: Path) -> None:
    lines = ["name,domain,status,address", *ADDRESS_ROWS, *[row + ",one line" for row in good_rows(0, 5)]]
    lst = read_list(write(tmp_path, "l.csv", "\n".join(lines) + "\n"), OURS)
    assert lst.problems == [] and len(lst.records) == 25
    street = next(r for r in lst.records if r.name == "Street 7")
    assert street.extra["address"] == "7 Main St\nSuite 7\nSpringfield" and street.rows == [9]
    assert next(r for r in lst.records if r.name == "Firm 0").rows == [22]


def test_a_quote_left_open_among_addresses_is_still_found(tmp_path: Path) -> None:
    """The rows it swallows have just the header's separators: they are rows, and say so."""
    lines = ["name,domain,status,address", *ADDRESS_ROWS[:3], '"Broken Co,broken.com,customer,x',
             *[row + ",one line" for row in good_rows(0, 4)], *ADDRESS_ROWS[3:6]]
    lst = read_list(write(tmp_path, "l.csv", "\n".join(lines) + "\n"), OURS)
    (problem,) = lst.problems
    assert problem.row == 5 and "never closes" in problem.message
    assert {f"Firm {i}" for i in range(4)} | {"Street 0", "Street 5"} <= names(lst)
    assert not any("Broken" in n for n in names(lst))


@pytest.mark.parametrize("end", ["", "\n", "\r\n"])
def test_a_quote_left_open_on_the_last_row_after_addresses(tmp_path: Path, end: str) -> None:
    text = "name,domain,status,address\n" + "\n".join(ADDRESS_ROWS[:3]) + '\nAcme,acme.com,customer,"1 Road' + end
    lst = read_list(write(tmp_path, "l.csv", text), OURS)
    assert names(lst) == {"Street 0", "Street 1", "Street 2"}
    (problem,) = lst.problems
    assert problem.row == 5 and "file ends inside it" in problem.message


def test_an_oversize_cell_over_several_lines_is_one_problem_on_its_row(tmp_path: Path) -> None:
    big = "\n".join(["x" * 1000] * 200)  # 200 lines of 1,000 characters: no line is over the limit
    lines = ["name,domain,status,address", *ADDRESS_ROWS[:2], f'Huge Co,huge.com,customer,"{big}"', *ADDRESS_ROWS[2:4]]
    lst = read_list(write(tmp_path, "l.csv", "\n".join(lines)), OURS)
    assert names(lst) == {f"Street {i}" for i in range(4)}
    (problem,) = lst.problems
    assert (problem.row, problem.column) == (4, "address") and "128 KiB" in problem.message


def test_files_with_records_over_several_lines_read_as_the_careful_reader_reads_them() -> None:
    """Random tables of quoted line breaks, quotes left open, stray quotes and short or long
    rows, with each kind of line end: the fast reading gives the careful one's table, problems
    included, whenever it gives one (and gives one for most of them)."""
    import random

    from acctmap_tui.core import ingest

    rng = random.Random(11)
    fast = 0
    for _ in range(400):
        end = rng.choice(["\n", "\r\n", "\r"])
        width = rng.randint(2, 4)
        rows = [",".join(["name", "domain", "status", "notes"][:width])]
        for _ in range(rng.randint(1, 12)):
            cells = []
            for _ in range(width + rng.choice([0, 0, 0, 0, 0, 0, 1, -1])):
                roll = rng.random()
                if roll < 0.55:
                    cells.append(rng.choice(["Acme", "acme.com", "customer", "", "a b"]))
                elif roll < 0.85:
                    cells.append('"' + "".join(rng.choice(["x", "\n", end, ",", '""', " "])
                                               for _ in range(rng.randint(1, 5))) + '"')
                else:
                    cells.append(rng.choice(['"open', '"a,b', 'x"y', '"x\ny']))
            rows.append(",".join(cells))
        text = end.join(rows) + rng.choice(["", end])
        file = "t.csv"
        try:
            careful = ingest._careful_table(text, ",", file, 1, "utf-8")
        except IngestError as exc:
            careful = exc
        records = ingest._plain_records(text, ",", "utf-8")
        if records is None:
            continue
        fast += 1
        try:
            table = ingest._table_from_rows(records, file)
        except IngestError as exc:
            assert isinstance(careful, IngestError) and str(exc) == str(careful)
            continue
        assert not isinstance(careful, IngestError), text
        assert (table.headers, table.rows, table.problems, table.skipped) == (
            careful.headers, careful.rows, careful.problems, careful.skipped), text
    assert fast > 150


# --- workbooks that would take a reader past any memory (audit F1, F9, F10) ---------------------


def far_cell_workbook(tmp_path: Path, ref: str) -> Path:
    """The 3-column list with one more cell far away (a 5 KB file)."""
    wb = openpyxl.Workbook()
    for row in [["name", "domain", "status"], ["Acme", "acme.com", "customer"]]:
        wb.active.append(row)
    wb.active[ref] = "z"
    path = tmp_path / f"far_{ref}.xlsx"
    wb.save(path)
    return path


SHEET = "xl/worksheets/sheet1.xml"


def rewrite_member(path: Path, member: str, change) -> Path:
    """The workbook at `path` with one zip member changed by `change` (bytes -> bytes)."""
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members[member] = change(members[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in members.items():
            z.writestr(n, data)
    return path


@pytest.mark.parametrize("ref", ["A1048576", "Z100000", "AAA2000"])
def test_a_cell_far_from_the_list_refuses_the_workbook_before_it_is_read(tmp_path: Path, ref: str) -> None:
    path = far_cell_workbook(tmp_path, ref)
    with pytest.raises(IngestError) as info:
        read_list(path, OURS)
    message = str(info.value)
    assert message.startswith(f"{path}: sheet 'Sheet': its cells reach as far as row ") and "not a list" in message


def test_a_cell_at_the_last_row_and_column_is_one_message_not_an_abort(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = far_cell_workbook(tmp_path, "XFD1048576")  # calamine asked for 512 GB and aborted
    done = subprocess.run([sys.executable, "-m", "acctmap_tui", "share", str(path), "-o",
                           str(tmp_path / "out.csv")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr[-500:]
    assert "reach as far as row 1,048,576 and column XFD" in done.stderr and "Traceback" not in done.stderr


def test_references_cut_by_the_unpacking_steps_are_read_whole(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(ingest, "_UNPACK_STEP", 7)  # every reference falls across a step
    assert names(read_list(workbook(tmp_path, {"Accounts": TABLE}), OURS)) == {"Acme", "Globex"}
    with pytest.raises(IngestError, match="reach as far as row 1,048,576 and column XFD"):
        read_list(far_cell_workbook(tmp_path, "XFD1048576"), OURS)


def test_a_reference_spelled_with_character_entities_is_refused(tmp_path: Path) -> None:
    path = rewrite_member(far_cell_workbook(tmp_path, "D3"), SHEET,
                          lambda xml: xml.replace(b'r="D3"', b'r="&#88;FD3"'))
    with pytest.raises(IngestError, match="a cell reference is written with character entities"):
        read_list(path, OURS)


def sheet_workbook(tmp_path: Path, sheet_data: str, name: str = "l.xlsx") -> Path:
    """A workbook whose one sheet's XML is `sheet_data` (its rows), written as given."""
    xml = ('<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f"{sheet_data}</x:worksheet>" if "<x:" in sheet_data else
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f"<sheetData>{sheet_data}</sheetData></worksheet>")
    return rewrite_member(workbook(tmp_path, {"Accounts": [["name"]]}, name), SHEET, lambda _: xml.encode())


def inline(text: str, ref: str = "", prefix: str = "") -> str:
    r = f' r="{ref}"' if ref else ""
    return f'<{prefix}c{r} t="inlineStr"><{prefix}is><{prefix}t>{text}</{prefix}t></{prefix}is></{prefix}c>'


LIST_ROWS = ('<row r="1">' + inline("name", "A1") + inline("domain", "B1") + inline("status", "C1") + "</row>"
             '<row r="2">' + inline("Acme", "A2") + inline("acme.com", "B2") + inline("customer", "C2") + "</row>")


def test_cells_without_references_count_to_the_width_of_their_row(tmp_path: Path) -> None:
    # calamine puts a cell with no reference after the one before it: 1,000 of them in row 5,000
    # make a grid of 5 million cells with only 1,006 there
    path = sheet_workbook(tmp_path, LIST_ROWS + '<row r="5000">' + inline("z") * 1000 + "</row>")
    with pytest.raises(IngestError, match=r"reach as far as row 5,000 and column AML "
                                          r"\(5,130,000 cells to read\) but only 1,006"):
        read_list(path, OURS)
    path = sheet_workbook(tmp_path, LIST_ROWS + "<row>" + inline("Globex") + inline("globex.com")
                          + inline("prospect") + "</row>", "ok.xlsx")  # and a short one is read
    assert names(read_list(path, OURS)) == {"Acme", "Globex"}


def test_a_far_cell_behind_a_namespace_prefix_is_found(tmp_path: Path) -> None:
    rows = LIST_ROWS.replace("<row", "<x:row").replace("</row", "</x:row")
    rows = rows.replace("<c ", "<x:c ").replace("</c>", "</x:c>").replace("<is>", "<x:is>").replace(
        "</is>", "</x:is>").replace("<t>", "<x:t>").replace("</t>", "</x:t>")
    far = '<x:row r="3000">' + inline("z", prefix="x:") * 1000 + "</x:row>"
    path = sheet_workbook(tmp_path, f"<x:sheetData>{rows}{far}</x:sheetData>")
    with pytest.raises(IngestError, match="reach as far as row 3,000"):
        read_list(path, OURS)


def test_sheets_each_under_the_limit_are_refused_together(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(ingest, "SHEET_CELLS", 100)  # each sheet's grid: 3 rows of 26 columns
    path = workbook(tmp_path, {"Accounts": TABLE, "Old": TABLE})
    with pytest.raises(IngestError, match="the workbook's sheets reach 156 cells together, over the 100"):
        read_list(path, OURS)


def test_a_dimension_that_lies_is_not_believed(tmp_path: Path) -> None:
    path = rewrite_member(far_cell_workbook(tmp_path, "D3"), SHEET, lambda xml: re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml))
    assert names(read_list(path, OURS)) == {"Acme"}


def big_cell_workbook(tmp_path: Path, size: int, header: str = "name") -> Path:
    """A list whose row 2 has a name `size` characters long, written inline in the sheet as
    scripts write it (openpyxl cuts a cell at Excel's 32,767 characters)."""
    rows = [[header, "domain", "status"], ["A" * size, "big.com", "customer"], ["Ok Co", "okco.com", "customer"]]
    return sheet_workbook(tmp_path, "".join(
        f'<row r="{r}">' + "".join(inline(value, f"{col}{r}") for col, value in zip("ABC", row)) + "</row>"
        for r, row in enumerate(rows, start=1)))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path, monkeypatch) -> None:
    path = big_cell_workbook(tmp_path, 3 << 20)  # 3 MiB of "A": 3 KB packed
    monkeypatch.setattr(ingest, "UNPACKED_LIMIT", 2 << 20)
    with pytest.raises(IngestError, match=r"unpacks to 4 MiB, over the 2 MiB a list may take"):
        read_list(path, OURS)


def test_a_zip_bomb_that_lies_about_its_size_is_refused_while_unpacking(tmp_path: Path, monkeypatch) -> None:
    path = big_cell_workbook(tmp_path, 3 << 20)
    with zipfile.ZipFile(path) as z:
        local = z.getinfo("xl/worksheets/sheet1.xml").header_offset
    data = bytearray(path.read_bytes())
    central = data.rindex(b"xl/worksheets/sheet1.xml") - 46
    for size_at in (local + 22, central + 24):  # what the headers declare: 1 KiB
        data[size_at:size_at + 4] = (1024).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as z:
        assert sum(m.file_size for m in z.infolist()) < 2 << 20
    monkeypatch.setattr(ingest, "UNPACKED_LIMIT", 2 << 20)
    with pytest.raises(IngestError, match=r"unpacks to more than 2 MiB .*a zip bomb"):
        read_list(path, OURS)


def test_a_member_packed_a_thousand_times_is_a_bomb(tmp_path: Path, monkeypatch) -> None:
    path = big_cell_workbook(tmp_path, 3 << 20)
    monkeypatch.setattr(ingest, "PACKING_RATIO_FROM", 1 << 20)
    with pytest.raises(IngestError, match=r"member 'xl/worksheets/sheet1.xml'\): a zip bomb"):
        read_list(path, OURS)


def test_a_workbook_cell_over_128_kib_skips_its_row_as_in_a_text_file(tmp_path: Path) -> None:
    lst = read_list(big_cell_workbook(tmp_path, 200 * 1024), OURS)
    assert names(lst) == {"Ok Co"} and lst.rows_read == 2
    (problem,) = lst.problems
    assert (problem.row, problem.column) == (2, "name")
    assert problem.message == ("row skipped: this value is 200 KiB long, over the 128 KiB a cell may "
                               "hold (a broken export?)")


def test_a_workbook_header_over_128_kib_is_refused(tmp_path: Path) -> None:
    path = big_cell_workbook(tmp_path, 10, header="name" + "x" * (130 * 1024))
    with pytest.raises(IngestError, match="row 1: the header row has a value 130 KiB long"):
        read_list(path, OURS)


# --- what is not a file (audit F11) -------------------------------------------------------------


def test_a_device_or_a_fifo_is_refused_before_it_is_read(tmp_path: Path) -> None:
    import os
    import threading

    # /dev/zero was read without end (8 GB in 15 s); /dev/null is a device that ends at once
    with pytest.raises(IngestError) as info:
        read_list("/dev/null", OURS)
    assert str(info.value) == "/dev/null: not a plain file (a device, FIFO or socket): give the list file itself"
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)  # with no writer a reader waits forever: this one writes a list, once read
    writer = threading.Thread(target=lambda: fifo.write_text("name,domain,status\nAcme,acme.com,customer\n"))
    writer.start()
    try:
        with pytest.raises(IngestError, match="not a plain file"):
            read_list(fifo, OURS)
    finally:
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # lets the writer finish
        writer.join(5)
        os.close(reader)
    assert not writer.is_alive()


def test_a_link_to_a_list_file_is_read(tmp_path: Path) -> None:
    target = write(tmp_path, "l.csv", "name,domain,status\nAcme,acme.com,customer\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert names(read_list(link, OURS)) == {"Acme"}


def test_a_zip_that_is_not_an_xlsx_is_refused_before_a_reader_opens_it(tmp_path: Path) -> None:
    path = tmp_path / "l.xlsb"  # a binary workbook's sheets could not be checked
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    with pytest.raises(IngestError, match=r"no xl/workbook.xml in the archive: an \.xlsb, \.ods"):
        read_list(path, OURS)


# --- .xls: the same far-away cells, in a compound file's BIFF records -----------------------------

# name,domain,status / Acme,acme.com,customer, as xlwt 1.3 writes it (a 5.5 KB .xls), compressed
PLAIN_XLS = (
    "eNrtWD1oFEEU/mbv/0gue/EiJEI4AkZNghBsbOImgqYyRC0UEXRzt2BIbk/uNoU2RuOVgmCl2ATS2ERt/EEL7SyEiBaCINyZ"
    "0kpQsEhuffN2N1w0RQ6SoDLfMm/evJm383bnvTc7+24pXZ1/3FXDbziCEOpuAtEGmaCSCBo6qN91JRvUcSquwj+FRJwWMhrB"
    "i9a3MbmGcr1r0PAo/Joo8IXKeVzGWNG2sjuIo2yDKaQNQ0QF7pMkhU62qp1pjukupg955Eumwyy5xXSIxlbFOSwZY32HfS8+"
    "q/VwXwryvk9Z5xNLBtGBN9KLr90W3tgIRkqT5vTf2dEdbsECaN1GLdsqmdNVZGgBF/DDzQLfg0h9lVXynZULkPznenlsA/kd"
    "LQzMwr3IDl4hh1wOeUF4+pJlOYMrlIajflDSSNssWMTmiwVz0iam7JjOTJk6RnIFi5KvSdXBXLFAbG6m7BQLVikpUzaHuL4u"
    "xFvZ9VuI5tHGfJoDQKckvvLg2/sTE+PGBZbMclr3kv9eaS9cXJcapJziHo2pNLyP+X6mN/iue5jvYpoht6W6d7zDZ47P8Zib"
    "3NtL8xxifDD2NfD7ia98Pfmsu7JsHCB+cbR2NbP40ZhHD21GedKX1xwGxIC4d1fiuRHUwk8Un5l2/pE04pru2+76O1wbVpFk"
    "Ns3Ua8m3I9Zamv+upLbYQFuwdsgfL1g7vNaS2hG5wWrteMKvbrhhi01CQUFBQUFBQUFBYRsh/A/4kHfE4E9TeUCI+f91VqnU"
    "1W+S/xanUKTLoYPpMdhUl3ClKf/ZjYgI7iU2qRP8L5Q4Q7OXMIUJtmOqaf+lA55ofJ5NK+pbF0LNzl9vxs5tnv8XJ8PNXA=="
)


def plain_xls() -> bytes:
    import base64
    import zlib

    return zlib.decompress(base64.b64decode(PLAIN_XLS))


def test_an_xls_is_read_after_its_check(tmp_path: Path) -> None:
    path = tmp_path / "l.xls"
    path.write_bytes(plain_xls())
    assert names(read_list(path, OURS)) == {"Acme"}


@pytest.mark.parametrize("how", ["cell", "dimensions"])
def test_an_xls_reaching_far_is_one_message_not_an_abort(tmp_path: Path, how: str) -> None:
    import struct
    import subprocess
    import sys

    data = bytearray(plain_xls())
    if how == "cell":  # "customer" (LABELSST at row 2, column C) moved to row 65,536, column XFD
        at = data.index(struct.pack("<HHHH", 0x00FD, 10, 1, 2))
        data[at + 4:at + 8] = struct.pack("<HH", 65535, 16383)
    else:  # calamine sizes the grid from DIMENSIONS: a 5 KB file asked for 34 GB and aborted
        at = data.index(struct.pack("<HH", 0x0200, 14))
        data[at + 4:at + 18] = struct.pack("<IIHHH", 0, 65536, 0, 16384, 0)
    path = tmp_path / "far.xls"
    path.write_bytes(bytes(data))
    done = subprocess.run([sys.executable, "-m", "acctmap_tui", "share", str(path), "-o",
                           str(tmp_path / "out.csv")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr[-500:]
    assert f"{path}: sheet 'Sheet1': its cells reach as far as row 65,536 and column XFD" in done.stderr


def compound_file(stream: bytes) -> bytes:
    """A compound file (MS-CFB, 512-byte sectors) holding `stream` as "Workbook" in its mini
    stream, as a workbook under 4 KB keeps it: header, FAT, directory, mini FAT, mini stream."""
    import struct

    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    mini = stream + bytes(-len(stream) % 64)
    data_sectors = -(-len(mini) // 512)
    header = bytearray(512)
    header[:8] = bytes.fromhex("d0cf11e0a1b11ae1")
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 0x2C, 1)  # one FAT sector
    struct.pack_into("<7I", header, 0x30, 1, 0, 4096, 2, 1, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *[free] * 108)
    fat = [0xFFFFFFFD, end, end] + [4 + i for i in range(data_sectors - 1)] + [end]
    directory = b""
    for name, kind, start, size in (("Root Entry", 5, 3, len(mini)), ("Workbook", 2, 0, len(stream))):
        entry = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        entry[:len(encoded)] = encoded
        struct.pack_into("<HB", entry, 0x40, len(encoded), kind)
        struct.pack_into("<IQ", entry, 0x74, start, size)
        directory += entry
    mini_fat = [i + 1 for i in range(len(mini) // 64 - 1)] + [end]

    def sector(words: list[int]) -> bytes:
        return struct.pack(f"<{len(words)}I", *words) + struct.pack("<I", free) * (128 - len(words))

    return (bytes(header) + sector(fat) + directory + bytes(512 - len(directory)) + sector(mini_fat)
            + mini + bytes(data_sectors * 512 - len(mini)))


def test_an_xls_kept_in_the_mini_stream_is_checked_too(tmp_path: Path) -> None:
    import struct

    def record(kind: int, body: bytes) -> bytes:
        return struct.pack("<HH", kind, len(body)) + body

    sheet_at = 20 + 20 + 4  # the globals' BOF, this BOUNDSHEET, their EOF
    stream = (record(0x0809, struct.pack("<HH", 0x0600, 0x0005) + bytes(12))
              + record(0x0085, struct.pack("<IBBBB", sheet_at, 0, 0, 8, 0) + b"Accounts")
              + record(0x000A, b"")
              + record(0x0809, struct.pack("<HH", 0x0600, 0x0010) + bytes(12))
              + record(0x00FD, struct.pack("<HHHI", 40000, 300, 15, 0))  # a cell at row 40,001
              + record(0x000A, b""))
    assert stream.index(b"\x09\x08", 8) == sheet_at
    path = tmp_path / "l.xls"
    path.write_bytes(compound_file(stream))
    with pytest.raises(IngestError, match=r"sheet 'Accounts': its cells reach as far as row 40,001 and "
                                          r"column KO \(12,040,301 cells to read\) but only 1"):
        read_list(path, OURS)


@pytest.mark.parametrize("damage", ["truncated", "bad deflate data", "unknown zip version"])
def test_a_damaged_xlsx_is_one_message(tmp_path: Path, damage: str) -> None:
    path = workbook(tmp_path, {"Accounts": TABLE})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        sheet = z.getinfo("xl/worksheets/sheet1.xml")
    if damage == "truncated":
        data = data[:len(data) * 2 // 3]
    elif damage == "bad deflate data":  # zlib.error, not caught as a zip error
        start = sheet.header_offset + 30 + len(sheet.filename)
        data[start:start + 40] = b"\xff" * 40
    else:  # NotImplementedError from zipfile
        central = data.rindex(b"PK\x01\x02")
        data[central + 6:central + 8] = (99).to_bytes(2, "little")  # "version 9.9 needed"
    path.write_bytes(bytes(data))
    with pytest.raises(IngestError, match="not a readable Excel workbook"):
        read_list(path, OURS)
