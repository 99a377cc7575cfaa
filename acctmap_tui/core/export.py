"""Action lists out of a session, as CSV or Markdown, with a partner-safe variant.

The full list carries every column we hold (our notes, priority, the extra CRM columns). The
partner-safe list carries only fields the session marks shareable (`Session.fields`); a field the
session does not mention falls back to the default policy below, so a column nobody decided on is
private. A hashed record never shows its hash (nor anything but its status).

CSV cells that a spreadsheet would run as a formula get a leading apostrophe (OWASP guidance on
CSV injection); everything else is written exactly, as text, so leading zeros survive.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from acctmap_tui.core import atomic
from acctmap_tui.core.categorize import category_of
from acctmap_tui.core.model import OURS, PARTNER, Account, AcctmapError, FieldInfo, Record, Session
from acctmap_tui.core.score import ranked

ACTION_COLUMNS = ["rank", "account", "domain", "our status", "their status", "category", "play",
                  "next action", "owner", "due", "priority"]
NOTES_COLUMN = "notes"
SESSION = "session"  # FieldInfo.side of the fields made on the call

# The default share policy: what a partner may see until someone decides otherwise.
SHAREABLE_ROLES = ("name", "domain", "status")
SESSION_FIELDS_SHAREABLE = ("category", "play", "owner", "next_action", "due", "action_status")
SESSION_FIELDS_PRIVATE = ("priority", "scores", "notes")
_CORE_ROLES = ("name", "domain", "status")

# action column -> session field that governs it
_SESSION_COLUMN_FIELD = {
    "category": "category", "play": "play", "next action": "next_action", "owner": "owner",
    "due": "due", "priority": "priority", NOTES_COLUMN: "notes",
}
_PREFIX = {OURS: "our", PARTNER: "their"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def default_shareable(side: str, name: str) -> bool:
    """Default policy: names, domains, statuses and the call's plan are shareable; nothing else."""
    if side == SESSION:
        return name in SESSION_FIELDS_SHAREABLE
    return name in SHAREABLE_ROLES


def default_field_policy(session: Session) -> list[FieldInfo]:
    """FieldInfo for every field a session holds, marked shareable by the default policy."""
    fields: list[FieldInfo] = []
    for side in (OURS, PARTNER):
        src = session.source(side)
        columns = dict(src.columns) if src else {}
        for role in _CORE_ROLES:
            columns.setdefault(role, "")
        for role, header in columns.items():
            fields.append(FieldInfo(side, role, header, default_shareable(side, role)))
        for header in _extra_headers(session.accounts, side):
            if header not in columns:
                fields.append(FieldInfo(side, header, header, False))
    for name in SESSION_FIELDS_SHAREABLE + SESSION_FIELDS_PRIVATE:
        fields.append(FieldInfo(SESSION, name, "", default_shareable(SESSION, name)))
    return fields


def is_shareable(session: Session, side: str, name: str) -> bool:
    """May the partner see this field? The session's mark, else the default policy."""
    for info in session.fields:
        if info.side == side and info.name == name:
            return info.shareable
    return default_shareable(side, name)


class _Policy:
    """Answers "may the partner see this field?" for one session."""

    def __init__(self, session: Session):
        self.marks = {(f.side, f.name): f.shareable for f in session.fields}

    def shareable(self, side: str, name: str) -> bool:
        return self.marks.get((side, name), default_shareable(side, name))


def _side_record(account: Account, side: str) -> Record:
    return account.ours if side == OURS else account.theirs


def _extra_headers(accounts: Iterable[Account], side: str) -> list[str]:
    return sorted({k for a in accounts for k in _side_record(a, side).extra})


def _record_fields(session: Session, accounts: list[Account], side: str) -> list[tuple[str, str]]:
    """(field name, column label) for every non-core field of one side, in a stable order."""
    names: dict[str, str] = {}
    for f in session.fields:
        if f.side == side and f.name not in _CORE_ROLES:
            names.setdefault(f.name, f.column or f.name)
    if any(_side_record(a, side).owner for a in accounts):
        names.setdefault("owner", "account owner")
    for header in _extra_headers(accounts, side):
        names.setdefault(header, header)
    return [(name, f"{_PREFIX[side]} {label}") for name, label in names.items()]


