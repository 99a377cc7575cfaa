"""Action lists out of a session, as CSV, Markdown, Excel or a CRM import file, with a partner-safe
variant.

The full list carries every column we hold (our notes, priority, the extra CRM columns). The
partner-safe list carries only fields the session marks shareable (`Session.fields`); a field the
session does not mention falls back to the default policy (core.sharing), so a column nobody
decided on is private. A hashed record never shows its hash (nor anything but its status).

Which accounts a list holds: the whole overlap, or with a top N the first N by priority of the
accounts scored or planned (`score.planned_accounts`). A partner-safe list (and a CRM import file,
which keeps to the shareable fields too) while the priority is private holds the whole overlap,
by name, whatever the priorities; a top N is refused (`score.PRIVATE_TOP`): the accounts it picks
would tell the private order, one account at a time.

CSV cells that a spreadsheet would run as a formula get a leading apostrophe (OWASP guidance on
CSV injection); everything else is written exactly, as text, so leading zeros survive.
"""

from __future__ import annotations

import csv
import re
import io
from collections.abc import Sequence
from pathlib import Path

from acctmap_tui.core import atomic
from acctmap_tui.core.categorize import category_of
from acctmap_tui.core.model import OURS, PARTNER, Account, AcctmapError, Record, Session
from acctmap_tui.core.score import goes_by_priority, in_shown_order, name_order, planned_accounts, ranked
from acctmap_tui.core.sharing import CORE_ROLES, SIDE_PREFIX, SharePolicy, Shows, extra_headers

ACTION_COLUMNS = ["rank", "account", "domain", "our status", "their status", "category", "play",
                  "next action", "owner", "due", "action status", "priority"]
