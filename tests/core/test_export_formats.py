"""Excel and CRM-import exports: formula-safe text cells, a usable sheet, shareable fields only."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from acctmap_tui.core import export
from acctmap_tui.core.model import ACTION_DONE, CUSTOMER, PROSPECT
from acctmap_tui.core.score import rescore

from tests.core.compare_factory import acct, session
from tests.core.test_export import REVENUE, SECRET_NOTE, make_session

FORMULA = "=HYPERLINK(\"http://evil.example\",\"x\")"


def _session():
    accounts = [acct(f"firm{i}.com", f"Firm {i}", PROSPECT, CUSTOMER) for i in range(5)]
    accounts[0].next_action, accounts[0].owner = FORMULA, "Dana"
    accounts[0].action_status = ACTION_DONE
    accounts[1].notes = SECRET_NOTE
    for i, a in enumerate(accounts):
        a.scores = {"relationship": 1 + i % 3}
    s = session(accounts)
    rescore(s)
    return s


def test_xlsx_has_a_header_frozen_panes_widths_and_no_formula(tmp_path):
    path = export.write_export(_session(), tmp_path / "plan.xlsx", "xlsx")
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    assert header == export.action_columns(_session())
    assert sheet[1][0].font.b
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref.startswith("A1:")
    cells = {c.value for row in sheet.iter_rows(min_row=2) for c in row}
    assert "'" + FORMULA in cells and FORMULA not in cells
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value)
    next_action = header.index("next action") + 1
    assert sheet.column_dimensions[sheet.cell(1, next_action).column_letter].width > len("next action")
    assert sheet.max_row == 1 + len(_session().overlap())


def test_xlsx_keeps_control_characters_out_and_leading_zeros_in(tmp_path):
    s = _session()
    s.overlap()[2].next_action = "call\x07 back"
    s.overlap()[3].owner = "007"
    sheet = load_workbook(export.write_export(s, tmp_path / "p.xlsx", "xlsx")).active
    values = {c.value for row in sheet.iter_rows(min_row=2) for c in row}
    assert "call\ufffd back" in values and "007" in values


def test_partner_safe_xlsx_holds_no_private_field(tmp_path):
    path = export.write_export(make_session(), tmp_path / "safe.xlsx", "xlsx", partner_safe=True)
    text = " ".join(str(c.value) for row in load_workbook(path).active.iter_rows() for c in row)
    assert "Acme" in text
    assert REVENUE not in text and SECRET_NOTE not in text and "priority" not in text


@pytest.mark.parametrize("crm, name_col, domain_col", [
    ("salesforce", "Account Name", "Website"),
    ("hubspot", "Company name", "Company Domain Name"),
])
def test_crm_import_csv_names_columns_as_the_importer_expects(tmp_path, crm, name_col, domain_col):
    path = export.write_export(_session(), tmp_path / f"plan.{crm}.csv", crm)
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0][name_col].startswith("Firm") and rows[0][domain_col].endswith(".com")
    assert set(rows[0]) <= set(export.CRM_COLUMNS[crm].values())
    assert len(rows) == len({r[domain_col] for r in rows}) == 5  # one row per account
    assert SECRET_NOTE not in text
    values = {v for row in rows for v in row.values()}
    assert "'" + FORMULA in values and FORMULA not in values
    assert "done" in values  # the action status is a shared field


def test_crm_import_keeps_to_shareable_fields_even_unasked(tmp_path):
    text = export.write_export(make_session(), tmp_path / "x.salesforce.csv", "salesforce"
                               ).read_text(encoding="utf-8-sig")
    assert REVENUE not in text and SECRET_NOTE not in text and "Priority" not in text


@pytest.mark.parametrize("name, fmt", [
    ("a.csv", "csv"), ("a.MD", "md"), ("a.xlsx", "xlsx"), ("a.salesforce.csv", "salesforce"),
    ("a.hubspot.csv", "hubspot"), ("a.txt", None),
])
def test_the_file_ending_names_the_format(name, fmt):
    assert export.export_format(name) == fmt


def test_the_cli_writes_excel_and_crm_files(tmp_path, capsys):
    from acctmap_tui.cli import main
    from acctmap_tui.core import session as session_io

    saved = session_io.save(_session(), tmp_path / "s.toml")
    assert main(["export", str(saved), "--format", "xlsx"]) == 0
    assert load_workbook(tmp_path / "s.actions.xlsx").active.max_row == 6
    assert main(["export", str(saved), "--format", "hubspot"]) == 0
    assert (tmp_path / "s.actions.hubspot.csv").read_text(encoding="utf-8-sig").startswith(
        "Company name,")
    assert "shareable" in capsys.readouterr().out


def _statuses(path, fmt: str) -> list[tuple[str, str]]:
    """(has a next action, action status) per row of an export, in any format."""
    if fmt == "xlsx":
        rows = list(load_workbook(path).active.iter_rows(values_only=True))
        header, body = list(rows[0]), [["" if v is None else v for v in r] for r in rows[1:]]
        rows = [dict(zip(header, r)) for r in body]
    elif fmt == "md":
        lines = path.read_text(encoding="utf-8").splitlines()[2:]
        cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines]
        rows = [dict(zip(cells[0], r)) for r in cells[2:]]
    else:
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    names = {"salesforce": ("Next Step", "Next Step Status"),
             "hubspot": ("Partner next action", "Partner action status")}
    action, status = names.get(fmt, ("next action", "action status"))
    return sorted((bool(r[action]), r[status]) for r in rows)


@pytest.mark.parametrize("fmt", ["csv", "md", "xlsx", "salesforce", "hubspot"])
def test_every_format_says_the_action_status_with_or_without_a_next_action(tmp_path, fmt):
    """One rule in every format: the status is the account's own ("open" until something is
    decided), also where no next action is written yet, and a plan dropped without one says so."""
    s = _session()
    s.overlap()[1].action_status = "dropped"  # given up, its next action cleared
    path = export.write_export(s, tmp_path / f"plan{export.EXPORT_FORMATS[fmt][1]}", fmt)
    assert _statuses(path, fmt) == sorted(
        [(True, "done"), (False, "dropped"), (False, "open"), (False, "open"), (False, "open")])
