"""Read one side's CRM export into an `AccountList`.

Text files (.csv/.tsv/.txt) are decoded (BOM, strict UTF-8, cp1252, then charset-normalizer) and
split with the `csv` module rather than pandas: it lets every bad row be reported by its spreadsheet
row number (header = row 1) while the rest of the file loads. Workbooks (.xlsx/.xls) go through
pandas (calamine, falling back to openpyxl). Every cell is kept as text, so leading zeros and a
company called "NA" survive.

Columns are found from Salesforce, HubSpot and plain headers (or given by the user), status words
are mapped to the four statuses, domains and names are normalized, and rows for the same account
are merged. Whatever is wrong is reported as `Problem`s; a file that cannot be read at all raises
`IngestError`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from importlib.resources import files
from pathlib import Path

from acctmap_tui.core.bulk import paused_gc
from acctmap_tui.core.model import (
    CHURNED,
    CUSTOMER,
    OPEN_DEAL,
    PROSPECT,
    STATUSES,
    AccountList,
    IngestError,
    Problem,
    Record,
)
from acctmap_tui.core.normalize import cell_domains, name_key, parse_domain, shared_domain_reason

ROLES = ("name", "domain", "status", "owner")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
DELIMITERS = ",;\t|"
SHOW_ROWS = 5  # row numbers listed in one grouped problem

# --- status words -------------------------------------------------------------------------------

# CRM picklist values -> status. Salesforce partner types ("Channel Partner / Reseller",
# "Technology Partner", "Other") and HubSpot "other" are deliberately absent: they are reported as
# unknown, not guessed.
STATUS_WORDS: dict[str, str] = {
    # customers
    "customer": CUSTOMER,
    "customer - direct": CUSTOMER,
    "customer - channel": CUSTOMER,
    "customers": CUSTOMER,
    "client": CUSTOMER,
    "active": CUSTOMER,
    "active customer": CUSTOMER,
    "current customer": CUSTOMER,
    "existing customer": CUSTOMER,
    "paying customer": CUSTOMER,
    "closed won": CUSTOMER,
    "won": CUSTOMER,
    "evangelist": CUSTOMER,
    # open deals
    "open deal": OPEN_DEAL,
    "open": OPEN_DEAL,
    "opportunity": OPEN_DEAL,
    "open opportunity": OPEN_DEAL,
    "salesqualifiedlead": OPEN_DEAL,
    "sales qualified lead": OPEN_DEAL,
    "sql": OPEN_DEAL,
    "negotiation": OPEN_DEAL,
    "negotiation/review": OPEN_DEAL,
    "proposal": OPEN_DEAL,
    "proposal/price quote": OPEN_DEAL,
    "pipeline": OPEN_DEAL,
    "qualified": OPEN_DEAL,
    "qualification": OPEN_DEAL,
    "demo": OPEN_DEAL,
    "trial": OPEN_DEAL,
    "in progress": OPEN_DEAL,
    "in trial": OPEN_DEAL,
    # prospects
    "prospect": PROSPECT,
    "target": PROSPECT,
    "target account": PROSPECT,
    "cold": PROSPECT,
    "suspect": PROSPECT,
    "lead": PROSPECT,
    "subscriber": PROSPECT,
    "marketingqualifiedlead": PROSPECT,
    "marketing qualified lead": PROSPECT,
    "mql": PROSPECT,
    "closed lost": PROSPECT,
    # churned
    "churned": CHURNED,
    "churned customer": CHURNED,
    "former customer": CHURNED,
    "lost customer": CHURNED,
    "cancelled": CHURNED,
    "canceled": CHURNED,
    "ex-customer": CHURNED,
    "past customer": CHURNED,
}

# When one account appears in several rows, the strongest status wins.
STATUS_STRENGTH = {CUSTOMER: 4, OPEN_DEAL: 3, CHURNED: 2, PROSPECT: 1}

_NOT_ALNUM = re.compile(r"[\W_]+")


def _compact(word: str) -> str:
    """Case-, space- and punctuation-insensitive form of a status word or header."""
    return _NOT_ALNUM.sub("", word.casefold())


_STATUS_LOOKUP = {_compact(w): s for w, s in STATUS_WORDS.items()}
_STATUS_LOOKUP.update({_compact(s): s for s in STATUSES})


def map_status(word: str, extra: dict[str, str] | None = None) -> str | None:
    """A CRM status word -> one of STATUSES, or None when it is not understood.

    `extra` is the user's own mapping (word -> status); it wins over the built-in table.
    """
    key = _compact(word)
    if not key:
        return None
    if extra:
        for w, status in extra.items():
            if _compact(w) == key:
                return status
    return _STATUS_LOOKUP.get(key)


# --- column roles -------------------------------------------------------------------------------

# Header spellings per role, best first, compared after _compact().
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "accountname", "companyname", "company", "account", "name", "organization",
        "organisation", "organizationname", "organisationname", "customername", "customer",
        "businessname", "legalname",
    ),
    "domain": (
        "domainhash", "companydomainname", "domain", "domainname", "primarydomain", "website",
        "websiteurl", "companywebsite", "url", "web", "homepage", "site", "emaildomain", "email",
        "emailaddress",
    ),
    "status": (
        "type", "accounttype", "lifecyclestage", "lifecycle", "status", "accountstatus",
        "customerstatus", "stage", "relationship", "companytype",
    ),
    "owner": (
        "accountowner", "companyowner", "owner", "hubspotowner", "accountmanager", "salesrep",
        "accountexecutive", "rep",
    ),
}
HASH_HEADER = "domain_hash"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class _Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row, cells), blank rows already dropped
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0  # data rows that could not be split into the header's columns


def _err(file: str, message: str, column: str | None = None) -> IngestError:
    return IngestError(Problem(file, None, column, message, "error"))


# --- decoding and splitting text files ----------------------------------------------------------

_WESTERN_EXTRA = set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ°±²³´µ¶·¸¹º»¼½¾¿×÷¡¢£¤¥¦§¨©ª«¬®¯\xa0\xad")


def _looks_western(text: str) -> bool:
    """True when cp1252-decoded text reads as Western European (accents within ASCII words)."""
    letters = ascii_letters = 0
    for ch in text:
        if ch.isascii():
            ascii_letters += ch.isalpha()
        elif ch.isalpha():
            letters += 1
        elif ch not in _WESTERN_EXTRA:
            return False
    return letters <= 0.3 * (letters + ascii_letters)


def _is_binary(text: str) -> bool:
    sample = text[:20000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\f")
    return controls > max(2, len(sample) // 100)


def _decode(data: bytes, file: str) -> tuple[str, str]:
    """Bytes of a text export -> (text, encoding name)."""
    for bom, enc in (
        (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise _err(file, f"the file starts with a {enc} mark but is not valid {enc}: {e.reason}")
    head = data[:2000]
    if b"\x00" in head:
        # UTF-16 without a BOM: every other byte is zero for mostly-ASCII text.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        half = len(head) / 2
        for zeros, enc in ((odd, "utf-16-le"), (even, "utf-16-be")):
            if zeros > 0.4 * half:
                try:
                    return data.decode(enc), enc
                except UnicodeDecodeError:
                    break
        raise _err(file, "not a text table (binary content); expected .csv, .tsv, .txt or .xlsx")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        if _looks_western(text):
            return text, "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise _err(file, "not a text table (unknown encoding or binary content); "
                         "expected .csv, .tsv, .txt or .xlsx saved as UTF-8")
    return str(best), best.encoding


def _split_quoted(line: str, delim: str) -> int:
    """How many times `delim` occurs outside double quotes in one line."""
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delim and not quoted:
            count += 1
    return count


def _delimiter(text: str, suffix: str) -> str:
    """The field separator: csv.Sniffer on a sample, checked against the header line."""
    header = next((ln for ln in text.splitlines() if ln.strip()), "")
    counts = {d: _split_quoted(header, d) for d in DELIMITERS}
    if suffix in (".tsv", ".tab") and counts["\t"]:
        return "\t"
    try:
        sniffed = csv.Sniffer().sniff(text[:65536], delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and counts.get(sniffed):
        return sniffed
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _unique_headers(raw: list[str]) -> list[str]:
    headers: list[str] = []
    for i, h in enumerate(raw, start=1):
        h = h.strip().lstrip("\ufeff") or f"Column {i}"
        base, n = h, 2
        while h in headers:
            h, n = f"{base} ({n})", n + 1
        headers.append(h)
    return headers


def _table_from_rows(records: Iterable[list[str]], file: str) -> _Table:
    """Header + data rows from raw cell lists; reports rows with too many fields.

    Blank rows are dropped (row numbers still count them), and so are columns that have neither a
    header nor a value (the trailing empty columns spreadsheets often export).
    """
    raw_headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    for number, cells in enumerate(records, start=1):
        if not any(c.strip() for c in cells):
            continue
        if raw_headers is None:
            raw_headers = cells
            continue
        width = len(raw_headers)
        if len(cells) > width:
            if any(c.strip() for c in cells[width:]):
                problems.append(Problem(
                    file, number, None,
                    f"row skipped: it has {len(cells)} fields but the header has {width} "
                    "(an unquoted separator in a value?)",
                ))
                continue
            cells = cells[:width]
        elif len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        rows.append((number, cells))
    if raw_headers is None:
        raise _err(file, "the file is empty")
    if not rows and not problems:
        raise _err(file, "the file has a header row but no data rows")
    if not rows:
        raise _err(file, f"no row matches the header's {len(raw_headers)} columns "
                         f"(first bad row: {problems[0].row}); is the separator right?")
    keep = [i for i, h in enumerate(raw_headers) if h.strip() or any(c[i].strip() for _, c in rows)]
    if len(keep) < len(raw_headers):
        raw_headers = [raw_headers[i] for i in keep]
        rows = [(n, [c[i] for i in keep]) for n, c in rows]
    return _Table(_unique_headers(raw_headers), rows, problems, skipped=len(problems))


def _read_text(data: bytes, file: str, suffix: str) -> _Table:
    text, _encoding = _decode(data, file)
    if _is_binary(text):
        raise _err(file, "not a text table (binary content); expected .csv, .tsv, .txt or .xlsx")
    if not text.strip():
        raise _err(file, "the file is empty")
    delim = _delimiter(text, suffix)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        # reader.line_num counts physical lines; spreadsheet rows count records, so enumerate.
        return _table_from_rows(reader, file)
    except csv.Error as e:
        raise _err(file, f"cannot split the file into columns: {e}") from None


# --- workbooks ----------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def _read_excel(data: bytes, file: str) -> _Table:
    import pandas as pd

    frame = None
    reasons: list[str] = []
    for engine in ("calamine", "openpyxl"):
        try:
            frame = pd.read_excel(
                io.BytesIO(data), sheet_name=0, header=None, dtype=object,
                keep_default_na=False, engine=engine,
            )
            break
        except Exception as e:  # noqa: BLE001 - engines raise many types on bad input
            reasons.append(f"{engine}: {type(e).__name__}: {e}".splitlines()[0][:200])
    if frame is None:
        raise _err(file, "not a readable Excel workbook (" + "; ".join(reasons) + ")")
    rows = [[_cell_text(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return _table_from_rows(rows, file)


# --- column mapping -----------------------------------------------------------------------------


def _find_columns(headers: list[str], overrides: dict[str, str] | None, file: str) -> dict[str, str]:
    found = ", ".join(repr(h) for h in headers)
    compact = {}
    for h in headers:
        compact.setdefault(_compact(h), h)
    columns: dict[str, str] = {}
    skip: set[str] = set()
    for role, header in (overrides or {}).items():
        role = role.strip().lower()
        if role not in ROLES:
            raise _err(file, f"unknown column role {role!r} in the column mapping; "
                             f"roles are {', '.join(ROLES)}")
        if not header.strip():
            skip.add(role)  # the user said: no column for this role
            continue
        actual = header if header in headers else compact.get(_compact(header))
        if actual is None:
            raise _err(file, f"column {header!r} (given for {role}) is not in the file; "
                             f"headers found: {found}", column=header)
        columns[role] = actual
    used = set(columns.values())
    for role in ROLES:
        if role in columns or role in skip:
            continue
        for alias in HEADER_ALIASES[role]:
            header = compact.get(alias)
            if header is not None and header not in used:
                columns[role] = header
                used.add(header)
                break
    missing = []
    if "status" not in columns:
        missing.append("status (e.g. 'Type', 'Lifecycle Stage', 'Status')")
    if "name" not in columns and "domain" not in columns:
        missing.append("a company name or domain (e.g. 'Account Name', 'Website', 'Domain')")
    if missing:
        raise _err(file, "no column for " + " and ".join(missing)
                   + f"; headers found: {found}. Name the columns with "
                   "--columns name=HEADER,domain=HEADER,status=HEADER")
    return {role: columns[role] for role in ROLES if role in columns}


# --- grouped problems ---------------------------------------------------------------------------


class _Problems:
    """Collects row problems, one per distinct message, listing the rows it happened in."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.groups: dict[tuple[str | None, str], list[int]] = {}

    def add(self, row: int, column: str | None, message: str) -> None:
        self.groups.setdefault((column, message), []).append(row)

    def emit(self, hints: dict[tuple[str | None, str], str] | None = None) -> list[Problem]:
        out = []
        for (column, message), rows in self.groups.items():
            hint = (hints or {}).get((column, message), "")
            if len(rows) == 1:
                out.append(Problem(self.file, rows[0], column, message + hint))
            else:
                out.append(Problem(self.file, None, column,
                                   f"{message} ({len(rows)} rows: {_rows_text(rows)}){hint}"))
        return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _rows_text(rows: list[int], show: int = SHOW_ROWS) -> str:
    text = ", ".join(str(r) for r in rows[:show])
    return text + (", ..." if len(rows) > show else "")


