"""Each rule of reading a list lives once, and no work is done twice.

A workbook's sheet list is read once and its chosen sheet unpacked once (by the check that
refuses zip bombs and far-away cells; a second time only to name formulas with no saved value,
when the check saw one); the rule for a cell over `CELL_LIMIT` is one, for a text file and a
workbook (.xlsx, .xls) alike; and a list, key or round file is checked for being a plain file on
the descriptor it is read from, by one helper.
"""

from __future__ import annotations

import os
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from acctmap_tui.core import ingest, privacy
from acctmap_tui.core.ingest import read_list
from acctmap_tui.core.model import OURS, AcctmapError, IngestError
from tests.core.test_ingest_hostile import TABLE, inline, plain_xls, sheet_workbook, workbook


SHEETS = ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml")


def names(lst) -> set[str]:
    return {r.name for r in lst.records}


@pytest.fixture
def unpacked(monkeypatch) -> Counter:
    """How many times each zip member is unpacked while a list is read: by the archive check,
    a step at a time (`ingest._unpacked`), or whole by `zipfile` (read, open)."""
    counts: Counter = Counter()
    check, zip_open = ingest._unpacked, zipfile.ZipFile.open

    def counted_check(data, info, file):
        counts[info.filename] += 1
        return check(data, info, file)

    def counted_open(self, name, mode="r", *args, **kwargs):
        if mode == "r":  # not a workbook being written
            counts[name.filename if isinstance(name, zipfile.ZipInfo) else name] += 1
        return zip_open(self, name, mode, *args, **kwargs)

    monkeypatch.setattr(ingest, "_unpacked", counted_check)
    monkeypatch.setattr(zipfile.ZipFile, "open", counted_open)
    return counts


# --- a workbook is read once ------------------------------------------------------------------


def test_the_sheet_list_is_read_once_and_each_sheet_unpacked_once(tmp_path: Path, unpacked: Counter,
                                                                  monkeypatch) -> None:
    import python_calamine

    path = workbook(tmp_path, {"Accounts": TABLE, "Old": TABLE})
    loads = []
    load = python_calamine.load_workbook
    monkeypatch.setattr(python_calamine, "load_workbook",
                        lambda *a, **k: loads.append(1) or load(*a, **k))
    lst = read_list(path, OURS)
    assert names(lst) == {"Acme", "Globex"}
    assert "read sheet 'Accounts' (1 of 2)" in lst.problems[0].message
    # once by the check (every member, a step at a time) and once more for the sheet list
    assert unpacked["xl/workbook.xml"] == 2 and unpacked["xl/_rels/workbook.xml.rels"] == 2
    assert {sheet: unpacked[sheet] for sheet in SHEETS} == {sheet: 1 for sheet in SHEETS}
    assert len(loads) == 1  # calamine opens the workbook once


def test_a_formula_in_a_sheet_not_read_costs_no_second_unpacking(tmp_path: Path,
                                                                  unpacked: Counter) -> None:
    path = workbook(tmp_path, {"Accounts": TABLE, "Notes": [["total"], ["=1+1"]]})
    lst = read_list(path, OURS)
    assert names(lst) == {"Acme", "Globex"} and not any("formula" in p.message for p in lst.problems)
    assert {sheet: unpacked[sheet] for sheet in SHEETS} == {sheet: 1 for sheet in SHEETS}


def test_formulas_in_the_sheet_read_are_named_from_the_one_header_found(tmp_path: Path,
                                                                        unpacked: Counter) -> None:
    path = workbook(tmp_path, {"Accounts": [
        [None], [None, None], ["Account Name", "Website", "Type"],
        ["Acme", '=LOWER("ACME.COM")', "Customer"], ["Globex", "globex.com", "Prospect"]], "Notes": []})
    lst = read_list(path, OURS)
    formula = [p for p in lst.problems if "formula" in p.message]
    assert [(p.row, p.column) for p in formula] == [(4, "Website")]
    assert "sheet 'Accounts'" in formula[0].message
    # the check saw the formula: the sheet is unpacked again to find its cells; the other is not
    assert unpacked[SHEETS[0]] == 2 and unpacked[SHEETS[1]] == 1


