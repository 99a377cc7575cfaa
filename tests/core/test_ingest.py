"""Reading CRM exports: encodings, separators, workbooks, columns, statuses, merges, warnings."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from acctmap_tui.core.bulk import keep_out_of_collector, release_to_collector
from acctmap_tui.core import ingest
from acctmap_tui.core.ingest import STATUS_WORDS, demo_paths, map_status, read_list
from acctmap_tui.core.model import (
    CHURNED,
    CUSTOMER,
    OPEN_DEAL,
    OURS,
    PARTNER,
    PROSPECT,
    STATUSES,
    IngestError,
)
from acctmap_tui.core.normalize import is_shared_domain, registrable_domain

ROOT = Path(__file__).resolve().parents[2]

SF_HEADER = "Account Name,Website,Type,Account Owner,Industry,Billing Country"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def by_name(lst) -> dict:
    return {r.name: r for r in lst.records}


def messages(lst) -> str:
    return "\n".join(str(p) for p in lst.problems)


def read_error(path: Path, **kwargs) -> IngestError:
    with pytest.raises(IngestError) as info:
        read_list(path, OURS, **kwargs)
    assert info.value.problem.level == "error"
    assert str(path) in str(info.value)
    return info.value


# --- formats and encodings --------------------------------------------------------------------


def test_salesforce_export(tmp_path: Path) -> None:
    path = write(tmp_path, "acme_accounts.csv", "\n".join([
        SF_HEADER,
        '"Acme, Inc.",https://www.acme.com/about,Customer - Direct,Dana,Software,US',
        "Globex Ltd,globex.co.uk,Prospect,Sam,Retail,UK",
        "Initech,,Customer - Channel,Dana,Software,US",
    ]) + "\n")
    lst = read_list(path, OURS, "Acme")
    assert lst.side == OURS and lst.company == "Acme" and lst.path == str(path)
    assert lst.columns == {"name": "Account Name", "domain": "Website", "status": "Type",
                           "owner": "Account Owner"}
    assert lst.rows_read == 3
    assert lst.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    recs = by_name(lst)
    acme = recs["Acme, Inc."]
    assert (acme.domain, acme.status, acme.owner, acme.rows) == ("acme.com", CUSTOMER, "Dana", [2])
    assert acme.raw_domain == "https://www.acme.com/about"
    assert acme.raw_status == "Customer - Direct"
    assert acme.name_key == "acme"
    assert acme.extra == {"Industry": "Software", "Billing Country": "US"}
    assert recs["Globex Ltd"].status == PROSPECT
    assert recs["Initech"].domain == "" and recs["Initech"].rows == [4]
    assert lst.problems == []


def test_company_defaults_to_the_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, "globex_hubspot-export.csv", "name,status\nAcme,customer\n")
    assert read_list(path, PARTNER).company == "Globex"  # the CRM and export words are not the name


def test_hubspot_export_with_bom_and_internal_lifecycle_values(tmp_path: Path) -> None:
    rows = [
        "Record ID,Company name,Company Domain Name,Website URL,Lifecycle Stage,Company owner",
        "0012,Acme,acme.com,https://www.acme.com,customer,Ana",
        "0013,Globex,globex.com,,salesqualifiedlead,Ben",
        "0014,Initech,initech.com,,marketingqualifiedlead,Ana",
        "0015,Umbrella,umbrella.com,,Opportunity,Ben",
        "0016,Hooli,hooli.com,,evangelist,Ben",
    ]
    path = write(tmp_path, "hs.csv", "\r\n".join(rows) + "\r\n", "utf-8-sig")
    lst = read_list(path, PARTNER, "Globex")
    assert lst.columns["name"] == "Company name"  # the BOM did not stick to the first header
    assert lst.columns["domain"] == "Company Domain Name"
    assert lst.columns["status"] == "Lifecycle Stage"
    statuses = {r.name: r.status for r in lst.records}
    assert statuses == {"Acme": CUSTOMER, "Globex": OPEN_DEAL, "Initech": PROSPECT,
                        "Umbrella": OPEN_DEAL, "Hooli": CUSTOMER}
    assert by_name(lst)["Acme"].extra["Record ID"] == "0012"  # leading zeros survive
    assert by_name(lst)["Acme"].extra["Website URL"] == "https://www.acme.com"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_excel_unicode_text_utf16_tab_separated(tmp_path: Path, encoding: str) -> None:
    text = ("Account Name\tWebsite\tType\r\n"
            "Müller GmbH\tmüller.de\tCustomer\r\n"
            "Zoë Ltd\tzoe.co.uk\tProspect\r\n")
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # Excel writes a byte-order mark
    path = tmp_path / "export.txt"
    path.write_bytes(data)
    lst = read_list(path, OURS)
    recs = by_name(lst)
    assert set(recs) == {"Müller GmbH", "Zoë Ltd"}
    assert recs["Müller GmbH"].domain == "xn--mller-kva.de"
    assert recs["Zoë Ltd"].status == PROSPECT


def test_utf16_without_bom(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes("name\tstatus\nAcme\tcustomer\n".encode("utf-16-le"))
    assert [r.name for r in read_list(path, OURS).records] == ["Acme"]


def test_cp1252_with_semicolons(tmp_path: Path) -> None:
    text = ("Account Name;Website;Type\n"
            "Société Générale;socgen.fr;Customer\n"
            "\"Müller, Schmidt & Cie\";mueller-schmidt.de;Prospect\n"
            "Café “Zürich” – Bar;cafe-zurich.ch;Prospect\n")
    lst = read_list(write(tmp_path, "fr.csv", text, "cp1252"), OURS)
    assert set(by_name(lst)) == {"Société Générale", "Müller, Schmidt & Cie", "Café “Zürich” – Bar"}
    assert lst.columns["domain"] == "Website"


def test_cyrillic_cp1251_is_detected(tmp_path: Path) -> None:
    text = ("Название;Сайт;Статус\nОАО Ромашка;romashka.ru;Customer\n"
            "ЗАО Василёк;vasilek.ru;Prospect\nООО Берёзка и партнёры;berezka.ru;Prospect\n")
    lst = read_list(write(tmp_path, "ru.csv", text, "cp1251"), OURS,
                    columns={"name": "Название", "domain": "Сайт", "status": "Статус"})
    assert [r.name for r in lst.records] == ["ОАО Ромашка", "ЗАО Василёк", "ООО Берёзка и партнёры"]


def test_blank_lines_before_the_header_keep_row_numbers(tmp_path: Path) -> None:
    lst = read_list(write(tmp_path, "l.csv", "\n\nname,status\nAcme,customer\n"), OURS)
    assert lst.records[0].rows == [4]


def test_tab_and_pipe_separators(tmp_path: Path) -> None:
    tsv = write(tmp_path, "a.tsv", "Company\tDomain\tStatus\nAcme, Inc.\tacme.com\tClient\n")
    assert by_name(read_list(tsv, OURS))["Acme, Inc."].status == CUSTOMER
    piped = write(tmp_path, "b.txt", "company|domain|status\nAcme; Corp|acme.com|Won\n")
    assert by_name(read_list(piped, OURS))["Acme; Corp"].domain == "acme.com"


def test_semicolon_file_with_quoted_commas_in_names(tmp_path: Path) -> None:
    rows = ["Name;Website;Status"] + [f'"Firm {i}, Inc.";firm{i}.com;Prospect' for i in range(5)]
    lst = read_list(write(tmp_path, "s.csv", "\n".join(rows)), OURS)
    assert len(lst.records) == 5 and lst.records[0].name == "Firm 0, Inc."


def test_na_names_and_leading_zeros_are_text(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "name,domain,status,zip\nNA,na-corp.com,customer,01234\n")
    rec = read_list(path, OURS).records[0]
    assert rec.name == "NA" and rec.extra["zip"] == "01234"


def test_xlsx_written_with_openpyxl(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Account Name", "Website", "Type", "Employees", "Zip"])
    ws.append(["Acme, Inc.", "www.acme.com", "Customer - Direct", 1200, "01234"])
    ws.append(["NA", "na.io", "Prospect", None, None])
    ws.append([None, None, None, None, None])
    ws.append(["Globex", "globex.com", "Former Customer", 3.5, "02111"])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    lst = read_list(path, OURS)
    recs = by_name(lst)
    assert set(recs) == {"Acme, Inc.", "NA", "Globex"}
    assert lst.rows_read == 3
    assert recs["Acme, Inc."].extra == {"Employees": "1200", "Zip": "01234"}
    assert recs["Globex"].status == CHURNED and recs["Globex"].rows == [5]
    assert recs["NA"].extra["Employees"] == ""


def test_xlsx_falls_back_to_openpyxl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["name", "status"])
    wb.active.append(["Acme", "customer"])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    readers = []
    openpyxl_sheets = ingest._openpyxl_sheets

    def no_calamine(data: bytes, merged: dict | None = None) -> dict:
        readers.append("calamine")
        raise ImportError("no calamine here")

    def with_openpyxl(data: bytes) -> dict:
        readers.append("openpyxl")
        return openpyxl_sheets(data)

    monkeypatch.setattr(ingest, "_calamine_sheets", no_calamine)
    monkeypatch.setattr(ingest, "_openpyxl_sheets", with_openpyxl)
    assert [r.name for r in read_list(path, OURS).records] == ["Acme"]
    assert readers == ["calamine", "openpyxl"]


def workbook_of_every_kind(path: Path) -> Path:
    import datetime as dt

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Accounts"
    ws.append(["Name", "Website", "Type", "When", "N", "F", "B", "T", "D", "Zip", "Text"])
    ws.append(["Acme", "acme.com", "Customer", dt.date(2026, 1, 2), 12, 1.5, True, dt.time(13, 5),
               dt.timedelta(hours=1, minutes=2), "01234", "1.50"])
    ws.append([])
    ws.append(["Globex", None, "Prospect", dt.datetime(2026, 1, 2, 3, 4, 5), 12.0, 1e20, False, None,
               None, "NA", "null"])
    ws.append(["Initech", "#N/A", "Customer", None, -0.0, 2 ** 53, None, None, None, None, "#DIV/0!"])
    ws["M8"] = "far away"
    wb.create_sheet("Empty")
    offset = wb.create_sheet("Offset")
    offset["C3"], offset["D4"] = "x", 2.5
    wb.save(path)
    return path


EVERY_KIND = {
    "Accounts": [
        ["Name", "Website", "Type", "When", "N", "F", "B", "T", "D", "Zip", "Text", "", ""],
        ["Acme", "acme.com", "Customer", "2026-01-02", "12", "1.5", "TRUE", "13:05:00", "1:02:00", "01234", "1.50", "", ""],
        [""] * 13,
        ["Globex", "", "Prospect", "2026-01-02 03:04:05", "12", "100000000000000000000", "FALSE", "", "", "NA", "null", "", ""],
        ["Initech", "", "Customer", "", "0", "9007199254740992", "", "", "", "", "", "", ""],
        [""] * 13,
        [""] * 13,
        [""] * 12 + ["far away"],
    ],
    "Empty": [],
    "Offset": [["", "", "", ""], ["", "", "", ""], ["", "", "x", ""], ["", "", "", "2.5"]],
}


@pytest.mark.parametrize("reader", ["_calamine_sheets", "_openpyxl_sheets"])
def test_both_workbook_readers_give_every_kind_of_cell_as_text(tmp_path: Path, reader: str) -> None:
    """Numbers without a needless ".0", dates, times, durations, booleans, text that looks like a
    number kept as written, error cells blank, blank rows in place, a sheet that starts below and
    right of A1, an empty sheet: each worksheet from A1, as pandas.read_excel gave them before."""
    data = workbook_of_every_kind(tmp_path / "book.xlsx").read_bytes()
    assert getattr(ingest, reader)(data) == EVERY_KIND


# --- unreadable files -------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    assert "not found" in str(read_error(tmp_path / "nope.csv"))


def test_folder(tmp_path: Path) -> None:
    assert "folder" in str(read_error(tmp_path))


@pytest.mark.parametrize("content", [b"", b"  \n\n", "\ufeff".encode("utf-8")])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    assert "empty" in str(read_error(path))


def test_header_only(tmp_path: Path) -> None:
    path = write(tmp_path, "h.csv", SF_HEADER + "\n\n")
    assert "no data rows" in str(read_error(path))


def test_binary_junk(tmp_path: Path) -> None:
    path = tmp_path / "junk.csv"
    path.write_bytes(bytes(range(256)) * 20)
    assert "not a text table" in str(read_error(path))
    png = tmp_path / "picture.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(500))
    assert "not a text table" in str(read_error(png))


def test_bad_xlsx(tmp_path: Path) -> None:
    path = write(tmp_path, "list.xlsx", "name,status\nAcme,customer\n")
    assert "Excel" in str(read_error(path))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    assert "Excel" in str(read_error(broken))


def test_text_that_is_not_a_table(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.txt", "Call notes from Tuesday\nThey liked the demo\n")
    err = read_error(path)
    assert "status" in str(err) and "'Call notes from Tuesday'" in str(err)


# --- columns ----------------------------------------------------------------------------------


def test_missing_status_column_lists_headers(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", "Account Name,Website,Owner\nAcme,acme.com,Dana\n")
    msg = str(read_error(path))
    assert "no column for status" in msg
    assert "'Account Name', 'Website', 'Owner'" in msg


def test_missing_name_and_domain(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", "Region,Type\nEMEA,Customer\n")
    assert "company name or domain" in str(read_error(path))


def test_column_override_wins_and_is_case_insensitive(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv",
                 "Account Name,Legal Entity,Web Address,Type,Tier\n"
                 "Acme,Acme Holdings Inc.,acme.com,Gold,Customer\n")
    lst = read_list(path, OURS, columns={"name": "legal entity", "domain": "Web Address",
                                         "status": "TIER"})
    assert lst.columns == {"name": "Legal Entity", "domain": "Web Address", "status": "Tier"}
    rec = lst.records[0]
    assert (rec.name, rec.domain, rec.status) == ("Acme Holdings Inc.", "acme.com", CUSTOMER)
    assert rec.extra == {"Account Name": "Acme", "Type": "Gold"}


def test_override_naming_a_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", "Account Name,Type\nAcme,Customer\n")
    err = read_error(path, columns={"domain": "Website"})
    assert err.problem.column == "Website"
    assert "'Website'" in str(err) and "'Account Name', 'Type'" in str(err)


def test_override_with_unknown_role(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", "Account Name,Type\nAcme,Customer\n")
    assert "unknown column role 'region'" in str(read_error(path, columns={"region": "Type"}))


def test_empty_override_turns_a_role_off(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", "Name,Email,Status\nAcme,jo@gmail.com,customer\n")
    lst = read_list(path, OURS, columns={"domain": ""})
    assert "domain" not in lst.columns
    assert lst.records[0].extra == {"Email": "jo@gmail.com"}
    assert lst.problems == []


def test_duplicate_and_blank_headers_are_kept_apart(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", "Name,Status,Note,Note,\nAcme,customer,a,b,c\n")
    assert read_list(path, OURS).records[0].extra == {"Note": "a", "Note (2)": "b", "Column 5": "c"}


# --- rows -------------------------------------------------------------------------------------


def test_bad_rows_are_reported_and_the_rest_loads(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", "\n".join([
        "name,domain,status",
        "Acme,acme.com,customer",
        "Acme, Inc,acme.com,customer",  # unquoted comma: four fields
        '"Multi',
        'line Corp",multi.com,prospect',  # one record over two lines
        "Short Co,short.com",  # a field short: padded, status missing
        "Globex,globex.com,prospect,,",  # trailing empty fields are fine
    ]) + "\n")
    lst = read_list(path, OURS)
    assert {r.name for r in lst.records} == {"Acme", "Multi\nline Corp", "Short Co", "Globex"}
    bad = [p for p in lst.problems if "fields" in p.message]
    assert [(p.row, p.level) for p in bad] == [(3, "warning")]
    assert by_name(lst)["Globex"].rows == [6]  # spreadsheet rows count records, not lines
    no_status = [p for p in lst.problems if p.message.startswith("no status")]
    assert [p.row for p in no_status] == [5]
    assert lst.rows_read == 5


def test_row_without_name_or_domain_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", "name,domain,status\n,n/a,customer\nAcme,,prospect\n,,\n")
    lst = read_list(path, OURS)
    assert [r.name for r in lst.records] == ["Acme"]
    skipped = [p for p in lst.problems if "row skipped" in p.message]
    assert [p.row for p in skipped] == [2]


def test_domain_only_rows_are_accounts(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", "domain,status\nacme.com,customer\n")
    rec = read_list(path, OURS).records[0]
    assert (rec.name, rec.domain, rec.key) == ("", "acme.com", "acme.com")


def test_junk_and_odd_domains(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", "\n".join([
        "name,website,status",
        "Acme,n/a,customer",
        "Globex,10.1.2.3,customer",
        "Initech,initech.com; initech.de,customer",
        "Hooli,https://https://hooli.xyz,customer",
        "Pied Piper,-,prospect",
        "Vandelay,n/a,prospect",
    ]) + "\n")
    lst = read_list(path, OURS)
    domains = {r.name: r.domain for r in lst.records}
    assert domains == {"Acme": "", "Globex": "", "Initech": "initech.com", "Hooli": "hooli.xyz",
                       "Pied Piper": "", "Vandelay": ""}
    assert by_name(lst)["Acme"].raw_domain == "n/a"
    text = messages(lst)
    assert "row 3, column 'website': IP address" in text
    assert "several domains" in text and "row 4" in text
    assert "'n/a' is not a domain; domain ignored (2 rows: 2, 7)" in text


def test_free_mail_domains_are_blanked(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", "\n".join([
        "name,email,status",
        "Harlow Bakery,harlow@gmail.com,prospect",
        "Penrose Plumbing,penrose@GMAIL.com,customer",
        "Bright Co,https://brightco.wordpress.com,prospect",
        "Google LLC,google.com,customer",  # the owner keeps its own domain
    ]) + "\n")
    lst = read_list(path, OURS)
    recs = by_name(lst)
    assert len(lst.records) == 4  # the two gmail rows are two accounts, not one
    assert recs["Harlow Bakery"].domain == "" and recs["Harlow Bakery"].raw_domain == "harlow@gmail.com"
    assert recs["Penrose Plumbing"].domain == ""
    assert recs["Bright Co"].domain == ""
    assert recs["Google LLC"].domain == "google.com"
    gmail = [p for p in lst.problems if "gmail.com" in p.message]
    assert len(gmail) == 1 and "2 rows: 2, 3" in gmail[0].message
    assert any("wordpress.com" in p.message for p in lst.problems)


# --- statuses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("Customer - Direct", CUSTOMER), ("customer-channel", CUSTOMER), ("ACTIVE", CUSTOMER),
        ("Closed Won", CUSTOMER), ("Current customer", CUSTOMER), ("evangelist", CUSTOMER),
        ("opportunity", OPEN_DEAL), ("salesqualifiedlead", OPEN_DEAL), ("SQL", OPEN_DEAL),
        ("Sales Qualified Lead", OPEN_DEAL), ("in progress", OPEN_DEAL), ("Negotiation", OPEN_DEAL),
        ("Open deal", OPEN_DEAL),
        ("Prospect", PROSPECT), ("marketingqualifiedlead", PROSPECT), ("MQL", PROSPECT),
        ("Marketing Qualified Lead", PROSPECT), ("subscriber", PROSPECT), ("Closed Lost", PROSPECT),
        ("  lead ", PROSPECT), ("Target", PROSPECT),
        ("Former customer", CHURNED), ("Ex-customer", CHURNED), ("Churned", CHURNED),
        ("Cancelled", CHURNED),
    ],
)
def test_status_words(word: str, status: str) -> None:
    assert map_status(word) == status


@pytest.mark.parametrize(
    "word",
    ["Channel Partner / Reseller", "Installation Partner", "Technology Partner", "Other", "other",
     "", "Partner"],
)
def test_partner_types_and_other_are_not_guessed(word: str) -> None:
    assert map_status(word) is None


def test_status_table_maps_only_to_statuses() -> None:
    assert set(STATUS_WORDS.values()) == set(STATUSES)


def test_users_status_map_wins() -> None:
    assert map_status("Partner", {"partner": CUSTOMER}) == CUSTOMER
    assert map_status("Prospect", {"PROSPECT": OPEN_DEAL}) == OPEN_DEAL


def test_unknown_statuses_are_reported_once_per_word(tmp_path: Path) -> None:
    rows = ["name,domain,status"] + [
        f"Firm {i},firm{i}.com,{'Partner' if i % 3 == 0 else 'Customer'}" for i in range(12)
    ] + ["Odd,odd.com,Reseller"]
    lst = read_list(write(tmp_path, "l.csv", "\n".join(rows)), OURS)
    unknown = [p for p in lst.problems if "unknown status" in p.message]
    assert len(unknown) == 2
    partner = next(p for p in unknown if "'Partner'" in p.message)
    assert "(4 rows: 2, 5, 8, 11)" in partner.message
    assert "--status 'Partner=" in partner.message
    assert partner.column == "status"
    reseller = next(p for p in unknown if "'Reseller'" in p.message)
    assert reseller.row == 14
    rec = by_name(lst)["Firm 0"]
    assert rec.status is None and rec.raw_status == "Partner"

    mapped = read_list(write(tmp_path, "l.csv", "\n".join(rows)), OURS,
                       status_map={"partner": PROSPECT, "Reseller": CUSTOMER})
    assert not any("unknown status" in p.message for p in mapped.problems)
    assert by_name(mapped)["Firm 0"].status == PROSPECT


def test_status_map_to_a_non_status_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", "name,status\nAcme,Partner\n")
    assert "must be one of" in str(read_error(path, status_map={"Partner": "friend"}))


# --- merging duplicates -----------------------------------------------------------------------


def test_duplicate_rows_merge(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", "\n".join([
        "name,website,status,owner,region",
        "Acme Inc,acme.com,Prospect,,",
        "Globex,globex.com,Customer,Ben,EMEA",
        "ACME Corporation,https://www.acme.com/contact,Customer,Dana,NA",
        "Initech Ltd,,Prospect,Ana,",
        "Initech Limited,,Prospect,Ben,APAC",
        "Acme,acme.com,Former customer,Eve,",
    ]) + "\n")
    lst = read_list(path, OURS)
    assert lst.rows_read == 6 and len(lst.records) == 3
    acme = next(r for r in lst.records if r.domain == "acme.com")
    assert acme.rows == [2, 4, 7]
    assert (acme.status, acme.raw_status) == (CUSTOMER, "Customer")  # strongest status
    # ... and its row's name, owner and other columns with it
    assert (acme.name, acme.owner, acme.extra) == ("ACME Corporation", "Dana", {"region": "NA"})
    initech = next(r for r in lst.records if r.name_key == "initech")
    assert initech.rows == [5, 6] and initech.domain == ""
    # a blank filled from the other row
    assert (initech.name, initech.owner, initech.extra) == ("Initech Ltd", "Ana", {"region": "APAC"})
    text = messages(lst)
    assert not any("duplicate" in p.message for p in lst.problems)  # each merged row differs somewhere
    assert ("3 rows merged into 2 accounts with rows of the same domain or name though their values "
            "differ") in text
    assert "rows 2+4+7, 5+6" in text
    assert "row 2, column 'name': 'Acme Inc' not kept (row 4's 'ACME Corporation' is)" in text
    assert "row 7, column 'owner': 'Eve' not kept (row 4's 'Dana' is)" in text
    assert "row 6, column 'name': 'Initech Limited' not kept (row 5's 'Initech Ltd' is)" in text
    assert "disagree on status in 1 account" in text and "acme.com" in text


def test_same_name_with_different_domains_stays_apart(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv",
                 "name,domain,status\nMartin & Co,martinco.com,customer\nMartin & Co.,martin.fr,customer\n")
    assert len(read_list(path, OURS).records) == 2


# --- hashed lists -----------------------------------------------------------------------------


def test_hashed_list(tmp_path: Path) -> None:
    h1 = hashlib.sha256(b"acme.com").hexdigest()
    h2 = hashlib.sha256(b"globex.com").hexdigest()
    text = (f"domain_hash,status\n{h1.upper()},customer\n{h2},prospect\n"
            f"not-a-hash,customer\n{h1},prospect\n")
    path = write(tmp_path, "h.csv", text)
    lst = read_list(path, PARTNER)
    assert lst.hashed and lst.columns == {"domain": "domain_hash", "status": "status"}
    assert all(r.hashed and r.name == "" for r in lst.records)
    assert {r.domain: r.status for r in lst.records} == {h1: CUSTOMER, h2: PROSPECT}
    assert any("hex hash" in p.message and p.row == 4 for p in lst.problems)


# --- the demo lists ---------------------------------------------------------------------------


def _demo_script():
    spec = importlib.util.spec_from_file_location("make_demo_data", ROOT / "bench" / "make_demo_data.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def demo():
    script = _demo_script()
    truth = script.build()
    ours_path, theirs_path = demo_paths()
    return (script, truth, read_list(ours_path, OURS, "Northwind"),
            read_list(theirs_path, PARTNER, "Globex"))


def test_demo_files_are_what_the_script_makes(demo) -> None:
    script, truth, _, _ = demo
    ours_bytes, theirs_bytes = script.render(truth)
    ours_path, theirs_path = demo_paths()
    assert ours_path.read_bytes() == ours_bytes
    assert theirs_path.read_bytes() == theirs_bytes
    assert theirs_bytes.startswith(b"\xef\xbb\xbf")


def test_demo_lists_load_as_designed(demo) -> None:
    _, truth, ours, theirs = demo
    assert not [p for p in ours.problems + theirs.problems if p.level == "error"]
    for lst, side in ((ours, truth.ours), (theirs, truth.theirs)):
        assert lst.rows_read == len(side.rows)
        assert {r.key: r.status for r in lst.records} == side.status
    assert 250 <= ours.rows_read <= 350 and 200 <= theirs.rows_read <= 300
    assert ours.columns["status"] == "Type" and theirs.columns["status"] == "Lifecycle Stage"


def test_demo_overlaps_are_findable(demo) -> None:
    _, truth, ours, theirs = demo
    shared = {r.domain for r in ours.records if r.domain} & {r.domain for r in theirs.records if r.domain}
    assert len(shared) == truth.domain_overlaps
    assert 60 <= len(truth.overlaps) <= 90
    pairs = Counter((o[2], o[3]) for o in truth.overlaps)
    assert all(pairs[(a, b)] for a, b in [(CUSTOMER, CUSTOMER), (CUSTOMER, PROSPECT),
                                          (PROSPECT, CUSTOMER), (PROSPECT, PROSPECT)])
    assert pairs[(CHURNED, CUSTOMER)] and pairs[(CUSTOMER, CHURNED)]
    # the overlaps without a domain on one side share a name key with the other side
    ours_keys = {r.key: r.name_key for r in ours.records}
    theirs_keys = {r.key: r.name_key for r in theirs.records}
    name_only = [o for o in truth.overlaps if o[0].startswith("name:") or o[1].startswith("name:")]
    assert len(name_only) == truth.name_overlaps
    assert all(ours_keys[o[0]] == theirs_keys[o[1]] for o in name_only)


def test_demo_traps(demo) -> None:
    _, truth, ours, theirs = demo
    ours_by_domain = {r.domain: r for r in ours.records}
    theirs_by_domain = {r.domain: r for r in theirs.records}
    for our_domain, their_domain in truth.same_name_traps + truth.different_domain_pairs:
        assert our_domain != their_domain
        assert ours_by_domain[our_domain].name_key == theirs_by_domain[their_domain].name_key
    for lst, expected in zip((ours, theirs), truth.shared_domain_rows):
        blanked = [r for r in lst.records
                   if not r.domain and is_shared_domain(registrable_domain(r.raw_domain))]
        assert len(blanked) == expected
        assert any("free-mail" in p.message for p in lst.problems)
    assert any("duplicate rows merged" in p.message for p in ours.problems)
    assert any("merged into 3 accounts with rows of the same domain" in p.message for p in theirs.problems)
    unknown = Counter()
    for p in ours.problems:
        if "unknown status" in p.message:
            unknown[p.message.split("'")[1]] += 1
    assert set(unknown) == set(truth.unknown_words["ours"])


def test_demo_paths_point_into_the_package() -> None:
    ours, theirs = demo_paths()
    assert ours.is_file() and theirs.is_file()
    assert ours.parent == Path(ingest.__file__).resolve().parent.parent / "data"


def test_records_read_are_left_to_the_collectors_full_passes(tmp_path: Path) -> None:
    """A big list's records would be walked by the young collections right after reading, only to
    be promoted; they go straight to the oldest generation instead, and stay collectable."""
    import gc

    rows = "\n".join(f"Firm {i},firm{i}.com,Customer,Rep {i % 7},x" for i in range(300))
    path = write(tmp_path, "big.csv", f"{SF_HEADER.rsplit(',', 1)[0]}\n{rows}\n")
    release_to_collector()  # a session loaded earlier in this process froze its objects on purpose
    gc.collect()
    lst = read_list(path, OURS)
    young = {id(o) for generation in (0, 1) for o in gc.get_objects(generation=generation)}
    assert len(lst.records) == 300
    assert not [r for r in lst.records if id(r) in young or id(r.rows) in young]
    assert gc.get_freeze_count() == 0  # promoted, not frozen: a full collection still sees them


def test_objects_frozen_on_purpose_stay_frozen(tmp_path: Path) -> None:
    import gc

    path = write(tmp_path, "a.csv", f"{SF_HEADER}\nAcme,acme.com,Customer,Jo,Tech,DE\n")
    keep_out_of_collector()
    try:
        frozen = gc.get_freeze_count()
        read_list(path, OURS)
        assert gc.get_freeze_count() >= frozen
    finally:
        release_to_collector()


def test_a_record_pickles_with_every_field(tmp_path: Path) -> None:
    """A list read in a second process comes back pickled: every field, the other domains of a
    website cell too (left out of equality), must survive the trip."""
    import dataclasses
    import pickle

    from acctmap_tui.core.model import Record

    rec = Record("Acme", "acme.com", "customer", "Kunde", "Jo", "acme.com; acme.de", "acme",
                 {"Region": "DE"}, [2, 7], False, ["acme.de"])
    back = pickle.loads(pickle.dumps(rec, protocol=pickle.HIGHEST_PROTOCOL))
    for f in dataclasses.fields(Record):
        assert getattr(back, f.name) == getattr(rec, f.name), f.name
    assert len(dataclasses.fields(Record)) == 11  # each one checked above (the pickled form follows them)


@pytest.mark.parametrize("names", [[], [""], ["Acme", "Umbrella\x00Corp", ""], ["Acme", None]])
def test_a_list_crosses_to_another_process_with_every_record_as_it_was(names) -> None:
    """A list read in a second process comes back pickled a column at a time, each text column
    joined into one text: a NUL inside a name, an empty name, a value that is not text and an
    empty list all come back as they were."""
    import pickle

    from acctmap_tui.core.model import AccountList, Record

    records = [Record(name, f"d{i}.com" if i % 2 else "", "customer" if i else None, "Kunde",
                      "Jo", f"www.d{i}.com", f"key {i}", {"Region": "DE"} if i else {}, [i + 2],
                      bool(i % 2), [f"d{i}.de"] if i else []) for i, name in enumerate(names)]
    lst = AccountList(OURS, "Acme", "ours.csv", "ab" * 32, len(names), {"name": "Name"}, records,
                      status_map={"Kunde": "customer"})
    back = pickle.loads(pickle.dumps(lst, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == lst
    assert [r.other_domains for r in back.records] == [r.other_domains for r in records]


def test_records_that_crossed_share_no_list_or_table() -> None:
    """Merged rows, extra columns and other domains come back as each record's own: an edit of
    one record's (a row merged in, a column filled) never shows in another's."""
    import pickle

    from acctmap_tui.core.model import AccountList, Record

    records = [Record(f"Acme {i}", f"acme{i}.com", "customer", "Kunde", "Jo", f"acme{i}.com",
                      f"acme {i}", {"Region": "DE", "Tier": str(i)}, [i + 2, i + 40] if i % 3 else [i + 2],
                      False, [f"acme{i}.de"] if i % 4 == 1 else []) for i in range(12)]
    lst = AccountList(OURS, "Acme", "ours.csv", "ab" * 32, 12, {"name": "Name"}, records)
    back = pickle.loads(pickle.dumps(lst, protocol=pickle.HIGHEST_PROTOCOL)).records
    assert back == records
    assert [r.other_domains for r in back] == [r.other_domains for r in records]
    for field in ("rows", "extra", "other_domains"):
        assert len({id(getattr(r, field)) for r in back}) == len(back), field


def test_a_name_cell_too_long_for_a_company_name_is_reported_by_row(tmp_path: Path) -> None:
    """A description mapped as the name: every row named, the rows still read and matched."""
    long = "Family-owned maker of garden tools since 1921. " * 5
    path = write(tmp_path, "o.csv", f"Account Name,Website,Type\nAcme,acme.com,Customer\n"
                                    f'"{long}",,Prospect\n"{long} And more",,Prospect\n')
    lst = read_list(path, OURS)
    assert len(lst.records) == 3
    (problem,) = [p for p in lst.problems if "longer than" in str(p)]
    assert str(problem).startswith(f"{path}, column 'Account Name': name longer than 200 characters")
    assert "(2 rows: 3, 4)" in str(problem)
    just_short = write(tmp_path, "t.csv", f"Account Name,Website,Type\n{'A' * 200},,Customer\n")
    assert not [p for p in read_list(just_short, OURS).problems if "longer than" in str(p)]


def test_a_column_of_many_different_bad_values_is_counted_not_listed(tmp_path: Path) -> None:
    """The wrong column mapped as the status (or website): the first values are named one by
    one, the rest counted in one problem with their rows, so none is left unsaid."""
    rows = [f"Firm {i},{'' if i % 3 else 'f' + str(i) + ' web'},Stage {i % 30}" for i in range(60)]
    path = write(tmp_path, "o.csv", "Account Name,Website,Type\n" + "\n".join(rows) + "\n")
    problems = read_list(path, OURS).problems
    status = [str(p) for p in problems if p.column == "Type"]
    assert len(status) == ingest.DISTINCT_SHOWN + 1
    assert "unknown status 'Stage 0' (2 rows: 2, 32)" in status[0]
    assert status[-1].startswith(f"{path}, column 'Type': 20 more unknown status words")
    assert "(40 rows: 12, 13, 14, 15, 16, ...)" in status[-1]  # in row order
    web = [str(p) for p in problems if p.column == "Website"]
    assert len(web) == ingest.DISTINCT_SHOWN + 1
    assert "10 more website cells with no usable domain" in web[-1]
    assert "(10 rows: 32, 35, 38, 41, 44, ...)" in web[-1]