# --- rows -> records ----------------------------------------------------------------------------


def _prettify(stem: str) -> str:
    words = re.sub(r"[_\-.]+", " ", stem).split()
    return " ".join(w if any(c.isupper() for c in w) else w.capitalize() for w in words) or stem


def _merge(into: Record, rec: Record) -> None:
    into.rows.extend(rec.rows)
    into.other_domains += [d for d in rec.other_domains if d not in into.other_domains]
    if not into.name and rec.name:
        into.name, into.name_key = rec.name, rec.name_key
    if not into.owner:
        into.owner = rec.owner
    if not into.raw_domain:
        into.raw_domain = rec.raw_domain
    for k, v in rec.extra.items():
        if not into.extra.get(k):
            into.extra[k] = v
    if rec.status and (
        into.status is None or STATUS_STRENGTH[rec.status] > STATUS_STRENGTH[into.status]
    ):
        into.status, into.raw_status = rec.status, rec.raw_status
    elif into.status is None and not into.raw_status:
        into.raw_status = rec.raw_status


def _records(table: _Table, columns: dict[str, str], file: str,
             status_map: dict[str, str] | None, hashed: bool) -> tuple[list[Record], list[Problem]]:
    index = {h: i for i, h in enumerate(table.headers)}
    col = {role: index[h] for role, h in columns.items()}
    role_headers = set(columns.values())
    extras = [(h, i) for h, i in index.items() if h not in role_headers]
    dcol, scol = columns.get("domain"), columns["status"]
    grouped = _Problems(file)
    hints: dict[tuple[str | None, str], str] = {}
    by_key: dict[str, Record] = {}
    statuses: dict[str, list[str]] = {}  # account key -> distinct statuses seen
    status_of = {**_STATUS_LOOKUP, **{_compact(w): s for w, s in (status_map or {}).items()}}

    # the hot path of a big list: column indexes looked up once, status words mapped once each
    i_name, i_domain, i_status, i_owner = (col.get(role, -1) for role in ROLES)
    status_cache: dict[str, str | None] = {}

    for row, cells in table.rows:
        name = cells[i_name].strip() if i_name >= 0 else ""
        raw_domain = cells[i_domain].strip() if i_domain >= 0 else ""
        raw_status = cells[i_status].strip() if i_status >= 0 else ""
        domain, note = "", None
        if hashed:
            if raw_domain:
                if _HEX64.match(raw_domain.lower()):
                    domain = raw_domain.lower()
                else:
                    grouped.add(row, dcol, "not a 64-character hex hash")
        elif raw_domain:
            domain, note = parse_domain(raw_domain)
            if note:
                if domain:
                    grouped.add(row, dcol, note)
                else:
                    grouped.add(row, dcol, note + "; domain ignored")
            reason = shared_domain_reason(domain, name) if domain else None
            if reason:
                grouped.add(row, dcol, reason + "; domain left blank so it cannot match")
                domain = ""
        if not name and not domain:
            grouped.add(row, None, "row skipped: no name and no usable domain")
            continue
        others = ([d for d in cell_domains(raw_domain)[1:] if not shared_domain_reason(d, name)]
                  if domain and note else [])
        try:
            status = status_cache[raw_status]
        except KeyError:
            status = status_cache[raw_status] = status_of.get(_compact(raw_status))
        if status is None:
            if raw_status:
                key = (scol, f"unknown status {raw_status!r}")
                hints[key] = (f": map it in the app (m on the ICP screen) or with --status "
                              f"'{raw_status}=prospect' (or "
                              f"{', '.join(s for s in STATUSES if s != PROSPECT)})")
                grouped.add(row, *key)
            else:
                grouped.add(row, scol, "no status")
        rec = Record(
            name=name,
            domain=domain,
            status=status,
            raw_status=raw_status,
            owner=cells[i_owner].strip() if i_owner >= 0 else "",
            raw_domain=raw_domain,
            name_key=name_key(name),
            extra={h: cells[i] for h, i in extras},
            rows=[row],
            hashed=hashed,
            other_domains=others,
        )
        key = rec.key
        if key in by_key:
            _merge(by_key[key], rec)
        else:
            by_key[key] = rec
        if status and status not in statuses.setdefault(key, []):
            statuses[key].append(status)

    problems = table.problems + grouped.emit(hints)
    records = list(by_key.values())
    merged = [r for r in records if len(r.rows) > 1]
    if merged:
        duplicates = sum(len(r.rows) - 1 for r in merged)
        shown = ", ".join("+".join(str(n) for n in r.rows) for r in merged[:SHOW_ROWS])
        more = ", ..." if len(merged) > SHOW_ROWS else ""
        problems.append(Problem(
            file, None, None,
            f"{_count(duplicates, 'duplicate row')} merged into {_count(len(merged), 'account')}: "
            f"rows {shown}{more}",
        ))
    # Rows with no domain merge on the name alone: two firms called "Martin Plumbing" would lose
    # one record without a word, so every such merge is named for a person to check.
    by_name = [r for r in merged if not r.domain]
    if by_name:
        shown = ", ".join(f"{r.name!r} (rows {'+'.join(str(n) for n in r.rows)})" for r in by_name[:SHOW_ROWS])
        more = ", ..." if len(by_name) > SHOW_ROWS else ""
        problems.append(Problem(
            file, None, columns.get("name"),
            f"{_count(len(by_name), 'account')} merged on the name alone, with no domain to confirm it: "
            f"{shown}{more}; if rows are different companies, add their websites",
        ))
    conflicts = [r for r in merged if len(statuses.get(r.key, ())) > 1]
    if conflicts:
        shown = "; ".join(
            f"{r.domain if not r.hashed and r.domain else r.name} (rows "
            f"{'+'.join(str(n) for n in r.rows)}: {' / '.join(statuses[r.key])})"
            for r in conflicts[:SHOW_ROWS]
        )
        more = "; ..." if len(conflicts) > SHOW_ROWS else ""
        problems.append(Problem(
            file, None, columns["status"],
            f"merged rows disagree on status in {_count(len(conflicts), 'account')}, kept the strongest "
            f"(customer > open deal > churned > prospect): {shown}{more}",
        ))
    return records, problems


