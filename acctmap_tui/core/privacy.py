"""Privacy-safe list exchange: minimal share files and keyed-hash (HMAC-SHA256) lists.

Before a call, each side can send the other only what matching needs. `write_share` writes the
chosen columns (domain and status by default) of a list; `write_hashed` goes further and writes
`domain_hash,status`, where the hash is HMAC-SHA256 of the registrable domain under a key both
partners share (made by `keygen`, sent by a separate channel). Without the key a hash cannot be
turned back into a domain by trying a list of known domains. Both sides must use the same key.

This keyed-hash mode is weaker than the private overlap exchange (core/psi.py): whoever holds the
key, the partner included, can hash any list of guessed domains and test each against the other
side's file, so it reveals far more than the overlap to the partner.

A status leaves only as one of the four statuses, never as the CRM's own word: a word acctmap
does not know is sent blank, and the list's problems in its status column say which and where.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from acctmap_tui.core.export import write_csv
from acctmap_tui.core.atomic import FileTooLarge, NotAPlainFile, read_plain_file
from acctmap_tui.core.model import AccountList, AcctmapError, Problem, Record

KEY_BYTES = 32
MIN_KEY_BYTES = 32  # 256 bits
KEY_FILE_LIMIT = 4096  # bytes; a key is one line of hex digits (64 for a key of `keygen`)
HASH_COLUMNS = ("domain_hash", "status")
HASH_ROLES = ("domain", "status")  # what a hashed list keeps of each account
ROLES = ("name", "domain", "status", "owner")
MIN_RECORDS_FOR_KEY_CHECK = 20


@dataclass
class ShareReport:
    """What a share file holds and what was kept back, for the person about to send it."""

    columns: list[str]
    rows: int
    held_back: list[str] = field(default_factory=list)  # columns of the list not shared
    dropped: int = 0  # accounts left out (no domain / nothing to match on)
    path: str = ""
    unknown_status: int = 0  # accounts sent with a blank status: their word is not known
    status_problems: list[Problem] = field(default_factory=list)  # the status column's, when sent

    def describe(self) -> str:
        where = f"Wrote {self.path}: " if self.path else ""
        text = f"{where}{self.rows} accounts, columns: {', '.join(self.columns)}"
        if self.held_back:
            text += f"; held back: {', '.join(self.held_back)}"
        if self.dropped:
            text += f"; left out {self.dropped} accounts with nothing to match on (no domain)"
        if self.unknown_status:
            text += (f"; {self.unknown_status} with a status word acctmap does not know, sent "
                     "blank (--status WORD=STATUS maps it)")
        return text

    def __str__(self) -> str:
        return self.describe()


# --- keys and hashes --------------------------------------------------------------------------


def keygen() -> str:
    """A new shared key: 32 random bytes as hex."""
    return secrets.token_hex(KEY_BYTES)


def write_key(path: str | Path, key: str, force: bool = False) -> Path:
    """Write a key file readable by its owner only (0600); an existing file only with `force`."""
    path = Path(path)
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise AcctmapError(Problem(str(path), None, None, "is not a plain file (a link, folder, "
                                   "device or FIFO): name a new key file", "error"))
    if path.exists() and not force:
        raise AcctmapError(Problem(str(path), None, None, "a file of that name exists already: "
                                   "choose another name, or add --force to replace it (the old "
                                   "key is then gone)", "error"))
    data = (key + "\n").encode("ascii")
    try:
        if force:
            from acctmap_tui.core import atomic

            atomic.write_bytes(path, data)
            os.chmod(path, 0o600)  # a replaced key file is owner-only whatever the old one was
        else:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        os.chmod(path, 0o600)  # whatever the umask
    except FileExistsError:
        raise AcctmapError(Problem(str(path), None, None, "a file of that name exists already: "
                                   "add --force to replace it", "error")) from None
    except OSError as exc:
        raise AcctmapError(Problem(str(path), None, None,
                                   f"cannot write the key: {exc.strerror or exc}", "error")) from None
    return path


def read_exchange_file(path: Path, limit: int, what: str) -> bytes:
    """The bytes of a file of an exchange (a key file, a round file).

    A folder, device or FIFO is refused before anything is read (/dev/zero would never end, a
    FIFO would wait for ever); so is a file over `limit` bytes. A link to a plain file is read.
    OSError (a missing file) is left to the caller to word.
    """
    try:  # checked on the open file (atomic.read_plain_file), as a list is
        return read_plain_file(path, limit)
    except NotAPlainFile as exc:
        raise AcctmapError(Problem(str(path), None, None, exc.reason(what), "error")) from None
    except FileTooLarge:
        raise AcctmapError(Problem(str(path), None, None, f"too large for a {what} (over "
                                   f"{limit:,} bytes): is this the right file?", "error")) from None


def read_key(path: str | Path) -> bytes:
    """The key in a key file (hex text); AcctmapError when missing, not hex, or too short."""
    path = Path(path)
    try:
        text = read_exchange_file(path, KEY_FILE_LIMIT, "key file").decode("utf-8-sig").strip()
    except FileNotFoundError:
        raise AcctmapError(Problem(str(path), None, None, "no such key file", "error")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AcctmapError(Problem(str(path), None, None, f"cannot read the key: {exc}",
                                   "error")) from None
    if not text or any(c not in string.hexdigits for c in text) or len(text) % 2:
        raise AcctmapError(Problem(str(path), None, None,
                                   "not a key: expected one line of hex digits (make one with "
                                   "`acctmap keygen`)", "error"))
    key = bytes.fromhex(text)
    if len(key) < MIN_KEY_BYTES:
        raise AcctmapError(Problem(str(path), None, None,
                                   f"key too short: {len(key)} bytes ({len(key) * 8} bits), need "
                                   f"at least {MIN_KEY_BYTES} bytes ({MIN_KEY_BYTES * 8} bits); "
                                   "make one with `acctmap keygen`", "error"))
    return key


def hash_domain(domain: str, key: bytes) -> str:
    """HMAC-SHA256 (hex) of a registrable domain, e.g. 'acme.com'."""
    return hmac.new(key, domain.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()


def _hashed_record(rec: Record, key: bytes) -> Record:
    return Record(name="", domain=hash_domain(rec.domain, key), status=rec.status,
                  raw_status=rec.raw_status, rows=list(rec.rows), hashed=True)


def hash_list(lst: AccountList, key: bytes) -> AccountList:
    """A copy holding only hashed domains and statuses; accounts without a domain are dropped."""
    kept = [_hashed_record(r, key) for r in lst.records if r.domain and not r.hashed]
    already = [r for r in lst.records if r.hashed]
    dropped = len(lst.records) - len(kept) - len(already)
    problems = list(lst.problems)
    if dropped:
        problems.append(Problem(lst.path, None, None,
                                f"{dropped} accounts without a domain left out of the hashed list"))
    columns = {role: header for role, header in lst.columns.items() if role in HASH_ROLES}
    return AccountList(side=lst.side, company=lst.company, path=lst.path, sha256=lst.sha256,
                       rows_read=lst.rows_read, columns=columns, records=kept + already,
                       problems=problems, hashed=True, company_guessed=lst.company_guessed)


def hash_for_matching(ours: AccountList, key: bytes) -> tuple[AccountList, dict[str, Record]]:
    """Hash a plain list to match it against a hashed one; also hash -> the original record.

    The map lets the matched accounts show our own name and domain again after matching.
    """
    hashed = hash_list(ours, key)
    plain = [r for r in ours.records if r.domain and not r.hashed]
    # hash_list keeps the plain records first, in order: pair them instead of hashing twice
    originals = {h.domain: r for h, r in zip(hashed.records, plain)}
    return hashed, originals


def likely_key_mismatch(ours: AccountList, theirs: AccountList, matched: int) -> bool:
    """True when hashed lists of real size share no account at all: most likely different keys."""
    if not (ours.hashed or theirs.hashed):
        return False
    if min(len(ours.records), len(theirs.records)) < MIN_RECORDS_FOR_KEY_CHECK:
        return False
    if matched:
        return False
    return not ({r.domain for r in ours.records} & {r.domain for r in theirs.records})


# --- share files ------------------------------------------------------------------------------


def _value(rec: Record, name: str) -> str:
    if name == "status":
        return rec.status or ""  # one of STATUSES: the CRM's own word is free text
    if name in ROLES:
        return getattr(rec, name)
    return rec.extra.get(name, "")


def _resolve_fields(lst: AccountList, fields: Sequence[str]) -> list[str]:
    """Field names as the list knows them: a role, or an extra header (case-insensitive)."""
    extras = {k for r in lst.records for k in r.extra}
    by_fold = {h.casefold(): h for h in extras}
    out: list[str] = []
    for f in fields:
        name = f.strip()
        if name.casefold() in ROLES:
            name = name.casefold()
        elif name not in extras:
            if name.casefold() not in by_fold:
                known = ", ".join(list(ROLES) + sorted(extras))
                raise AcctmapError(Problem(lst.path, None, name,
                                           f"no such column to share (known: {known})", "error"))
            name = by_fold[name.casefold()]
        if name not in out:
            out.append(name)
    if "domain" not in out and "name" not in out:
        raise AcctmapError(Problem(lst.path, None, None,
                                   "share at least domain or name, or the partner cannot match "
                                   "the list", "error"))
    return out


def share_rows(lst: AccountList, fields: Sequence[str] = ("domain", "status")
               ) -> tuple[list[dict[str, str]], ShareReport]:
    """Rows holding only the chosen fields of each account, and a report of what was kept back.

    Accounts with no value in any chosen identifying field (domain, name) are left out.
    """
    chosen = _resolve_fields(lst, fields)
    ident = [f for f in chosen if f in ("domain", "name")]
    rows: list[dict[str, str]] = []
    seen: set[tuple[str, ...]] = set()
    dropped = unknown = 0
    for rec in lst.records:
        if rec.hashed:
            dropped += 1
            continue
        row = {f: _value(rec, f) for f in chosen}
        if not any(row[f] for f in ident):
            dropped += 1
            continue
        key = tuple(row.values())
        if key in seen:  # ingest merged duplicates already; a column subset can repeat rows
            continue
        seen.add(key)
        rows.append(row)
        unknown += _unknown_status(rec)
    report = ShareReport(columns=chosen, rows=len(rows), held_back=_held_back(lst, chosen), dropped=dropped)
    if "status" in chosen:
        _tell_status(report, lst, unknown)
    return rows, report


def write_share(lst: AccountList, path: str | Path, fields: Sequence[str] = ("domain", "status")
                ) -> ShareReport:
    """Write a minimal share file (CSV, UTF-8 with BOM, formula-escaped) of the chosen fields."""
    rows, report = share_rows(lst, fields)
    report.path = str(write_csv(path, rows, report.columns))
    return report


def write_hashed(lst: AccountList, path: str | Path, key: bytes) -> ShareReport:
    """Write `domain_hash,status` for every account with a domain (the keyed-hash exchange file)."""
    hashed = hash_list(lst, key)
    rows = [{"domain_hash": r.domain, "status": _value(r, "status")} for r in hashed.records]
    report = ShareReport(columns=list(HASH_COLUMNS), rows=len(rows), held_back=_held_back(lst, HASH_ROLES),
                         dropped=len(lst.records) - len(rows))
    _tell_status(report, lst, sum(map(_unknown_status, hashed.records)))
    report.path = str(write_csv(path, rows, HASH_COLUMNS))
    return report


def _held_back(lst: AccountList, sent: Sequence[str]) -> list[str]:
    """The list's fields a file leaves out: roles with a column or a value, then extra columns.

    A sent name that is a role is the role's value, so an extra column spelt like it is held back.
    """
    roles = [role for role in ROLES if role not in sent and
             (role in lst.columns or any(_value(r, role) for r in lst.records))]
    sent_extras = set(sent) - set(ROLES)
    return roles + sorted({k for r in lst.records for k in r.extra} - sent_extras)


def _unknown_status(rec: Record) -> bool:
    """The account has a status word, but not one acctmap knows (it is sent blank)."""
    return rec.status is None and bool(rec.raw_status)


def _tell_status(report: ShareReport, lst: AccountList, unknown: int) -> None:
    """The status is sent: note the accounts sent blank and the status column's problems (the
    words not known, by file, row and column, as `acctmap match` names them)."""
    column = lst.columns.get("status")
    report.unknown_status = unknown
    report.status_problems = [p for p in lst.problems if column and p.column == column]
