"""Read one side's CRM export into an `AccountList`.

Text files (.csv/.tsv/.txt) are decoded (BOM, strict UTF-8, cp1252, then charset-normalizer) and
split with the `csv` module rather than pandas: it lets every bad row be reported by its spreadsheet
row number (header = row 1) while the rest of the file loads; a quote that never closes, an
oversize cell, a control character or a row in another encoding is one problem on its row.
Workbooks (.xlsx/.xls) are read with python-calamine (falling back to openpyxl for a workbook
calamine cannot read); the sheet that holds the list is read (or the one the user names) and the
others are named in a note. Every cell is kept as text, so leading zeros and a company
called "NA" survive. An .xlsx is checked before a reader opens it (`_check_archive`): a zip bomb,
or a sheet whose cells reach far beyond the cells it holds, is refused.

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
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from itertools import chain, repeat
from operator import itemgetter
from datetime import date, datetime, time
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from acctmap_tui.core.atomic import NotAPlainFile, read_plain_file
from acctmap_tui.core.bulk import paused_gc, promote_to_old_generation
from acctmap_tui.core.model import (
    CHURNED,
    CUSTOMER,
    OPEN_DEAL,
    PROSPECT,
    QUOTED_MOST,
    STATUSES,
    AccountList,
    Extra,
    IngestError,
    Problem,
    Record,
    quoted,
)
from acctmap_tui.core.normalize import (
    is_legal_form_only,
    name_keys,
    parse_cell,
    shared_domain_reason,
    shared_domains,
)

if TYPE_CHECKING:
    import zipfile

ROLES = ("name", "domain", "status", "owner")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
DELIMITERS = ",;\t|"
SHOW_ROWS = 5  # row numbers listed in one grouped problem
# An "export all fields" file's other columns are held as `Extra` (the headers once, a list of
# cells a row): a dict a row of 250 columns was 9 KB (2 KB as Extra). Under 48 a dict a row
# costs less time than it takes memory: with 29 (bench/cli_bench.py --wide 26 --addresses),
# Extra took the peak from 517 to 467 MiB but the match 0.4 s longer (its every use is Python).
SHARED_HEADERS_FROM = 48
DISTINCT_SHOWN = 10  # values of one kind named one by one in a column's problems (`_Problems`)
# A registered company name is at most 160 characters in most registries (Companies House's
# limit); a longer cell is a description or an address mapped as the name. It is still matched.
LONG_NAME = 200

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
    header_row: int = 0  # the spreadsheet row of the header (`headers` are its cells, made unique)


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


BINARY_SAMPLE = 20_000  # characters looked at to tell binary data from text
# Binary data is a tenth control characters or more (compressed data about 11%, 25% read as
# Latin-1; executables mostly NULs). A text export's are a stray NUL or a terminal's escape
# sequences pasted into cells (ESC is not counted: colours on every name are still text), cleaned
# and reported on their rows: a file with only a few is text, however short.
BINARY_SHARE = 0.05
BINARY_FEWEST = 32
_TEXT_CONTROLS = "\t\r\n\f\x1b"


def _is_binary(text: str) -> bool:
    """True when the text is binary data, not a table with a few control characters in cells."""
    sample = text[:BINARY_SAMPLE]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in _TEXT_CONTROLS)
    return controls > max(BINARY_FEWEST, len(sample) * BINARY_SHARE)


_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # bytes kept by the surrogateescape error handler
_UTF8_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")
MIXED_UTF8 = "utf-8 (some rows in another encoding)"


def _decode(data: bytes, file: str) -> tuple[str, str]:
    """Bytes of a text export -> (text, encoding name).

    With MIXED_UTF8 the bytes that are not UTF-8 stay in the text as surrogateescape characters,
    for `_TextRows` to report on their rows.
    """
    for bom, enc in (
        (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                if enc == "utf-8-sig":  # the file says UTF-8: other bytes are rows to report
                    return data[3:].decode("utf-8", "surrogateescape"), MIXED_UTF8
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
        # A few NULs in otherwise textual data are reported on their rows; _is_binary judges the rest.
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "surrogateescape")
    invalid = len(_NOT_UTF8.findall(text))
    valid = len(_UTF8_NON_ASCII.findall(text))
    if valid and 3 * valid >= invalid:
        # Mostly UTF-8 with some rows in another encoding: the rows are reported one by one.
        return text, MIXED_UTF8
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
    if sum(1 for d in DELIMITERS if counts[d]) == 1:  # what the rules below come to, unsniffed
        return max(DELIMITERS, key=lambda d: counts[d])
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


def _duplicate_headers(raw: list[str], file: str, row: int) -> list[Problem]:
    """One problem per header name used by several columns (they are kept apart as 'X (2)')."""
    positions: dict[str, list[int]] = {}
    for i, h in enumerate(raw, start=1):
        h = h.strip().lstrip("\ufeff")
        if h:
            positions.setdefault(h, []).append(i)
    unique = _unique_headers(raw)
    out = []
    for h, where in positions.items():
        if len(where) > 1:
            renamed = _and(quoted(unique[i - 1]) for i in where[1:])
            others = "the other is" if len(where) == 2 else "the others are"
            out.append(Problem(
                file, row, h,
                f"columns {_and(str(i) for i in where)} are named {quoted(h)}: the first is used, "
                f"{others} read as {renamed} (rename them in the file, or pick one with --columns)",
            ))
    return out


def _and(items: Iterable[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _table_from_rows(records: Iterable[list[str] | None], file: str,
                     problems: list[Problem] | None = None) -> _Table:
    """Header + data rows from raw cell lists; reports rows with too many fields.

    A record given as None is a row the reader already reported (in `problems`) and skipped; it
    still counts as a row. Blank rows are dropped (row numbers still count them), and so are
    columns that have neither a header nor a value (the trailing empty columns spreadsheets often
    export).
    """
    raw_headers: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, list[str]]] = []
    problems = problems if problems is not None else []
    skipped = 0
    for number, cells in enumerate(records, start=1):
        if cells is None:
            skipped += 1
            continue
        if not "".join(cells).strip():  # every cell blank
            continue
        if raw_headers is None:
            raw_headers, header_row = cells, number
            continue
        width = len(raw_headers)
        if len(cells) > width:
            if any(c.strip() for c in cells[width:]):
                problems.append(Problem(
                    file, number, None,
                    f"row skipped: it has {len(cells)} fields but the header has {width} "
                    "(an unquoted separator in a value?)",
                ))
                skipped += 1
                continue
            cells = cells[:width]
        elif len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        rows.append((number, cells))
    if raw_headers is None:
        raise _err(file, "the file is empty")
    if not rows and not skipped:
        raise _err(file, "the file has a header row but no data rows")
    if not rows:
        first = min((p for p in problems if p.row), key=lambda p: p.row)
        raise _err(file, f"no data row could be read; the first bad one is row {first.row}"
                         f"{f', column {first.column!r}' if first.column else ''}: {first.message}"
                         f"{'; is the separator right?' if 'fields' in first.message else ''}")
    problems[:0] = _duplicate_headers(raw_headers, file, header_row)
    keep = [i for i, h in enumerate(raw_headers) if h.strip() or any(c[i].strip() for _, c in rows)]
    if len(keep) < len(raw_headers):
        raw_headers = [raw_headers[i] for i in keep]
        rows = [(n, [c[i] for i in keep]) for n, c in rows]
    return _Table(_unique_headers(raw_headers), rows, problems, skipped=skipped, header_row=header_row)


_CONTROL_CHARS = "".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 127]))
_CONTROL = re.compile(f"[{re.escape(_CONTROL_CHARS)}]")  # never part of a value; ESC rewrites terminals
_SEP_LINE = re.compile(r'\s*"?sep=(.)"?\s*$', re.IGNORECASE)  # Excel's first-line separator hint
CELL_LIMIT = 128 * 1024  # characters; a longer cell is a broken export, not a value
ROW_LIKE_LINES_CHECKED = 50
# The csv module's own limit (128 KiB) would reject the whole file; ingest checks cells itself.
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


class _TextRows:
    """Splits decoded text into records, one list of cells per spreadsheet row.

    The csv module reads a quote that never closes as one cell holding the rest of the file. Here
    a record that spans several lines is checked: when the lines it swallowed read on their own as
    rows of the table, the quote is reported at the row where it opens, that row is skipped and
    reading starts again on the next line. Cells over CELL_LIMIT, control characters (NUL, ESC) and
    bytes that are not UTF-8 (in a file that mostly is) are reported on their rows too.
    """

    def __init__(self, text: str, delim: str, file: str, first_line: int, encoding: str) -> None:
        self.lines = io.StringIO(text, newline="").readlines()
        self.delim, self.file, self.first_line = delim, file, first_line
        self.problems: list[Problem] = []
        self.grouped = _Problems(file)
        self.has_long_lines = max(map(len, self.lines), default=0) > CELL_LIMIT
        self.has_controls = _has_controls(text)
        self.mixed = encoding == MIXED_UTF8
        self.headers: list[str] | None = None

    def __iter__(self):
        lines, n = self.lines, len(self.lines)
        start, row = 0, 0  # next line to read, rows yielded so far
        while start < n:
            reader = csv.reader(map(lines.__getitem__, range(start, n)), delimiter=self.delim)
            done = 0  # lines of this reader consumed by finished records
            try:
                for cells in reader:
                    row += 1
                    first, end = start + done, start + reader.line_num
                    if (end - first > 1 or end == n) and (column := _unclosed_quote(
                            lines, self.delim, self.headers, cells, first, end)) is not None:
                        self._report_quote(row, column, first, end)
                        yield None
                        start = first + 1
                        break
                    done = reader.line_num
                    if self.headers is not None and (column := _shifted_by_quote(
                            cells, len(self.headers), self.delim, lines[first:end])) is not None:
                        self.problems.append(Problem(
                            self.file, row, self._label(column),
                            f"row skipped: a quote in this cell is not closed, so the row's cells are "
                            f"shifted (it has {len(cells)} fields but the header has {len(self.headers)}); "
                            "fix the quote in the file"))
                        yield None
                        continue
                    yield self._clean(cells, row, multi_line=end - first > 1)
                else:
                    return
            except csv.Error as e:
                raise _err(self.file, f"cannot split row {row + 1} into columns: {e}") from None

    def _label(self, index: int) -> str | None:
        return _column_label(self.headers, index)

    def _report_quote(self, row: int, index: int, first: int, end: int) -> None:
        swallowed = end - first - 1
        line = self.first_line + first
        where = "" if line == row else f" (line {line} of the file)"
        what = (f"so the {swallowed:,} line{'s' if swallowed != 1 else ''} after it would be one cell"
                if swallowed else "the file ends inside it")
        if self.headers is None:
            raise IngestError(Problem(
                self.file, row, None,
                f"a quote opens in the header row{where} and never closes ({what}); add the "
                "missing quote", "error"))
        self.problems.append(Problem(
            self.file, row, self._label(index),
            f"row skipped: a quote opens in this row{where} and never closes ({what}); the other "
            "rows are read (add the missing quote to load this row)",
        ))

    def _clean(self, cells: list[str], row: int, multi_line: bool) -> list[str] | None:
        header = self.headers is None and any(c.strip() for c in cells)
        if header:
            self.headers = cells  # cleaned in place below
        if self.has_controls:
            for i, c in enumerate(cells):
                if _CONTROL.search(c):
                    cells[i] = _CONTROL.sub("", c)
                    self.grouped.add(row, self._label(i), "a control character (NUL, ESC or the "
                                                          "like) in this value was removed")
        if self.mixed:
            for i, c in enumerate(cells):
                if _NOT_UTF8.search(c):
                    cells[i] = _NOT_UTF8.sub(_as_cp1252, c)
                    self.grouped.add(row, self._label(i), "this value is not UTF-8 (the rest of the "
                                                          "file is): read as Windows-1252, check it")
        if (self.has_long_lines or multi_line) and (problem := _oversize_row(
                self.file, row, cells, self.headers, _TEXT_OVERSIZE, header)) is not None:
            self.problems.append(problem)
            return None
        return cells


# Why a cell may be over CELL_LIMIT, as a skipped row's problem says, in a text file and a workbook
_TEXT_OVERSIZE = "a broken export or a missing quote?"
_BOOK_OVERSIZE = "a broken export?"


def _oversize_row(file: str, row: int, cells: list[str], headers: list[str] | None, why: str = "",
                  header: bool = False) -> Problem | None:
    """The one rule for a cell over CELL_LIMIT, in a text file and a workbook (.xlsx, .xls)
    alike: None when every cell of spreadsheet row `row` is within it. Else the header row
    (`header`) refuses the file (IngestError), and any other row is to be skipped: the problem
    returned names the file, the row and the column of its longest cell (`headers`: the header
    row's cells, None before it), and `why` a cell can be that long in this kind of file."""
    longest = max(map(len, cells), default=0)
    if longest <= CELL_LIMIT:
        return None
    if header:
        raise _err(file, f"row {row}: the header row has a value {longest // 1024} KiB long; is this "
                         "a list export?")
    column = _column_label(headers, list(map(len, cells)).index(longest))
    return Problem(file, row, column, f"row skipped: this value is {longest // 1024} KiB long, over "
                                      f"the {CELL_LIMIT // 1024} KiB a cell may hold ({why})")


def _column_label(headers: list[str] | None, index: int) -> str | None:
    """The name of column `index` (from 0) of a row under `headers` (the header row's cells, as
    read): its header made unique, "Column N" past them, None when there is no header yet."""
    if headers is None:
        return None
    names = _unique_headers(headers)
    return names[index] if index < len(names) else f"Column {index + 1}"


def _unclosed_quote(lines: list[str], delim: str, headers: list[str] | None, cells: list[str],
                    first: int, end: int) -> int | None:
    """Index of the cell of the record read from lines[first:end] whose quote never closes, or
    None when its line breaks are real (`headers`: the header row read so far, if any)."""
    if end == len(lines) and cells and _open_at_end(lines[first:end], delim):
        return len(cells) - 1
    index = next((i for i, c in enumerate(cells) if "\n" in c or "\r" in c), None)
    if index is None or end - first < 2:
        return None
    width = len(headers) if headers is not None else 0
    row_like = 0
    for line in lines[first + 1:min(end, first + 1 + ROW_LIKE_LINES_CHECKED)]:
        if line.count('"') % 2 or line.count(delim) + 1 < max(width, 2):
            continue  # quotes left open, or too few separators to be a row
        fields = next(csv.reader([line], delimiter=delim), [])
        if (len(fields) >= width >= 2) or (not width and len(fields) >= 2):
            row_like += 1
    if not width:
        return index if row_like else None  # a header with a line break that swallowed rows
    misshapen = len(cells) < width or any(c.strip() for c in cells[width:])
    if row_like and (misshapen or row_like >= 2):
        return index
    # Two stray quotes close each other: the first and last lines are each a whole row.
    if width >= 2 and all(lines[i].count(delim) + 1 == width for i in (first, end - 1)):
        return index
    return None


def _suspect_shift(cells: list[str], width: int, delim: str) -> int | None:
    """Index of the first cell of a row shorter than the header (`width` cells) that holds the
    separator and a quote: a quoted cell left open swallowed the cells after it ('"Acme,"acme.com"'
    is read as one cell, 'Acme,acme.com"'). None for a row of the header's width, and for a short
    row without such a cell (exports that leave out trailing empty cells)."""
    if len(cells) >= width:
        return None
    return next((i for i, c in enumerate(cells) if delim in c and '"' in c), None)


def _shifted_by_quote(cells: list[str], width: int, delim: str, lines: list[str]) -> int | None:
    """`_suspect_shift`'s cell when the record's `lines` do not split as a well-formed row (a
    quote closed and followed by more of the cell): '"Acme, ""Best"" Inc"' holds the separator
    and a quote as well, but is quoted right."""
    column = _suspect_shift(cells, width, delim)
    if column is None:
        return None
    try:
        for _ in csv.reader(lines, delimiter=delim, strict=True):
            pass
    except csv.Error:
        return column
    return None


def _open_at_end(lines: list[str], delim: str) -> bool:
    """True when the file ends inside a quoted cell of the record on these, its last lines."""
    try:
        for _ in csv.reader(lines, delimiter=delim, strict=True):
            pass
    except csv.Error as e:
        return "unexpected end of data" in str(e)
    return False


def _has_controls(text: str) -> bool:
    return any(ch in text for ch in _CONTROL_CHARS)  # one fast substring search per character


def _has_long_line(text: str) -> bool:
    """True when a line is longer than CELL_LIMIT (hops from line break to line break)."""
    i, n = 0, len(text)
    while n - i > CELL_LIMIT:
        j = max(text.rfind("\n", i, i + CELL_LIMIT + 1), text.rfind("\r", i, i + CELL_LIMIT + 1))
        if j < 0:
            return True
        i = j + 1
    return False


def _plain_records(text: str, delim: str, encoding: str) -> list[list[str]] | None:
    """All records when the file needs none of `_TextRows`' reports, else None.

    The usual case: no control characters, no cell over CELL_LIMIT, one encoding, and every
    record on one line or spanning lines only for line breaks inside quoted cells (an address,
    a description), as `_TextRows` would read them. It runs near the csv module's own speed.
    """
    if encoding == MIXED_UTF8 or _has_controls(text) or _has_long_line(text):
        return None
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    if _any_suspect_shift(records, delim):
        return None
    lines = text.count("\n") + (text[-1] not in "\r\n")
    if "\r" in text:
        lines += text.count("\r") - text.count("\r\n")
    if len(records) != lines:  # a record spans lines
        return _records_spanning_lines(text, records, delim)
    body = text.rstrip("\r\n")
    last = body[max(body.rfind("\n"), body.rfind("\r")) + 1:]
    try:
        for _ in csv.reader([last], delimiter=delim, strict=True):
            pass
    except csv.Error:
        return None  # perhaps a quote open at the end: let _TextRows look
    return records


def _any_suspect_shift(records: list[list[str]], delim: str) -> bool:
    """True when a row after the header may be shifted by a quote left open (`_suspect_shift`)."""
    header = next((i for i, cells in enumerate(records) if any(c.strip() for c in cells)), len(records))
    width = len(records[header]) if header < len(records) else 0
    if min(map(len, records[header + 1:]), default=width) >= width:  # the usual file: no short row
        return False
    return any(_suspect_shift(cells, width, delim) is not None for cells in records[header + 1:])


def _records_spanning_lines(text: str, records: list[list[str]], delim: str) -> list[list[str]] | None:
    """`records`, the csv module's reading of `text`, when each record that spans lines does so
    for line breaks in its quoted cells (`_unclosed_quote` finds no quote left open, as
    `_TextRows` checks them) and none of those cells is over CELL_LIMIT; else None (50,000
    rows with Salesforce addresses: 0.8 -> 0.45-0.6 s).

    A record's lines are one more than the line breaks its cells hold, so where each starts is
    counted from the records themselves, not read again; a count that does not end on the
    file's last line (a quote open at its end) is left to the careful reader."""
    lines = io.StringIO(text, newline="").readlines()
    n = len(lines)
    joined = list(map(" ".join, records))  # apart: a cell's "\r" and the next one's "\n" are two breaks
    spanning = [i for i, cells in enumerate(joined) if "\n" in cells or "\r" in cells]
    header_at = next((i for i, row in enumerate(records) if any(c.strip() for c in row)), len(records))
    breaks = 0  # line breaks held by the records before the one looked at
    for i in spanning:
        held = joined[i].count("\n") + joined[i].count("\r") - joined[i].count("\r\n")
        first, end = i + breaks, i + breaks + 1 + held
        breaks += held
        if end > n:
            return None
        headers = records[header_at] if header_at < i else None
        # a quote is only left open where a line it swallowed has a row's separators (a field
        # short of the header's width is no row): most records need no closer look
        need = max(len(headers) if headers is not None else 0, 2) - 1
        if ((end == n or max(map(str.count, lines[first + 1:end], repeat(delim))) >= need)
                and _unclosed_quote(lines, delim, headers, records[i], first, end) is not None):
            return None
        if max(map(len, records[i]), default=0) > CELL_LIMIT:
            return None
    if len(records) + breaks != n:
        return None
    last = len(records) - 1  # on the file's last line: is a quote open at its end?
    if (last >= 0 and (not spanning or spanning[-1] != last)
            and _unclosed_quote(lines, delim, records[header_at] if header_at < last else None,
                                records[last], n - 1, n) is not None):
        return None
    return records


def _as_cp1252(match: re.Match[str]) -> str:
    """One byte kept by surrogateescape, read as Windows-1252."""
    return bytes([ord(match.group()) - 0xDC00]).decode("cp1252", "replace")


def _read_text(data: bytes, file: str, suffix: str) -> _Table:
    text, encoding = _decode(data, file)
    if _is_binary(text):
        raise _err(file, "not a text table (binary content); expected .csv, .tsv, .txt or .xlsx")
    first_line = 1
    line_end = text.find("\n")
    sep = _SEP_LINE.match(text[:line_end if line_end >= 0 else len(text)].rstrip("\r"))
    if sep:
        text, first_line = text[line_end + 1 if line_end >= 0 else len(text):], 2
    if not text.strip():
        raise _err(file, "the file is empty")
    delim = sep.group(1) if sep else _delimiter(text, suffix)
    records = _plain_records(text, delim, encoding)
    if records is not None:
        return _table_from_rows(records, file)
    return _careful_table(text, delim, file, first_line, encoding)


def _careful_table(text: str, delim: str, file: str, first_line: int, encoding: str) -> _Table:
    """The table as `_TextRows` reads it, every check on every row: what `_plain_records` must
    give whenever it gives anything."""
    splitter = _TextRows(text, delim, file, first_line, encoding)
    table = _table_from_rows(splitter, file, splitter.problems)
    table.problems += splitter.grouped.emit()
    return table


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


# A workbook reader holds what it reads whole, so an .xlsx is checked before one opens it.
# calamine sizes a sheet's grid from its farthest cell, not from the cells present (one cell at
# XFD1048576 asked for 512 GB and aborted the process; one at AAA300000 took 63 s and 8 GB), and
# every reader unpacks a member whole (a 1 MB file held a 1 GiB cell: 4.2 GB of memory).
UNPACKED_LIMIT = 1 << 30  # bytes, every member of the archive together
PACKING_RATIO = 100  # XML packs 5-15 times; a member unpacking to more is a zip bomb ...
PACKING_RATIO_FROM = 64 << 20  # ... once it is this big
SHEET_CELLS = 50_000_000  # the sheets' grids, rows x columns: 200,000 rows of 250 columns
SPARSE_FROM = 1_000_000  # a grid past this size must have a cell present in every SPARSE_RATIO
SPARSE_RATIO = 100
_UNPACK_STEP = 1 << 20
# Cell and row references ("B7", row "7"), read from the sheet's XML as bytes: a literal start
# keeps the search fast. Its <dimension> is not read: it can lie, and calamine does not trust it.
_REF_ROW = re.compile(rb"""r\s*=\s*["'][A-Za-z]*(\d+)""")
_REF_WIDE_COLUMN = re.compile(rb"""r\s*=\s*["']([A-Za-z]{2,})""")  # from column AA on
_REF_ESCAPED = re.compile(rb"""r\s*=\s*["'][^"'<>]*&#""")  # "&#88;FD1048576" would slip past


def _column_number(letters: str) -> int:
    """A column's number from its letters (A = 1, Z = 26, AA = 27)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _refuse_grid(file: str, sheet: str, rows: int, columns: int, cells: int) -> int:
    """A sheet's grid, `rows` x `columns` (to its farthest cell), as readers hold it whole; refused
    over SHEET_CELLS, or past SPARSE_FROM and emptier than one cell in SPARSE_RATIO."""
    grid = rows * columns
    if grid > SHEET_CELLS or (grid > SPARSE_FROM and grid > SPARSE_RATIO * cells):
        raise _err(file, f"sheet {sheet!r}: its cells reach as far as row {rows:,} and column "
                         f"{_column_letters(columns)} ({grid:,} cells to read) but only {cells:,} are "
                         "there; not a list (delete the far-away cells, or copy the list into a new "
                         "workbook)")
    return grid


def _refuse_sheets(file: str, grids: int) -> None:
    """The sheets' grids together (a reader holds every sheet), refused over SHEET_CELLS."""
    if grids > SHEET_CELLS:
        raise _err(file, f"the workbook's sheets reach {grids:,} cells together, over the "
                         f"{SHEET_CELLS:,} a list may take; not a list")


def _unpacked(data: bytes, info: zipfile.ZipInfo, file: str) -> Iterator[bytes]:
    """A member's bytes, a step at a time, as its compressed data really unpacks: the size the
    archive declares is not trusted (a reader may not stop there either)."""
    import struct
    import zipfile
    import zlib

    if info.flag_bits & 1:
        raise _err(file, "the workbook is password-protected: save it without a password")
    at = info.header_offset
    if data[at:at + 4] != b"PK\x03\x04":
        raise _err(file, f"not a readable Excel workbook (member {info.filename!r} is damaged)")
    name_length, extra_length = struct.unpack("<HH", data[at + 26:at + 30])
    start = at + 30 + name_length + extra_length
    packed = memoryview(data)[start:start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        for i in range(0, len(packed), _UNPACK_STEP):
            yield bytes(packed[i:i + _UNPACK_STEP])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise _err(file, f"not a readable Excel workbook (member {info.filename!r} is packed with "
                         f"method {info.compress_type}; Excel packs with deflate)")
    unpack = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for i in range(0, len(packed), 1 << 16):
            rest = packed[i:i + (1 << 16)]
            while rest and not unpack.eof:
                yield unpack.decompress(rest, _UNPACK_STEP)
                rest = unpack.unconsumed_tail
            if unpack.eof:
                break
        yield unpack.flush()
    except zlib.error as e:
        raise _err(file, f"not a readable Excel workbook (member {info.filename!r}: {e})") from None


@dataclass
class _Book:
    """What the check of a workbook (`_check_archive`, `_check_xls`) learned, for its reading,
    and the merged cells its reader found."""

    sheets: dict[str, tuple[str, bool]] = field(default_factory=dict)  # `_xlsx_sheets`; {} for .xls
    formulas: frozenset[str] = frozenset()  # the sheets' zip members whose XML holds a formula
    # by sheet: (first row, first column, last row, last column) from 0 (python-calamine's; the
    # openpyxl fallback reads none)
    merged: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict)


def _check_archive(data: bytes, file: str) -> _Book:
    """Refuses an .xlsx that would take a reader past any memory: a zip bomb (`UNPACKED_LIMIT`,
    `PACKING_RATIO`) or a sheet whose grid is absurd for the cells it holds (`SHEET_CELLS`,
    `SPARSE_RATIO`). Every member is unpacked here, a step at a time: 0.5-0.7 s for a 200,000-row
    sheet of 5 columns (65 MB; calamine reads it in 2.7 s), 3 s for one of 31 (323 MB, 12 s).

    What it read on the way is kept, not read again: the sheets' names and zip members, and
    which sheets hold a formula (only the one read, if it does, is unpacked again: to name its
    formulas with no saved value)."""
    import zipfile

    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        members = z.infolist()
    except Exception as e:  # noqa: BLE001 - a damaged archive raises many types
        # not left to calamine, whose own zip reader might still open it, unchecked
        raise _err(file, f"not a readable Excel workbook (a damaged archive: {e})") from None
    with z:
        if "xl/workbook.xml" not in {m.filename for m in members}:
            # calamine would read an .xlsb's binary sheets unchecked
            raise _err(file, "not a readable Excel workbook (no xl/workbook.xml in the archive: an "
                             ".xlsb, .ods or another kind of zip file? Save it as .xlsx)")
        declared = sum(m.file_size for m in members)
        if declared > UNPACKED_LIMIT:
            raise _err(file, f"the workbook unpacks to {-(-declared >> 20):,} MiB, over the "
                             f"{UNPACKED_LIMIT >> 20:,} MiB a list may take (a zip bomb, or not a list)")
        book = _Book(_xlsx_sheets(z))
    sheets = {part: name for name, (part, _hidden) in book.sheets.items()}
    formulas: dict[str, bool] = {}  # by member (the last of a name, as zipfile reads it)
    total = cells = 0
    for member in members:
        sheet = sheets.get(member.filename) or ("worksheets/" in member.filename and member.filename)
        grid = _Grid(file, sheet) if sheet else None
        size = 0
        for piece in _unpacked(data, member, file):
            size += len(piece)
            total += len(piece)
            if total > UNPACKED_LIMIT or (size > PACKING_RATIO_FROM
                                          and size > PACKING_RATIO * max(member.compress_size, 1)):
                raise _err(file, f"the workbook unpacks to more than {total >> 20:,} MiB from "
                                 f"{len(data) >> 10:,} KiB (member {member.filename!r}): a zip bomb, "
                                 "not a list")
            if grid is not None:
                grid.read(piece)
        if grid is not None:
            cells += grid.check()
            formulas[member.filename] = grid.formulas
    _refuse_sheets(file, cells)
    book.formulas = frozenset(name for name, found in formulas.items() if found)
    return book


class _Tag:
    """Counts one element's start tags in a sheet's XML ("<c ...>"), and those of them with a
    reference. Cells and rows may leave it out: calamine then puts a cell after the one before it
    and a row after the one before it, so those are counted too (a row of 16,384 such cells is as
    wide as one cell at XFD)."""

    def __init__(self, name: bytes) -> None:
        self.plain, self.numbered = b"<" + name + b" ", b"<" + name + b' r="'
        self.odd = re.compile(rb"<" + name + rb"[\t\n\r/>]")
        self.any = re.compile(rb"<(?:[\w.-]+:)?" + name + rb"[\s/>]")
        # an attribute follows white space: "xr=" is not "r="
        self.with_ref = re.compile(rb"<(?:[\w.-]+:)?" + name + rb"""\s[^>]*?(?<=\s)r\s*=""")

    def count(self, text: bytes, prefixed: bool) -> tuple[int, int]:
        """(tags, tags with a reference) in `text`; `prefixed` when a tag may be "<x:c>"."""
        if prefixed or self.odd.search(text):
            return len(self.any.findall(text)), len(self.with_ref.findall(text))
        # as spreadsheets write them ('<c r="A1" t="s">'), at the speed of bytes.count
        tags, numbered = text.count(self.plain), text.count(self.numbered)
        return tags, numbered if numbered == tags else len(self.with_ref.findall(text))


_CELL, _ROW = _Tag(b"c"), _Tag(b"row")
_PREFIXED_TAG = re.compile(rb":(?:c|row)[\s/>]")
_ROW_END = re.compile(rb"</(?:[\w.-]+:)?row\s*>")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")  # a cell's formula: "<f>", "<x:f t="shared"/>"


class _Grid:
    """How far a sheet's cells reach and how many there are, from its XML read a step at a time."""

    def __init__(self, file: str, sheet: str) -> None:
        self.file, self.sheet = file, sheet
        self.last_row = self.cells = 0
        self.widest = b""  # the widest column past Z
        self.tail = b""  # the text after the step's last tag, read with the next step
        self.unnumbered_rows = self.unnumbered_cells = 0
        self.most_cells = self.open_row_cells = 0  # in one row; in the row the last step ended in
        self.formulas = False  # a formula's tag seen (`_FORMULA_TAG`)

    def read(self, piece: bytes) -> None:
        text = self.tail + piece
        # the step's text with the last one's tail: a tag cut by a step is whole here
        if not self.formulas and (b"<f" in text or b":f" in text):  # a cheap look first
            self.formulas = _FORMULA_TAG.search(text) is not None
        cut = text.rfind(b">") + 1
        text, self.tail = text[:cut], text[cut:]
        if len(self.tail) > _UNPACK_STEP:  # a long value (no tag in it): its end is kept
            text, self.tail = self.tail[:-4096], self.tail[-4096:]
        self._scan(text)

    def _scan(self, text: bytes) -> None:
        numbers = _REF_ROW.findall(text)
        if numbers:
            self.last_row = max(self.last_row, *map(int, set(numbers)))  # a row's number, once
        wide = set(_REF_WIDE_COLUMN.findall(text))
        if wide:
            self.widest = max({c.upper() for c in wide} | {self.widest}, key=lambda c: (len(c), c))
        if b"&#" in text and _REF_ESCAPED.search(text):
            raise _err(self.file, f"sheet {self.sheet!r}: a cell reference is written with "
                                  "character entities; not a workbook a spreadsheet wrote")
        prefixed = _PREFIXED_TAG.search(text) is not None
        cells, numbered = _CELL.count(text, prefixed)
        rows, numbered_rows = _ROW.count(text, prefixed)
        self.cells += cells
        self.unnumbered_cells += cells - numbered
        self.unnumbered_rows += rows - numbered_rows
        if self.unnumbered_cells:  # from here on, the cells of each row are counted
            counts = list(map(len, map(_CELL.any.findall, _ROW_END.split(text))))
            counts[0] += self.open_row_cells
            self.most_cells = max(self.most_cells, *counts)
            self.open_row_cells = counts[-1]

    def check(self) -> int:
        """The grid's size (`_refuse_grid`; columns to Z when none is wider)."""
        self._scan(self.tail)
        return _refuse_grid(self.file, self.sheet, self.last_row + self.unnumbered_rows,
                            max(_column_number(self.widest.decode("ascii")), 26) + self.most_cells, self.cells)


# An .xls is a compound file (MS-CFB) whose "Workbook" stream holds BIFF records. calamine sizes
# its sheets' grids from their DIMENSIONS records and their cells, and a 5 KB file claiming
# column 16,384 aborted the process as the .xlsx did; so its records are read first, too.
_CFB_FREE, _CFB_END = 0xFFFFFFFF, 0xFFFFFFFE
_BIFF_BOF, _BIFF_BOUNDSHEET, _BIFF_DIMENSIONS = 0x0809, 0x0085, 0x0200
_BIFF_MULRK, _BIFF_MULBLANK = 0x00BD, 0x00BE
# FORMULA, LABELSST, RSTRING, NUMBER, RK, LABEL, BLANK, BOOLERR: a cell at (row, column)
_BIFF_CELLS = frozenset((0x0006, 0x00FD, 0x00D6, 0x0203, 0x027E, 0x0204, 0x0201, 0x0205))


def _cfb_stream(data: bytes, names: tuple[str, ...], file: str) -> bytes:
    """The first stream of a compound file named one of `names` (MS-CFB: sectors chained by the
    FAT; a stream under 4,096 bytes in the mini stream, chained by the mini FAT)."""
    import struct

    def damaged(why: str) -> IngestError:
        return _err(file, f"not a readable Excel workbook (a damaged .xls: {why})")

    if len(data) < 512:
        raise damaged("shorter than its header")
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if not 7 <= shift <= 16 or not 2 <= mini_shift < shift:
        raise damaged("sector size")
    size, mini_size = 1 << shift, 1 << mini_shift
    first_dir, _, cutoff, first_mini_fat, _, first_difat, difat_count = struct.unpack_from("<7I", data, 0x30)
    sectors = max(len(data) // size - 1, 0)  # whole sectors after the header's

    def sector(n: int) -> bytes:
        if n >= sectors:
            raise damaged(f"sector {n} is past the end of the file")
        return data[(n + 1) * size:(n + 2) * size]

    fat_sectors = [n for n in struct.unpack_from("<109I", data, 0x4C) if n < _CFB_END]
    n, seen = first_difat, 0
    while n < _CFB_END and seen <= min(difat_count, sectors):
        entries = struct.unpack(f"<{size // 4}I", sector(n))
        fat_sectors += [e for e in entries[:-1] if e < _CFB_END]
        n, seen = entries[-1], seen + 1
    fat_sectors = fat_sectors[:sectors // (size // 4) + 1]  # as many as the file can need
    fat = [e for n in fat_sectors for e in struct.unpack(f"<{size // 4}I", sector(n))]

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        out: list[int] = []
        while start < _CFB_END:
            if start >= len(table) or len(out) > limit:
                raise damaged("a broken chain of sectors")
            out.append(start)
            start = table[start]
        return out

    def read(start: int, length: int) -> bytes:
        return b"".join(map(sector, chain(start, fat, sectors)))[:length]

    directory = read(first_dir, sectors * size)
    entries = [directory[i:i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        raise damaged("no directory")
    for entry in entries:
        length = struct.unpack_from("<H", entry, 0x40)[0]
        name = entry[:max(length - 2, 0)].decode("utf-16-le", "replace")
        if entry[0x42] == 2 and name in names:
            start, stream_size = struct.unpack_from("<IQ", entry, 0x74)
            stream_size &= 0xFFFFFFFF if shift == 9 else (1 << 63) - 1  # version 3: 32 bits
            if stream_size >= cutoff:
                return read(start, stream_size)
            root_start, root_size = struct.unpack_from("<IQ", entries[0], 0x74)
            mini_stream = read(root_start, root_size)
            mini_fat = [e for n in chain(first_mini_fat, fat, sectors)
                        for e in struct.unpack(f"<{size // 4}I", sector(n))]
            return b"".join(mini_stream[n * mini_size:(n + 1) * mini_size]
                            for n in chain(start, mini_fat, len(mini_fat)))[:stream_size]
    raise _err(file, "not a readable Excel workbook (no Workbook stream in it: a password-protected "
                     "workbook? Save it without a password)")


def _check_xls(data: bytes, file: str) -> None:
    """Refuses an .xls whose sheets' grids (to DIMENSIONS or the farthest cell) are absurd, as
    `_check_archive` does an .xlsx's (`_refuse_grid`, `_refuse_sheets`)."""
    import struct

    stream = _cfb_stream(data, ("Workbook", "Book"), file)
    names: dict[int, str] = {}  # where a sheet's records start -> its name (BOUNDSHEET)
    grids: list[list] = []  # per part (the globals, each sheet): name, rows, columns, cells
    biff8 = True
    at, end = 0, len(stream)
    while at + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, at)
        body = stream[at + 4:at + 4 + length]
        if kind == _BIFF_BOF:
            if not grids and len(body) >= 2:
                biff8 = struct.unpack_from("<H", body)[0] == 0x0600
            grids.append([names.get(at, f"part {len(grids) + 1}"), 0, 0, 0])
        at += 4 + length
        if not grids or len(body) < 4:
            continue
        if kind in _BIFF_CELLS or kind in (_BIFF_MULRK, _BIFF_MULBLANK):
            row, column = struct.unpack_from("<HH", body)
            if kind in (_BIFF_MULRK, _BIFF_MULBLANK):
                column = struct.unpack_from("<H", body, len(body) - 2)[0]
            grid = grids[-1]
            grid[1], grid[2] = max(grid[1], row + 1), max(grid[2], column + 1)
            grid[3] += 1
        elif kind == _BIFF_DIMENSIONS and length >= 8:  # rows in 32 bits in BIFF8 (14 bytes)
            rows, columns = (struct.unpack_from("<4xI2xH", body) if length >= 14
                             else struct.unpack_from("<2xH2xH", body))
            grid = grids[-1]
            grid[1], grid[2] = max(grid[1], rows), max(grid[2], columns)
        elif kind == _BIFF_BOUNDSHEET and len(body) >= 8:
            count, wide = body[6], biff8 and body[7] & 1
            text = body[8:8 + count * 2] if wide else body[8 if biff8 else 7:][:count]
            names[struct.unpack_from("<I", body)[0]] = text.decode("utf-16-le" if wide else "cp1252", "replace")
    _refuse_sheets(file, sum(_refuse_grid(file, *grid) for grid in grids))


def _workbook_sheets(data: bytes, file: str) -> tuple[dict[str, list[list[str]]], _Book]:
    """Every worksheet's rows as texts (`_cell_text`), by name in the workbook's order, and what
    the workbook's check learned (`_Book`).

    python-calamine reads them (pandas.read_excel, used before, gave the same texts after a 0.6 s
    import and one more pass over every cell: reading a 50,000-row workbook as a whole process
    took 2.2-2.9 s, now 1.8-2.1 s); a workbook it cannot read is tried with openpyxl. An .xlsx
    is checked first (`_check_archive`).
    """
    if data.startswith(b"PK"):
        book = _check_archive(data, file)
    else:
        _check_xls(data, file)
        book = _Book()
    reasons: list[str] = []
    for name, reader in (("calamine", lambda d: _calamine_sheets(d, book.merged)),
                         ("openpyxl", _openpyxl_sheets)):
        try:
            return reader(data), book
        except Exception as e:  # noqa: BLE001 - a reader raises many types on bad input
            reasons.append(f"{name}: {type(e).__name__}: {e}".splitlines()[0][:200])
    raise _err(file, "not a readable Excel workbook (" + "; ".join(reasons) + ")")


def _calamine_sheets(data: bytes, merged: dict[str, list[tuple[int, int, int, int]]] | None = None,
                     ) -> dict[str, list[list[str]]]:
    """`_workbook_sheets` with python-calamine: the worksheets (not chart sheets), each from its
    first row and column, blank rows included, as pandas' calamine reader gives them; each
    sheet's merged cells are put in `merged` (`_Book.merged`). Rows Excel hides are read like
    the others: python-calamine does not say which they are."""
    from python_calamine import SheetTypeEnum, load_workbook

    book = load_workbook(io.BytesIO(data))
    names = [meta.name for meta in book.sheets_metadata if meta.typ == SheetTypeEnum.WorkSheet]
    sheets = {}
    for name in names:
        sheet = book.get_sheet_by_name(name)
        sheets[name] = [list(map(_cell_text, row)) for row in sheet.to_python(skip_empty_area=False)]
        if merged is not None and (ranges := sheet.merged_cell_ranges):
            merged[name] = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]
    return sheets


def _read_excel(data: bytes, file: str, sheet: str | None = None,
                columns: dict[str, str] | None = None) -> _Table:
    """The table of one sheet: `sheet` (a name or a number from 1), else the first that holds a list.

    When the workbook has several sheets, a note says which one was read and what the others were.
    """
    sheets, book = _workbook_sheets(data, file)
    names = list(sheets)
    oversize = {name: _skip_oversize(rows, file) for name, rows in sheets.items()}
    spread = {name: _spread_merged(sheets[name], ranges) for name, ranges in book.merged.items()}
    filled = {name: sum(1 for row in rows if row is None or any(c.strip() for c in row))
              for name, rows in sheets.items()}
    hidden = {n for n, (_part, h) in book.sheets.items() if h}
    table = None
    if sheet is not None:
        chosen = _sheet_named(sheet, names, file)
    else:
        visible_first = sorted(names, key=lambda n: n in hidden)
        chosen = next((n for n in visible_first if filled[n]), None)
        for name in visible_first:
            if filled[name] and (table := _list_table(sheets[name], file, columns,
                                                      oversize[name])) is not None:
                chosen = name
                break
    if chosen is None or not filled[chosen]:
        which = f"sheet {chosen!r} is" if sheet is not None else "every sheet is"
        raise _err(file, "the file is empty" if len(names) == 1
                   else f"the file is empty: {which} empty")
    rows = sheets[chosen]
    others = ", ".join(
        f"{n!r} ({'hidden, ' if n in hidden else ''}"
        f"{'empty' if not filled[n] else _count(filled[n], 'filled row')})"
        for n in names if n != chosen)
    where = f"sheet {chosen!r} ({names.index(chosen) + 1} of {len(names)})"
    if table is None:
        try:
            table = _table_from_rows(rows, file, list(oversize[chosen]))
            _find_columns(table.headers, columns, file)
        except IngestError as e:
            if len(names) == 1:
                raise
            lead = "" if sheet is not None else "no sheet holds a list; "
            raise _err(file, f"{lead}{where}: {e.problem.message}. Other sheets: {others} "
                             "(choose one with --sheet NAME or NUMBER)") from None
    notes = []
    if len(names) > 1:
        notes.append(Problem(file, None, None, f"read {where}; not read: {others} "
                                               "(choose another with --sheet NAME or NUMBER)"))
    _oversize_row(file, table.header_row, rows[table.header_row - 1], None, header=True)  # refused?
    part = book.sheets.get(chosen, ("", False))[0]
    if part in book.formulas:
        notes += _uncached_formulas(data, file, part, chosen, rows, table.header_row - 1)
    if spread.get(chosen):
        notes += _merged_problems(file, chosen, spread[chosen],
                                  _unique_headers(rows[table.header_row - 1] or []))
    table.problems[:0] = notes
    return table


def _spread_merged(rows: list[list[str] | None], ranges: list[tuple[int, int, int, int]],
                   ) -> list[tuple[int, int, str]]:
    """Gives the rows of a sheet's list the values Excel shows in its merged cells: the value of
    a merged cell below the header row (a group's owner or status, as people merge them) is
    read in each row it spans, in its first column. Returns (row, column) from 0 and what a
    problem says of it for each cell given one. A merge in or above the header row (a title)
    is left as it is."""
    header = next((i for i, cells in enumerate(rows) if cells is not None and any(c.strip() for c in cells)),
                  len(rows))
    spread = []
    for r0, c0, r1, c1 in sorted(ranges):
        top = rows[r0] if header < r0 < len(rows) else None
        value = top[c0] if top is not None and c0 < len(top) else ""
        if not value.strip():
            continue
        said = (f"merged cell {_column_letters(c0 + 1)}{r0 + 1}:{_column_letters(c1 + 1)}{r1 + 1}, "
                f"read as row {r0 + 1}'s value {quoted(value)}")
        for r in range(r0 + 1, min(r1 + 1, len(rows))):
            cells = rows[r]
            if cells is not None and c0 < len(cells) and not cells[c0]:
                cells[c0] = value
                spread.append((r, c0, said))
    return spread


def _merged_problems(file: str, sheet: str, spread: list[tuple[int, int, str]],
                     labels: list[str]) -> list[Problem]:
    """One problem per merged cell whose value `_spread_merged` gave to the rows it spans."""
    grouped = _Problems(file)
    for r, c, said in spread:
        grouped.add(r + 1, labels[c] if c < len(labels) else f"Column {c + 1}", f"sheet {sheet!r}: {said}",
                    ("merged cells", "; each read as its first row's value"))
    return grouped.emit()


def _skip_oversize(rows: list[list[str] | None], file: str) -> list[Problem]:
    """The rows of a sheet with a cell over CELL_LIMIT (`_oversize_row`), skipped as a text
    file's are: each is made None (`_table_from_rows` counts it), and its problem returned. The
    header row is left for `_read_excel` to refuse, if its sheet is the one read."""
    if max(map(len, chain.from_iterable(rows)), default=0) <= CELL_LIMIT:
        return []  # no cell is: no row need be looked at
    problems: list[Problem] = []
    header: list[str] | None = None
    for i, cells in enumerate(rows):
        if header is None:
            header = cells if any(c.strip() for c in cells) else None
        elif (problem := _oversize_row(file, i + 1, cells, header, _BOOK_OVERSIZE)) is not None:
            problems.append(problem)
            rows[i] = None
    return problems


def _openpyxl_sheets(data: bytes) -> dict[str, list[list[str]]]:
    """`_workbook_sheets` with openpyxl, laid out as pandas' openpyxl reader laid them out: from
    the first row and column, trailing blank rows and columns left out, every row as wide as the
    widest; an error cell ("#N/A") is blank."""
    import openpyxl
    from openpyxl.cell.cell import TYPE_ERROR

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    sheets: dict[str, list[list[str]]] = {}
    for sheet in book.worksheets:
        sheet.reset_dimensions()  # a workbook's own dimensions may be wrong: read to the end
        rows = [[None if cell.data_type == TYPE_ERROR else _cell_text(cell.value) for cell in row]
                for row in sheet.rows]
        for row in rows:
            while row and row[-1] == "":  # an error cell holds its place, blank
                row.pop()
        while rows and not rows[-1]:
            rows.pop()
        width = max(map(len, rows), default=0)
        sheets[sheet.title] = [[text or "" for text in row] + [""] * (width - len(row)) for row in rows]
    book.close()
    return sheets


def _sheet_named(sheet: str, names: list[str], file: str) -> str:
    """The sheet the user chose by name (case-insensitive) or number (1 = first)."""
    wanted = sheet.strip()
    for name in names:
        if name == wanted:
            return name
    for name in names:
        if name.strip().casefold() == wanted.casefold():
            return name
    if wanted.isdigit() and 1 <= int(wanted) <= len(names):
        return names[int(wanted) - 1]
    listed = ", ".join(repr(n) for n in names)
    raise _err(file, f"no sheet {sheet!r} in this workbook; its sheets are {listed} "
                     f"(give a name or a number from 1 to {len(names)})")


def _list_table(rows: list[list[str]], file: str, columns: dict[str, str] | None,
                problems: list[Problem]) -> _Table | None:
    """The sheet's table when its first filled row is a header ingest can map and rows follow
    (`problems`: its rows' so far, the oversize ones)."""
    try:
        table = _table_from_rows(rows, file, list(problems))
        _find_columns(table.headers, columns, file)
    except IngestError:
        return None
    return table


_CELL_REF = re.compile(r"([A-Z]+)(\d+)$")


def _uncached_formulas(data: bytes, file: str, part: str, sheet: str,
                       rows: list[list[str] | None], header: int) -> list[Problem]:
    """Cells of an .xlsx sheet (zip member `part`, one the check saw a formula in: `_Book`) that
    hold a formula but no saved value (read as blank); `header`: the index of its header row.

    Workbooks written by scripts (openpyxl, some CRM exporters) store formulas without computing
    them; Excel computes them on open, a reader cannot.
    """
    import xml.etree.ElementTree as ET
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = z.read(part)
    except Exception:  # noqa: BLE001 - a damaged archive raises many types
        return []  # a layout this check does not know: the values read stand
    labels = _unique_headers(rows[header] or [])
    grouped = _Problems(file)
    try:
        for _event, el in ET.iterparse(io.BytesIO(xml)):
            if not el.tag.endswith("}c") and el.tag != "c":
                continue
            ref = _CELL_REF.match(el.get("r", ""))
            formula = value = None
            for child in el:
                tag = child.tag.rsplit("}", 1)[-1]
                if tag == "f":
                    formula = child
                elif tag == "v":
                    value = child.text
            el.clear()
            if formula is None or value or ref is None:
                continue
            row, col = int(ref.group(2)), _column_number(ref.group(1)) - 1
            if row - 1 < len(rows) and (rows[row - 1] is None  # skipped, reported
                                        or col < len(rows[row - 1]) and rows[row - 1][col]):
                continue  # the reader found a value after all
            label = labels[col] if row - 1 > header and col < len(labels) else f"column {ref.group(1)}"
            grouped.add(row, label, f"sheet {sheet!r}: a formula with no saved value, read as blank "
                                    "(open and save the workbook in Excel, or paste the values)")
    except ET.ParseError:
        return []
    return grouped.emit()


def _xlsx_sheets(z: zipfile.ZipFile) -> dict[str, tuple[str, bool]]:
    """An .xlsx's sheets: name -> (zip member of its cells, hidden); {} for a layout unknown."""
    import xml.etree.ElementTree as ET

    try:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # noqa: BLE001 - a damaged archive raises many types (zlib.error, EOFError ...)
        return {}
    targets = {el.get("Id"): el.get("Target", "") for el in rels}
    out = {}
    for el in book.iter():
        if el.tag.endswith("}sheet"):
            target = targets.get(el.get(f"{{{_REL_NS}}}id"), "")
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            out[el.get("name", "")] = (part, el.get("state", "visible") != "visible")
    return out


_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# --- column mapping -----------------------------------------------------------------------------


def _find_columns(headers: list[str], overrides: dict[str, str] | None, file: str) -> dict[str, str]:
    found = ", ".join(map(quoted, headers))
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
    """Collects row problems, one per distinct message, listing the rows it happened in.

    A message that names its cell's value ("unknown status 'Stage 7'") is of a `kind`: past
    DISTINCT_SHOWN values of one kind in a column, the rest are counted in one problem with
    their rows (a column of 50,000 different words is the wrong column, not 50,000 problems).
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.groups: dict[tuple[str | None, str], list[int]] = {}
        self.kinds: dict[tuple[str | None, str], tuple[str, str]] = {}

    def add(self, row: int, column: str | None, message: str, kind: tuple[str, str] | None = None) -> None:
        """A problem of `row`; `kind` (what such values are called, and a hint) when the message
        names the cell's value."""
        rows = self.groups.get((column, message))
        if rows is None:
            rows = self.groups[(column, message)] = []
            if kind is not None:
                self.kinds[(column, message)] = kind
        rows.append(row)

    def emit(self, hints: dict[tuple[str | None, str], str] | None = None) -> list[Problem]:
        out = []
        shown: Counter[tuple[str | None, tuple[str, str]]] = Counter()
        folded: dict[tuple[str | None, tuple[str, str]], list[list[int]]] = {}
        for (column, message), rows in self.groups.items():
            kind = self.kinds.get((column, message))
            if kind is not None:
                shown[column, kind] += 1
                if shown[column, kind] > DISTINCT_SHOWN:
                    folded.setdefault((column, kind), []).append(rows)
                    continue
            hint = (hints or {}).get((column, message), "")
            if len(rows) == 1:
                out.append(Problem(self.file, rows[0], column, message + hint))
            else:
                out.append(Problem(self.file, None, column,
                                   f"{message} ({len(rows)} rows: {_rows_text(rows)}){hint}"))
        for (column, (noun, hint)), groups in folded.items():
            rows = sorted(chain.from_iterable(groups))
            out.append(Problem(self.file, None, column, f"{len(groups):,} more {noun} "
                                                        f"({len(rows):,} rows: {_rows_text(rows)}){hint}"))
        return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _rows_text(rows: list[int], show: int = SHOW_ROWS) -> str:
    text = ", ".join(str(r) for r in rows[:show])
    return text + (", ..." if len(rows) > show else "")


def _merged_rows(rows: list[int], show: int = SHOW_ROWS) -> str:
    """The rows merged into one account, '2+4+7'; a long run is cut: '2+3+4+5+6+… and 1,995 more'."""
    text = "+".join(str(r) for r in rows[:show])
    return text + (f"+… and {len(rows) - show:,} more" if len(rows) > show else "")


# --- rows -> records ----------------------------------------------------------------------------


# Words a file name carries about the export, not the company ("northwind_salesforce_2026-q4.csv").
_EXPORT_WORDS = frozenset((
    "salesforce sfdc hubspot pipedrive dynamics zoho crm export exports exported extract accounts "
    "account companies company list lists hashed hash share shared psi data report customers "
    "prospects pipeline all our their partner partners mapping final copy new old latest"
).split())
_DATE_WORD = re.compile(r"^(?:\d+|q[1-4]|fy\d*|h[12]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)$",
                        re.IGNORECASE)


def company_from_path(path: str | Path) -> str:
    """A company name guessed from a list's file name, without the CRM, export and date words.

    "northwind_salesforce.csv" -> "Northwind"; "Globex HubSpot export 2026-Q4.xlsx" -> "Globex".
    Only a guess: the load form and --ours-name / --partner say the real name.
    """
    stem = Path(path).stem
    words = re.sub(r"[_\-.()\[\]]+", " ", stem).split()
    kept = [w for w in words if w.casefold() not in _EXPORT_WORDS and not _DATE_WORD.match(w)]
    return " ".join(w if any(c.isupper() for c in w) else w.capitalize() for w in kept or words) or stem


def _merge(into: Record, rec: Record) -> None:
    """Adds `rec`'s row to `into`, the row kept (`_merge_group`): a value `into` lacks is `rec`'s."""
    into.rows.extend(rec.rows)
    into.other_domains += [d for d in rec.other_domains if d not in into.other_domains]
    if not into.name and rec.name:
        into.name, into.name_key = rec.name, rec.name_key
    if not into.owner:
        into.owner = rec.owner
    if not into.raw_domain:
        into.raw_domain = rec.raw_domain
    for k, v in rec.extra.items():
        if not into.extra.get(k, "").strip():
            into.extra[k] = v
    if into.status is None and not into.raw_status:
        into.raw_status = rec.raw_status


@dataclass
class _NotKept:
    """A value in a row merged into an account that the account does not keep, and the one it keeps."""

    row: int
    column: str
    value: str
    kept_row: int
    kept: str

    def __str__(self) -> str:
        return (f"row {self.row}, column {quoted(self.column)}: {quoted(self.value)} not kept "
                f"(row {self.kept_row}'s {quoted(self.kept)} is)")


def _values(rec: Record, columns: list[str | None]) -> list[str]:
    """What a merge keeps or not of a record, in `columns` (`_merge_group`): its name, its owner,
    then its other columns; not its website (what rows merge on) nor its status (said apart)."""
    name, owner, *extra = columns
    get = rec.extra.get
    return [rec.name if name else "", rec.owner if owner else "", *(get(h, "").strip() for h in extra)]


def _merge_group(group: list[Record], columns: list[str | None]) -> tuple[Record, list[_NotKept], int]:
    """One account from the records of the rows sharing its key, in row order: the account,
    the values of those rows it does not keep, and how many of the rows are duplicates (no
    value lost, the same status; a website or status word may be spelt otherwise).

    The row kept is the one with the strongest status (the first of equals), so its owner, name
    and other columns come with that status: an account never shows a customer row's status
    beside a prospect row's owner. A value it lacks is taken from the next row that has one.
    """
    kept = max(group, key=lambda r: STATUS_STRENGTH.get(r.status, 0))  # max: the first of equals
    order = [kept, *(r for r in group if r is not kept)]
    rows = [r.rows[0] for r in order]  # each record is one row's until merged
    values = [_values(r, columns) for r in order]
    for rec in order[1:]:
        _merge(kept, rec)
    kept.rows.sort()
    account = _values(kept, columns)
    not_kept: list[_NotKept] = []
    duplicates = 0
    for rec, row, own in zip(order[1:], rows[1:], values[1:]):
        lost = [i for i, (value, has) in enumerate(zip(own, account)) if value and value != has]
        for i in lost:
            supplier = next(r for r, v in zip(rows, values) if v[i])
            not_kept.append(_NotKept(row, columns[i], own[i], supplier, account[i]))
        duplicates += not lost and rec.status == kept.status
    return kept, not_kept, duplicates


_RECORD_FIELDS = ("name", "domain", "status", "raw_status", "owner", "raw_domain", "name_key", "extra",
                  "rows", "hashed", "other_domains")
assert tuple(f.name for f in fields(Record))[:len(_RECORD_FIELDS)] == _RECORD_FIELDS, "see _records"


def _cells_at(indexes: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """A row's cells -> a tuple of those at `indexes` (itemgetter, which gives one index's cell bare)."""
    if len(indexes) > 1:
        return itemgetter(*indexes)
    if indexes:
        i = indexes[0]
        return lambda cells: (cells[i],)
    return lambda cells: ()


# the kinds of problem that name their cell's value (`_Problems`), as the count of the rest reads
_UNKNOWN_STATUSES = ("unknown status words", ": map them in the app (m on the ICP screen), or check "
                     "that this column holds the account's status")
_NO_DOMAINS = ("website cells with no usable domain", "; domains ignored")
_SEVERAL_DOMAINS = ("website cells holding several domains",
                    ": the first is the account's own, and each of them matches")
_SHARED_DOMAINS = ("free-mail or shared-host domains", "; domains left blank so they cannot match")
_LEGAL_FORM_NAMES = ("names that are only a legal form", "; names ignored, so they cannot match")


def _header_repeats(headers: list[str], rows: list[list[str]], statuses: list[str], distinct: set[str],
                    status: str) -> set[int]:
    """Indexes of the `rows` that read as the header row again, case and surrounding spaces aside
    (`statuses`: the rows' status cells, stripped, `distinct` of them; `status`: the status
    column's header). Only rows whose status cell is its header are looked at: few words are."""
    word = status.casefold()
    alike = {s for s in distinct if s.casefold() == word}
    if not alike:
        return set()
    wanted = [h.casefold() for h in headers]
    return {i for i, s in enumerate(statuses)
            if s in alike and [h.casefold() for h in _unique_headers(rows[i])] == wanted}


def _status_hint(word: str) -> str:
    """How to map an unknown status word; a word too long to quote whole is not repeated."""
    option = word if len(word) <= QUOTED_MOST else "WORD"
    others = ", ".join(s for s in STATUSES if s != PROSPECT)
    return (f": map it in the app (m on the ICP screen) or with --status '{option}=prospect' "
            f"(or {others})")


def _records(table: _Table, columns: dict[str, str], file: str,
             status_map: dict[str, str] | None, hashed: bool) -> tuple[list[Record], list[Problem]]:
    index = {h: i for i, h in enumerate(table.headers)}
    col = {role: index[h] for role, h in columns.items()}
    role_headers = set(columns.values())
    extra_headers = [h for h in index if h not in role_headers]
    dcol, scol = columns.get("domain"), columns["status"]
    grouped = _Problems(file)
    hints: dict[tuple[str | None, str], str] = {}
    by_key: dict[str, Record] = {}
    groups: dict[str, list[Record]] = {}  # key of an account of several rows -> its rows' records
    status_of = {**_STATUS_LOOKUP, **{_compact(w): s for w, s in (status_map or {}).items()}}

    # A big list's hot path works column by column: each role's cells are stripped in one pass and
    # each distinct value (websites, names and status words repeat) is normalized once.
    numbers = [n for n, _ in table.rows]
    rows = [cells for _, cells in table.rows]
    names, raw_domains, raw_statuses, owners = (
        list(map(str.strip, map(itemgetter(i), rows))) if (i := col.get(role, -1)) >= 0
        else [""] * len(rows)
        for role in ROLES
    )
    # Equal owners and status words (a handful of values each) become one string object: the list
    # is then smaller, and pickled to the other process faster.
    one_copy: dict[str, str] = {}
    raw_statuses = list(map(one_copy.setdefault, raw_statuses, raw_statuses))
    owners = list(map(one_copy.setdefault, owners, owners))
    distinct_statuses = set(raw_statuses)
    if repeats := _header_repeats(table.headers, rows, raw_statuses, distinct_statuses, scol):
        for i in sorted(repeats):
            grouped.add(numbers[i], None, "row skipped: it repeats the header row (two exports pasted "
                                          "one under the other?)")
        numbers, rows, names, raw_domains, raw_statuses, owners = (
            [v for i, v in enumerate(values) if i not in repeats]
            for values in (numbers, rows, names, raw_domains, raw_statuses, owners))
    cells_at = _cells_at([index[h] for h in extra_headers])
    if len(extra_headers) >= SHARED_HEADERS_FROM:
        at = {h: i for i, h in enumerate(extra_headers)}  # every record's Extra shares it
        extras: Iterable[dict[str, str] | Extra] = map(Extra, repeat(at), map(list, map(cells_at, rows)))
    else:
        extras = map(dict, map(zip, repeat(extra_headers), map(cells_at, rows)))
    distinct_names = list(set(names))
    key_of = dict(zip(distinct_names, name_keys(distinct_names)))
    no_names = {name for name, key in key_of.items() if is_legal_form_only(name, key)}
    ncol = columns.get("name")
    status_cache = {raw: status_of.get(_compact(raw)) for raw in distinct_statuses}
    parsed: dict[str, tuple[str, str | None, tuple[str, ...]]] = {}
    shared: set[str] = set()  # domains that may be free mail or a shared host (depends on the name)
    if not hashed:
        parsed = {raw: parse_cell(raw) for raw in set(raw_domains)}
        shared = shared_domains({d for d, _note, _all in parsed.values()})

    for row, name, raw_domain, raw_status, owner, extra in zip(
            numbers, names, raw_domains, raw_statuses, owners, extras):
        domain, note, in_cell = "", None, ()
        if hashed:
            if raw_domain:
                if _HEX64.match(raw_domain.lower()):
                    domain = raw_domain.lower()
                else:
                    grouped.add(row, dcol, "not a 64-character hex hash")
        elif raw_domain:
            domain, note, in_cell = parsed[raw_domain]
            if note:
                if domain:
                    grouped.add(row, dcol, note, _SEVERAL_DOMAINS)
                else:
                    grouped.add(row, dcol, note + "; domain ignored", _NO_DOMAINS)
            if domain in shared and (reason := shared_domain_reason(domain, name)):
                grouped.add(row, dcol, reason + "; domain left blank so it cannot match", _SHARED_DOMAINS)
                domain = ""
        if name in no_names:
            grouped.add(row, ncol, f"{quoted(name)} is only a legal form, not a company name; name ignored",
                        _LEGAL_FORM_NAMES)
            name = ""
        if not name and not domain:
            grouped.add(row, None, "row skipped: no name and no usable domain")
            continue
        others = ([d for d in in_cell[1:] if not shared_domain_reason(d, name)]
                  if domain and note else [])
        status = status_cache[raw_status]
        if status is None:
            if raw_status:
                key = (scol, f"unknown status {quoted(raw_status)}")
                hints[key] = _status_hint(raw_status)
                grouped.add(row, *key, _UNKNOWN_STATUSES)
            else:
                grouped.add(row, scol, "no status")
        nkey = key_of[name] if name else ""
        # positional (twice as fast as keywords here): the order is pinned by _RECORD_FIELDS
        rec = Record(name, domain, status, raw_status, owner, raw_domain, nkey,
                     extra, [row], hashed, others)
        key = domain or f"name:{nkey}"  # Record.key
        first = by_key.get(key)
        if first is None:
            by_key[key] = rec
        elif (group := groups.get(key)) is None:
            groups[key] = [first, rec]
        else:
            group.append(rec)

    long_names = {n for n in distinct_names if len(n) > LONG_NAME}
    if long_names:
        message = (f"name longer than {LONG_NAME} characters, more than a company name: check that "
                   "this column holds the names (--columns name=HEADER)")
        for row, name in zip(numbers, names):
            if name in long_names:
                grouped.add(row, columns.get("name"), message)
    problems = table.problems + grouped.emit(hints)
    statuses: dict[str, list[str]] = {}  # key of a merged account -> distinct statuses, in row order
    merge_columns = [columns.get("name"), columns.get("owner"), *extra_headers]
    not_kept: list[_NotKept] = []
    duplicates: dict[str, int] = {}  # key of a merged account -> how many of its rows are duplicates
    for key, group in groups.items():
        statuses[key] = list(dict.fromkeys(r.status for r in group if r.status))
        by_key[key], lost, duplicates[key] = _merge_group(group, merge_columns)
        not_kept += lost
    records = list(by_key.values())
    merged = [r for r in records if len(r.rows) > 1]
    problems += _merge_problems(file, merged, duplicates, sorted(not_kept, key=lambda v: v.row))
    # Rows with no domain merge on the name alone: two firms called "Martin Plumbing" would lose
    # one record without a word, so every such merge is named for a person to check.
    by_name = [r for r in merged if not r.domain]
    if by_name:
        shown = _first_few(by_name, lambda r: f"{quoted(r.name)} (rows {_merged_rows(r.rows)})", ", ")
        problems.append(Problem(
            file, None, columns.get("name"),
            f"{_count(len(by_name), 'account')} merged on the name alone, with no domain to confirm it: "
            f"{shown}; if rows are different companies, add their websites",
        ))
    conflicts = [r for r in merged if len(statuses.get(r.key, ())) > 1]
    if conflicts:
        shown = _first_few(conflicts, lambda r: (
            f"{r.domain if not r.hashed and r.domain else quoted(r.name)} (rows "
            f"{_merged_rows(r.rows)}: {' / '.join(statuses[r.key])})"), "; ")
        problems.append(Problem(
            file, None, columns["status"],
            f"merged rows disagree on status in {_count(len(conflicts), 'account')}, kept the strongest "
            f"(customer > open deal > churned > prospect): {shown}",
        ))
    return records, problems


_T = TypeVar("_T")


def _first_few(items: Sequence[_T], show: Callable[[_T], str], sep: str) -> str:
    """A problem's list: its first SHOW_ROWS items as `show` words them, and "..." for more."""
    return sep.join(map(show, items[:SHOW_ROWS])) + (f"{sep}..." if len(items) > SHOW_ROWS else "")


def _merge_problems(file: str, merged: list[Record], duplicates: dict[str, int],
                    not_kept: list[_NotKept]) -> list[Problem]:
    """What merging rows into `merged` accounts did (`_merge_group`): the duplicate rows, the rows
    whose values differ, and each value not kept, by row and column (a few shown, all counted)."""
    out = []
    with_duplicates = [r for r in merged if duplicates[r.key]]
    if with_duplicates:
        shown = _first_few(with_duplicates, lambda r: _merged_rows(r.rows), ", ")
        out.append(Problem(
            file, None, None,
            f"{_count(sum(duplicates.values()), 'duplicate row')} merged into "
            f"{_count(len(with_duplicates), 'account')}: rows {shown}",
        ))
    differing = [r for r in merged if len(r.rows) - 1 > duplicates[r.key]]
    if differing:
        rows = sum(len(r.rows) - 1 - duplicates[r.key] for r in differing)
        on = " or ".join(sorted({"domain" if r.domain else "name" for r in differing}))
        shown = _first_few(differing, lambda r: _merged_rows(r.rows), ", ")
        out.append(Problem(
            file, None, None,
            f"{_count(rows, 'row')} merged into {_count(len(differing), 'account')} with rows of the "
            f"same {on} though their values differ (one account per {on}): rows {shown}",
        ))
        if not_kept:
            shown = _first_few(not_kept, str, "; ")
            out.append(Problem(
                file, None, None,
                f"rows merged on the same {on} kept the values of the row with the strongest status "
                f"(the first, when statuses agree) where they differ; {_count(len(not_kept), 'value')} "
                f"not kept: {shown}",
            ))
    return out


# --- the entry point ----------------------------------------------------------------------------


def read_list(path: str | Path, side: str, company: str = "", columns: dict[str, str] | None = None,
              status_map: dict[str, str] | None = None, sheet: str | None = None) -> AccountList:
    """Read a CRM export (.csv/.tsv/.txt/.xlsx) into an AccountList for `side`.

    `columns` maps roles (name, domain, status, owner) to headers and wins over the automatic
    mapping; an empty header means "no column for this role". `status_map` maps the user's own
    status words to STATUSES and wins over STATUS_WORDS. `sheet` picks a workbook's sheet by name
    or number (from 1); without it the first sheet holding a list is read (text files ignore it).
    Raises IngestError when the file cannot be read at all; everything else is reported in
    `AccountList.problems`.
    """
    p = Path(path)
    file = str(path)
    for word, status in (status_map or {}).items():
        if status not in STATUSES:
            raise _err(file, f"status mapping {word!r}={status!r}: the status must be one of "
                             f"{', '.join(STATUSES)}")
    try:
        data = read_plain_file(p)
    except NotAPlainFile as e:
        raise _err(file, e.reason("list file")) from None
    except FileNotFoundError:
        raise _err(file, "file not found") from None
    except OSError as e:
        raise _err(file, f"cannot read the file: {e.strerror or e}") from None
    if not data.strip():
        raise _err(file, "the file is empty")
    suffix = p.suffix.lower()
    with paused_gc():  # a big list is millions of small objects: see bulk.paused_gc
        if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
            table = _read_excel(data, file, sheet, columns)
        elif suffix in EXCEL_SUFFIXES:
            raise _err(file, "not a readable Excel workbook (the file is not a .xlsx/.xls archive)")
        else:
            table = _read_text(data, file, suffix)
        cols = _find_columns(table.headers, columns, file)
        hashed = _compact(cols.get("domain", "")) == _compact(HASH_HEADER)
        records, problems = _records(table, cols, file, status_map, hashed)
        rows_read = len(table.rows) + table.skipped
        # The rows' cells are freed here, and the records kept moved out of the collector's young
        # generation: its first pass when it starts again would walk them all (0.4 s at 50k).
        del table
        promote_to_old_generation()
    return AccountList(
        side=side,
        company=company or company_from_path(p),
        company_guessed=not company,
        path=file,
        sha256=hashlib.sha256(data).hexdigest(),
        rows_read=rows_read,
        columns=cols,
        records=records,
        problems=problems,
        hashed=hashed,
        status_map=dict(status_map or {}),
    )


def demo_paths() -> tuple[Path, Path]:
    """The bundled demo lists: (ours: Northwind's Salesforce export, partner: Globex's HubSpot)."""
    data = files("acctmap_tui").joinpath("data")
    return (
        Path(str(data.joinpath("northwind_salesforce.csv"))),
        Path(str(data.joinpath("globex_hubspot.csv"))),
    )