# --- the entry point ----------------------------------------------------------------------------


def read_list(path: str | Path, side: str, company: str = "", columns: dict[str, str] | None = None,
              status_map: dict[str, str] | None = None) -> AccountList:
    """Read a CRM export (.csv/.tsv/.txt/.xlsx) into an AccountList for `side`.

    `columns` maps roles (name, domain, status, owner) to headers and wins over the automatic
    mapping; an empty header means "no column for this role". `status_map` maps the user's own
    status words to STATUSES and wins over STATUS_WORDS. Raises IngestError when the file cannot
    be read at all; everything else is reported in `AccountList.problems`.
    """
    p = Path(path)
    file = str(path)
    for word, status in (status_map or {}).items():
        if status not in STATUSES:
            raise _err(file, f"status mapping {word!r}={status!r}: the status must be one of "
                             f"{', '.join(STATUSES)}")
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise _err(file, "file not found") from None
    except IsADirectoryError:
        raise _err(file, "this is a folder, not a list file") from None
    except OSError as e:
        raise _err(file, f"cannot read the file: {e.strerror or e}") from None
    if not data.strip():
        raise _err(file, "the file is empty")
    suffix = p.suffix.lower()
    with paused_gc():  # a big list is millions of small objects: see bulk.paused_gc
        if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
            table = _read_excel(data, file)
        elif suffix in EXCEL_SUFFIXES:
            raise _err(file, "not a readable Excel workbook (the file is not a .xlsx/.xls archive)")
        else:
            table = _read_text(data, file, suffix)
        cols = _find_columns(table.headers, columns, file)
        hashed = _compact(cols.get("domain", "")) == _compact(HASH_HEADER)
        records, problems = _records(table, cols, file, status_map, hashed)
    return AccountList(
        side=side,
        company=company or _prettify(p.stem),
        path=file,
        sha256=hashlib.sha256(data).hexdigest(),
        rows_read=len(table.rows) + table.skipped,
        columns=cols,
        records=records,
        problems=problems,
        hashed=hashed,
    )


def demo_paths() -> tuple[Path, Path]:
    """The bundled demo lists: (ours: Northwind's Salesforce export, partner: Globex's HubSpot)."""
    data = files("acctmap_tui").joinpath("data")
    return (
        Path(str(data.joinpath("northwind_salesforce.csv"))),
        Path(str(data.joinpath("globex_hubspot.csv"))),
    )