def test_a_formula_cut_by_every_unpacking_step_is_still_seen(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(ingest, "_UNPACK_STEP", 7)
    path = workbook(tmp_path, {"Accounts": [
        ["Account Name", "Website", "Type"], ["Acme", '=LOWER("ACME.COM")', "Customer"]]})
    formula = [p for p in read_list(path, OURS).problems if "formula" in p.message]
    assert [(p.row, p.column) for p in formula] == [(2, "Website")]
    prefixed = sheet_workbook(tmp_path, (  # a formula behind a namespace prefix, as some writers put it
        '<x:sheetData><x:row r="1">' + inline("name", "A1", "x:") + inline("domain", "B1", "x:")
        + inline("status", "C1", "x:") + '</x:row><x:row r="2">' + inline("Acme", "A2", "x:")
        + '<x:c r="B2"><x:f>LOWER("ACME.COM")</x:f></x:c>' + inline("customer", "C2", "x:")
        + "</x:row></x:sheetData>"), "prefixed.xlsx")
    formula = [p for p in read_list(prefixed, OURS).problems if "formula" in p.message]
    assert [(p.row, p.column) for p in formula] == [(2, "domain")]


# --- one rule for a cell over the limit -------------------------------------------------------


LIST = [["name", "domain", "status"], ["Acme", "acme.com", "customer"]]  # what plain_xls() holds


def list_file(tmp_path: Path, kind: str, rows: list[list[str]] = LIST) -> Path:
    path = tmp_path / f"l.{kind}"
    if kind == "csv":
        path.write_text("".join(",".join(row) + "\n" for row in rows))
    elif kind == "xlsx":  # written inline, as scripts write it (openpyxl cuts a cell at 32,767)
        sheet_workbook(tmp_path, "".join(
            f'<row r="{r}">' + "".join(inline(value, f"{col}{r}") for col, value in zip("ABC", row))
            + "</row>" for r, row in enumerate(rows, start=1)), path.name)
    else:
        assert rows == LIST
        path.write_bytes(plain_xls())
    return path


def error_of(path: Path) -> str:
    with pytest.raises(IngestError) as info:
        read_list(path, OURS)
    return str(info.value).removeprefix(f"{path}: ")


@pytest.mark.parametrize("kind", ["csv", "xlsx", "xls"])
def test_every_row_over_the_limit_is_one_message_naming_row_and_column(tmp_path: Path, monkeypatch,
                                                                      kind: str) -> None:
    monkeypatch.setattr(ingest, "CELL_LIMIT", 7)  # "acme.com" and "customer" are over it
    why = "a broken export or a missing quote?" if kind == "csv" else "a broken export?"
    assert error_of(list_file(tmp_path, kind)) == (
        "no data row could be read; the first bad one is row 2, column 'domain': row skipped: this "
        f"value is 0 KiB long, over the 0 KiB a cell may hold ({why})")


@pytest.mark.parametrize("kind", ["csv", "xlsx", "xls"])
def test_the_oversize_rule_is_one_function_for_every_kind_of_file(tmp_path: Path, monkeypatch,
                                                                   kind: str) -> None:
    monkeypatch.setattr(ingest, "CELL_LIMIT", 7)
    rule, rows = ingest._oversize_row, []
    monkeypatch.setattr(ingest, "_oversize_row",
                        lambda file, row, *a, **k: rows.append(row) or rule(file, row, *a, **k))
    assert "row 2, column 'domain': row skipped" in error_of(list_file(tmp_path, kind))
    assert 2 in rows


def test_a_workbook_whose_every_row_is_over_the_limit_is_one_message(tmp_path: Path) -> None:
    path = list_file(tmp_path, "xlsx", [["name", "domain", "status"],
                                        ["A" * (200 * 1024), "big.com", "customer"]])
    assert error_of(path) == (
        "no data row could be read; the first bad one is row 2, column 'name': row skipped: this value "
        "is 200 KiB long, over the 128 KiB a cell may hold (a broken export?)")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_header_over_the_limit_is_the_same_refusal_in_a_text_file_and_a_workbook(
        tmp_path: Path, kind: str) -> None:
    rows = [["name" + "x" * (130 * 1024), "domain", "status"], ["Acme", "acme.com", "customer"]]
    assert error_of(list_file(tmp_path, kind, rows)) == (
        "row 1: the header row has a value 130 KiB long; is this a list export?")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_row_over_the_limit_is_skipped_alike_in_a_text_file_and_a_workbook(tmp_path: Path, monkeypatch,
                                                                            kind: str) -> None:
    path = list_file(tmp_path, kind, LIST + [["Globex", "globex.com", "prospect"]])
    monkeypatch.setattr(ingest, "CELL_LIMIT", 9)  # "globex.com" (10) is over it; "acme.com" is not
    lst = read_list(path, OURS)
    assert names(lst) == {"Acme"} and lst.rows_read == 2
    (problem,) = lst.problems
    why = "a broken export or a missing quote?" if kind == "csv" else "a broken export?"
    assert (problem.file, problem.row, problem.column, problem.message) == (
        str(path), 3, "domain",
        f"row skipped: this value is 0 KiB long, over the 0 KiB a cell may hold ({why})")


# --- a plain file, checked on the descriptor it is read from ----------------------------------


def exchange_error(path: Path) -> str:
    with pytest.raises(AcctmapError) as info:
        privacy.read_exchange_file(path, 4096, "key file")
    return str(info.value)


def test_a_fifo_or_a_folder_given_as_a_list_or_a_key_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)  # no writer: a reader that opened it to read would wait for ever
    assert error_of(fifo) == "not a plain file (a device, FIFO or socket): give the list file itself"
    assert error_of(tmp_path) == "this is a folder, not a list file"
    assert exchange_error(fifo) == (f"{fifo}: not a plain file (a device, FIFO or socket): "
                                    "give the key file itself")
    assert exchange_error(tmp_path) == f"{tmp_path}: this is a folder, not a key file"