def _record_value(rec: Record, name: str) -> str:
    if rec.hashed:  # a keyed-hash record shows its status only, never the hash
        return (rec.status or rec.raw_status) if name == "status" else ""
    if name == "status":
        return rec.status or rec.raw_status
    if name in ("name", "domain", "owner"):
        return getattr(rec, name)
    return rec.extra.get(name, "")


def _identity(account: Account, name: str, policy: _Policy | None) -> str:
    """Account name or domain: ours when we may show it, else theirs."""
    for side in (OURS, PARTNER):
        rec = _side_record(account, side)
        if policy is not None and not policy.shareable(side, name):
            continue
        value = _record_value(rec, name)
        if value:
            return value
    return ""


def _layout(session: Session, policy: _Policy | None, all_fields: bool = False
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
        if policy is not None:
            if col in ("account", "domain"):
                role = "name" if col == "account" else "domain"
                if not (policy.shareable(OURS, role) or policy.shareable(PARTNER, role)):
                    continue
            elif col in ("our status", "their status"):
                if not policy.shareable(OURS if col == "our status" else PARTNER, "status"):
                    continue
            elif col in _SESSION_COLUMN_FIELD:
                if not policy.shareable(SESSION, _SESSION_COLUMN_FIELD[col]):
                    continue
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
    return _layout(session, _Policy(session) if shareable_only else None, all_fields)[0]


def action_rows(session: Session, top: int | None = None, shareable_only: bool = False,
                all_fields: bool = False) -> list[dict[str, str]]:
    """The overlap as action-list rows, highest priority first (ties by name), with rank.

    Each row holds exactly the columns of `action_columns(session, shareable_only)`.
    """
    accounts = ranked(session)
    if top is not None:
        accounts = accounts[: max(top, 0)]
    policy = _Policy(session) if shareable_only else None
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


def md_cell(value: str) -> str:
    """A Markdown table cell: backslashes and pipes escaped, line breaks as <br>."""
    value = value.replace("\\", "\\\\").replace("|", "\\|")
    return value.replace("\r\n", "<br>").replace("\r", "<br>").replace("\n", "<br>")


def to_markdown(rows: Sequence[dict[str, str]], columns: Sequence[str], title: str = "") -> str:
    """A Markdown table (GitHub style), under a `# title` heading when one is given."""
    lines = [f"# {md_cell(title)}", ""] if title else []
    lines.append("| " + " | ".join(md_cell(c) for c in columns) + " |")
    lines.append("|" + "|".join(" --- " for _ in columns) + "|")
    for row in rows:
        lines.append("| " + " | ".join(md_cell(str(row.get(c, ""))) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def _write_text(path: Path, text: str, encoding: str) -> None:
    """Every export is written through core.atomic (atomic for files; devices and FIFOs written
    through, never replaced)."""
    try:
        atomic.write_text(path, text, encoding)
    except OSError as exc:
        raise AcctmapError(f"{path}: cannot write: {exc.strerror or exc}") from exc


def write_export(session: Session, path: str | Path, fmt: str = "csv", top: int | None = None,
                 partner_safe: bool = False, all_fields: bool = False) -> Path:
    """Write the action list as CSV or Markdown; partner-safe keeps to the shareable fields."""
    path = Path(path)
    fmt = {"markdown": "md"}.get(fmt.lower(), fmt.lower())
    if fmt not in ("csv", "md"):
        raise AcctmapError(f"unknown export format {fmt!r}: use csv or md")
    rows = action_rows(session, top=top, shareable_only=partner_safe, all_fields=all_fields)
    columns = action_columns(session, shareable_only=partner_safe, all_fields=all_fields)
    if fmt == "csv":
        return write_csv(path, rows, columns)
    title = session.title or f"{session.ours} x {session.partner}"
    title += " — action list" + (" (partner-safe)" if partner_safe else "")
    _write_text(path, to_markdown(rows, columns, title), "utf-8")
    return path