NOTES_COLUMN = "notes"
# format -> (what it is called, file ending)
EXPORT_FORMATS = {
    "csv": ("CSV", ".csv"),
    "md": ("Markdown", ".md"),
    "xlsx": ("Excel", ".xlsx"),
    "salesforce": ("Salesforce import CSV", ".salesforce.csv"),
    "hubspot": ("HubSpot import CSV", ".hubspot.csv"),
}
XLSX_MAX_WIDTH = 60
# action column -> the column a CRM's importer maps; standard fields use their import names
# (Salesforce's Data Import Wizard, HubSpot's company import), the plan goes to custom fields.
CRM_COLUMNS = {
    "salesforce": {
        "account": "Account Name", "domain": "Website", "category": "Partner Category",
        "play": "Partner Play", "next action": "Next Step", "owner": "Partner Action Owner",
        "due": "Next Step Due Date", "action status": "Next Step Status",
    },
    "hubspot": {
        "account": "Company name", "domain": "Company Domain Name", "category": "Partner category",
        "play": "Partner play", "next action": "Partner next action",
        "owner": "Partner action owner", "due": "Partner action due date",
        "action status": "Partner action status",
    },
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _side_record(account: Account, side: str) -> Record:
    return account.ours if side == OURS else account.theirs


def _record_fields(session: Session, accounts: list[Account], side: str) -> list[tuple[str, str]]:
    """(field name, column label) for every non-core field of one side, in a stable order."""
    names: dict[str, str] = {}
    for f in session.fields:
        if f.side == side and f.name not in CORE_ROLES:
            names.setdefault(f.name, f.column or f.name)
    if any(_side_record(a, side).owner for a in accounts):
        names.setdefault("owner", "account owner")
    for header in extra_headers(accounts, side):
        names.setdefault(header, header)
    return [(name, f"{SIDE_PREFIX[side]} {label}") for name, label in names.items()]


def _record_value(rec: Record, name: str) -> str:
    if rec.hashed:  # a keyed-hash record shows its status only, never the hash
        return (rec.status or rec.raw_status) if name == "status" else ""
    if name == "status":
        return rec.status or rec.raw_status
    if name in ("name", "domain", "owner"):
        return getattr(rec, name)
    return rec.extra.get(name, "")


def _identity(account: Account, name: str, policy: SharePolicy | None) -> str:
    """Account name or domain: ours when we may show it, else theirs."""
    for side in (OURS, PARTNER):
        rec = _side_record(account, side)
        if policy is not None and not policy.shareable(side, name):
            continue
        value = _record_value(rec, name)
        if value:
            return value
    return ""


def _layout(session: Session, policy: SharePolicy | None, all_fields: bool = False
            ) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The action-list columns, and (side, field, column label) for the list columns among them.

    Internal exports hold the template's columns, plus notes and every source column only when
    asked (`all_fields`); partner-safe exports hold every field marked shareable, nothing else.
    """
    if policy is None and not all_fields:
        return list(ACTION_COLUMNS), []
    accounts = session.overlap()
    columns: list[str] = []
    for col in ACTION_COLUMNS + [NOTES_COLUMN]:
        if policy is None or policy.column_shareable(col):
            columns.append(col)
    taken = set(ACTION_COLUMNS) | {NOTES_COLUMN}
    record_columns = []
    for side in (OURS, PARTNER):
        for name, label in _record_fields(session, accounts, side):
            if policy is not None and not policy.shareable(side, name):
                continue
            while label in taken:  # a source header that reads like one of our columns
                label += " (list)"
            taken.add(label)
            record_columns.append((side, name, label))
            columns.append(label)
    return columns, record_columns


def action_columns(session: Session, shareable_only: bool = False,
                   all_fields: bool = False) -> list[str]:
    """The columns of this session's action list."""
    return _layout(session, SharePolicy(session) if shareable_only else None, all_fields)[0]


def listed_accounts(session: Session, top: int | None = None, rank_shown: bool = True,
                    shows: Shows | None = None) -> list[Account]:
    """The accounts an action list holds: the overlap, or its top `top` planned ones
    (`score.planned_accounts`), by rank; by name when the rank may not show. `shows`: what a
    partner-safe list may show; ties and the order by name go by the names it shows.

    A top N for a list that may not go by the priority (`score.goes_by_priority`) raises
    AcctmapError (`score.PRIVATE_TOP`); without one the list is the overlap, which no
    priority chooses."""
    accounts = ranked(session, shows) if top is None else planned_accounts(session, top, shows)
    return in_shown_order(accounts, rank_shown, name_order(shows, session.session_id))


def action_rows(session: Session, top: int | None = None, shareable_only: bool = False,
                all_fields: bool = False) -> list[dict[str, str]]:
    """The action-list rows of `listed_accounts`, highest priority first, with rank (by name
    and without it in a partner-safe list while the priority is private).

    Each row holds exactly the columns of `action_columns(session, shareable_only)`.
    """
    policy = SharePolicy(session) if shareable_only else None
    shows = policy.shareable if policy is not None else None
    accounts = listed_accounts(session, top, goes_by_priority(shows), shows)
    columns, record_columns = _layout(session, policy, all_fields)
    rows = []
    for rank, account in enumerate(accounts, start=1):
        cat = category_of(account)
        row = {
            "rank": str(rank),
            "account": _identity(account, "name", policy),
            "domain": _identity(account, "domain", policy),
            "our status": _record_value(account.ours, "status"),
            "their status": _record_value(account.theirs, "status"),
            "category": cat.label if cat else "",
            "play": cat.play if cat else "",
            "next action": account.next_action,
            "owner": account.owner,
            "due": account.due.isoformat() if account.due else "",
            # the plan's status is a value of its own, as the Assign screen shows it: "open"
            # before a next action is written, "dropped" when the partners gave it up
            "action status": account.action_status,
            "priority": str(account.priority),
            NOTES_COLUMN: account.notes,
        }
        for side, name, label in record_columns:
            row[label] = _record_value(_side_record(account, side), name)
        rows.append({c: row[c] for c in columns})
    return rows


# --- formats ----------------------------------------------------------------------------------


def safe_cell(value: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would run as a formula (= + - @ tab CR)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(rows: Sequence[dict[str, str]], columns: Sequence[str]) -> str:
    """CSV text (header + rows), every cell formula-escaped; write it with `write_csv`."""
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_MINIMAL)
    writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow([safe_cell(str(row.get(c, ""))) for c in columns])
    return buf.getvalue()


def write_csv(path: str | Path, rows: Sequence[dict[str, str]], columns: Sequence[str]) -> Path:
    """Write CSV as UTF-8 with a BOM, which Excel needs to read non-ASCII text correctly."""
    path = Path(path)
    _write_text(path, to_csv(rows, columns), "utf-8-sig")
    return path


# Control characters but tab and line feed (C0, DEL, C1) and the line and paragraph separators:
# from a session's notes or names they would recolour, move or clear the reader's terminal
_CONTROLS_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def shown(text: str) -> str:
    """Text with its control characters written as escapes (ESC as \\x1b, CR as \\r), for a
    terminal or a Markdown file."""
    return _CONTROLS_RE.sub(lambda c: c.group().encode("unicode_escape").decode("ascii"), text)


def md_cell(value: str) -> str:
    """A Markdown table cell: backslashes and pipes escaped, line breaks as <br>, other control
    characters as escapes."""
    value = value.replace("\\", "\\\\").replace("|", "\\|")
    return shown(value.replace("\r\n", "<br>").replace("\r", "<br>").replace("\n", "<br>"))


def to_markdown(rows: Sequence[dict[str, str]], columns: Sequence[str], title: str = "") -> str:
    """A Markdown table (GitHub style), under a `# title` heading when one is given."""
    lines = [f"# {md_cell(title)}", ""] if title else []
    lines.append("| " + " | ".join(md_cell(c) for c in columns) + " |")
    lines.append("|" + "|".join(" --- " for _ in columns) + "|")
    for row in rows:
        lines.append("| " + " | ".join(md_cell(str(row.get(c, ""))) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def _write_text(path: Path, text: str, encoding: str) -> None:
    _write_bytes(path, text.encode(encoding))


def _write_bytes(path: Path, data: bytes) -> None:
    """Every export is written through core.atomic (atomic for files; devices and FIFOs written
    through, never replaced)."""
    try:
        atomic.write_bytes(path, data)
    except OSError as exc:
        raise AcctmapError(f"{path}: cannot write: {exc.strerror or exc}") from exc


def to_xlsx(rows: Sequence[dict[str, str]], columns: Sequence[str], title: str = "") -> bytes:
    """An Excel workbook of the rows: a header row, frozen panes, an autofilter, sized columns.

    Every cell is text and formula-escaped as in the CSV, so nothing runs when the file opens.
    """
    from openpyxl import Workbook  # imported here: only this format needs it
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Action list"
    if title:
        sheet.oddHeader.center.text = title.replace("&", "&&")
    widths = [len(c) for c in columns]
    for r, values in enumerate([list(columns)] + [[str(row.get(c, "")) for c in columns] for row in rows],
                               start=1):
        for c, value in enumerate(values, start=1):
            text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", safe_cell(value))
            cell = sheet.cell(row=r, column=c, value=text)
            cell.data_type = "s"  # text, never a formula
            widths[c - 1] = max(widths[c - 1], min(len(text), XLSX_MAX_WIDTH))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = min(width + 2, XLSX_MAX_WIDTH)
    sheet.freeze_panes = "C2" if len(columns) > 2 else "A2"  # header row and rank + account stay
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _crm_layout(session: Session, crm: str) -> list[str]:
    shared = action_columns(session, shareable_only=True)
    return [c for c in CRM_COLUMNS[crm] if c in shared]


def crm_columns(session: Session, crm: str) -> list[str]:
    """The columns of a CRM import file, as the CRM's importer names them."""
    return [CRM_COLUMNS[crm][c] for c in _crm_layout(session, crm)]


def crm_rows(session: Session, crm: str, top: int | None = None
             ) -> tuple[list[str], list[dict[str, str]]]:
    """The plan as a CRM import file: one row per account, shareable fields only, named as the
    CRM's importer expects (standard fields by their import names, the rest as custom fields).
    Like a partner-safe list, it refuses a top N while the priority is private."""
    names = CRM_COLUMNS[crm]
    columns = _crm_layout(session, crm)
    rows = action_rows(session, top=top, shareable_only=True)
    return [names[c] for c in columns], [{names[c]: row[c] for c in columns} for row in rows]


def top_allowed(session: Session, fmt: str = "csv", partner_safe: bool = False) -> bool:
    """May a list in `fmt`, partner-safe or not, be cut to a top N? Not one that keeps to the
    shareable fields (partner-safe, or a CRM import file) while the priority is private."""
    if not (partner_safe or fmt in CRM_COLUMNS):
        return True
    return goes_by_priority(SharePolicy(session).shareable)


def export_format(name: str | Path) -> str | None:
    """The format a file name asks for by its ending ("x.hubspot.csv" -> "hubspot"), or None."""
    lowered = str(name).strip().lower()
    for fmt in sorted(EXPORT_FORMATS, key=lambda f: -len(EXPORT_FORMATS[f][1])):
        if lowered.endswith(EXPORT_FORMATS[fmt][1]):
            return fmt
    return None


def write_export(session: Session, path: str | Path, fmt: str = "csv", top: int | None = None,
                 partner_safe: bool = False, all_fields: bool = False) -> Path:
    """Write the action list in one of EXPORT_FORMATS; partner-safe keeps to the shareable fields.

    The CRM import formats always keep to the shareable fields. A top N of a list that keeps to
    them is refused while the priority is private (`top_allowed`; AcctmapError, nothing written).
    """
    path = Path(path)
    fmt = {"markdown": "md", "excel": "xlsx"}.get(fmt.lower(), fmt.lower())
    if fmt not in EXPORT_FORMATS:
        raise AcctmapError(f"unknown export format {fmt!r}: use {', '.join(EXPORT_FORMATS)}")
    if fmt in CRM_COLUMNS:
        columns, rows = crm_rows(session, fmt, top)
        return write_csv(path, rows, columns)
    rows = action_rows(session, top=top, shareable_only=partner_safe, all_fields=all_fields)
    columns = action_columns(session, shareable_only=partner_safe, all_fields=all_fields)
    if fmt == "csv":
        return write_csv(path, rows, columns)
    title = session.title or f"{session.ours} x {session.partner}"
    title += " — action list" + (" (partner-safe)" if partner_safe else "")
    if fmt == "xlsx":
        _write_bytes(path, to_xlsx(rows, columns, title))
    else:
        _write_text(path, to_markdown(rows, columns, title), "utf-8")
    return path