@pytest.fixture
def swapped(tmp_path: Path, monkeypatch) -> Path:
    """A list file that becomes a link to a device (/dev/null) the moment it is looked at: right
    after an `os.stat` of it returns, or just before an `os.open` of it."""
    path = tmp_path / "l.csv"
    path.write_text("name,domain,status\nAcme,acme.com,customer\n")
    real_stat, real_open = os.stat, os.open
    done = []

    def swap(name) -> None:
        if os.fspath(name) == str(path) and not done:
            done.append(name)
            path.unlink()
            path.symlink_to(os.devnull)

    def stat(name, *args, **kwargs):
        result = real_stat(name, *args, **kwargs)
        swap(name)
        return result

    def open_(name, *args, **kwargs):
        swap(name)
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "open", open_)
    return path


def test_a_list_swapped_for_a_device_after_a_check_is_refused(swapped: Path) -> None:
    assert error_of(swapped) == "not a plain file (a device, FIFO or socket): give the list file itself"


def test_a_key_swapped_for_a_device_after_a_check_is_refused(swapped: Path) -> None:
    assert exchange_error(swapped).startswith(
        f"{swapped}: not a plain file (a device, FIFO or socket)")


def test_a_list_and_a_key_are_each_checked_on_their_open_descriptor(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "l.csv"
    path.write_text("name,domain,status\nAcme,acme.com,customer\n")
    checked = []
    fstat = os.fstat
    monkeypatch.setattr(os, "fstat", lambda fd: checked.append(fd) or fstat(fd))
    assert names(read_list(path, OURS)) == {"Acme"}
    assert privacy.read_exchange_file(path, 4096, "key file") == path.read_bytes()
    assert len(checked) == 2 and all(isinstance(fd, int) for fd in checked)
