"""Save and load a `Session` as TOML (schema 1), atomically, with a recovery file for autosave.

The file follows model.py: top-level facts (who, when), then [agenda], [thresholds], [scoring],
[[sources]], [[fields]] and one [[accounts]] table per candidate pair with its [accounts.match],
[accounts.ours] and [accounts.theirs] sub-tables. TOML has no null, so a None value is left out
and comes back as None. Keys a person leaves out of a hand-written file take their defaults;
a value of the wrong type is an error that names the field (and the account).
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, NoReturn

from acctmap_tui.core import toml_io
from acctmap_tui.core.bulk import paused_gc
from acctmap_tui.core.model import (
    ACCEPTED,
    ACTION_STATUSES,
    CATEGORY_BY_KEY,
    DECISIONS,
    MANUAL,
    METHODS,
    SIDES,
    STATUSES,
    Account,
    Agenda,
    Factor,
    FieldInfo,
    MatchInfo,
    Problem,
    Record,
    Scoring,
    Session,
    SessionError,
    Source,
    Thresholds,
    quarter,
    utcnow,
)

SCHEMA = 1
SESSION_SIDE = "session"  # FieldInfo.side for fields made on the call
RECOVERY_SUFFIX = ".recovery.toml"


# --- writing ----------------------------------------------------------------------------------


def _utc(value: datetime) -> datetime:
    """An aware UTC datetime (a naive one is taken to be UTC already)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _put(table: dict[str, Any], key: str, value: Any) -> None:
    """Set a key unless the value is None (TOML has no null) or an empty mapping (noise)."""
    if value is None or (isinstance(value, dict) and not value):
        return
    table[key] = value


def _record_table(rec: Record, inline: Callable[[Any], Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"name": rec.name, "domain": rec.domain}
    _put(out, "status", rec.status)
    out.update(raw_status=rec.raw_status, owner=rec.owner, raw_domain=rec.raw_domain,
               name_key=rec.name_key, rows=inline(list(rec.rows)), hashed=rec.hashed)
    if rec.extra:
        out["extra"] = inline(dict(rec.extra))
    return out


def _account_table(acc: Account, inline: Callable[[Any], Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"key": acc.key}
    _put(out, "category", acc.category)
    out["category_manual"] = acc.category_manual
    if acc.scores:
        out["scores"] = inline(dict(acc.scores))
    out["priority"] = acc.priority
    out.update(owner=acc.owner, next_action=acc.next_action)
    _put(out, "due", acc.due)
    out.update(notes=acc.notes, action_status=acc.action_status, carried=acc.carried)
    out["match"] = inline({"method": acc.match.method, "score": float(acc.match.score),
                           "decision": acc.match.decision, "flags": list(acc.match.flags)})
    out["ours"] = _record_table(acc.ours, inline)
    out["theirs"] = _record_table(acc.theirs, inline)
    return out


def _document(session: Session, inline: Callable[[Any], Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {"schema": SCHEMA, "title": session.title, "ours": session.ours,
                           "partner": session.partner, "created": _utc(session.created)}
    _put(doc, "saved", _utc(session.saved) if session.saved else None)
    doc["date"] = session.date
    doc["icp_notes"] = session.icp_notes
    agenda: dict[str, Any] = {
        "phases": inline([[key, minutes] for key, minutes in session.agenda.phases]),
        "current": session.agenda.current,
    }
    if session.agenda.elapsed_s:
        agenda["elapsed_s"] = inline({k: float(v) for k, v in session.agenda.elapsed_s.items()})
    doc["agenda"] = agenda
    t = session.thresholds
    doc["thresholds"] = {"auto_accept": float(t.auto_accept), "review": float(t.review),
                         "close_gap": float(t.close_gap), "names_differ": float(t.names_differ)}
    doc["scoring"] = {
        "top_n": session.scoring.top_n,
        "factors": [{"key": f.key, "label": f.label, "weight": f.weight,
                     "levels": inline(list(f.levels))} for f in session.scoring.factors],
    }
    sources = []
    for s in session.sources:
        src: dict[str, Any] = {"side": s.side, "company": s.company, "path": s.path,
                               "sha256": s.sha256, "rows": s.rows, "accounts": s.accounts,
                               "hashed": s.hashed}
        if s.columns:
            src["columns"] = inline(dict(s.columns))
        if s.status_map:
            src["status_map"] = inline(dict(s.status_map))
        src["problems"] = inline(list(s.problems))
        sources.append(src)
    doc["sources"] = sources
    doc["fields"] = [{"side": f.side, "name": f.name, "column": f.column, "shareable": f.shareable}
                     for f in session.fields]
    doc["accounts"] = [_account_table(a, inline) for a in session.accounts]
    return doc


def to_toml(session: Session) -> str:
    """The session as TOML text (schema 1)."""
    with paused_gc():
        return toml_io.dumps(_document(session, toml_io.inline))


def _atomic_write(data: bytes, path: Path) -> None:
    """Write via a temp file in the same folder + os.replace: a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write(session: Session, path: Path) -> None:
    try:
        data = to_toml(session).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise SessionError(_problem(str(path), f"cannot write the session: {exc}")) from exc
    try:
        _atomic_write(data, path)
    except OSError as exc:
        raise SessionError(_problem(str(path), f"cannot write: {exc.strerror or exc}")) from exc


def save(session: Session, path: str | Path) -> Path:
    """Save atomically (the old file stays intact if anything fails); sets `session.saved`."""
    path = Path(path)
    before = session.saved
    session.saved = utcnow()
    try:
        _write(session, path)
    except BaseException:
        session.saved = before
        raise
    return path


def recovery_path(path: str | Path) -> Path:
    """Where autosave writes for a session file: sessions/x.toml -> sessions/.x.recovery.toml."""
    path = Path(path)
    return path.with_name(f".{path.stem}{RECOVERY_SUFFIX}")


def write_recovery(session: Session, path: str | Path) -> Path:
    """Autosave: write the session's recovery file (atomically); `session.saved` is untouched."""
    target = recovery_path(path)
    _write(session, target)
    return target


def newer_recovery(path: str | Path) -> Path | None:
    """The recovery file of a session when it is newer than the session file (unsaved work)."""
    path = Path(path)
    rec = recovery_path(path)
    try:
        rec_mtime = rec.stat().st_mtime_ns
    except OSError:
        return None
    try:
        return rec if rec_mtime > path.stat().st_mtime_ns else None
    except OSError:
        return rec  # never saved under its name: the recovery file is all there is


# --- reading ----------------------------------------------------------------------------------


def _problem(file: str, message: str) -> Problem:
    return Problem(file=file, row=None, column=None, message=message, level="error")


_REQUIRED = object()
_LINE_RE = re.compile(r"\(at line (\d+), column (\d+)\)")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class _Reader:
    """Turns the parsed TOML into model objects, naming the field when a value is wrong."""

    def __init__(self, path: str, text: str):
        self.path = path
        # line of each [[accounts]] header, to point at the account in error messages
        self.account_lines = [i for i, line in enumerate(text.splitlines(), start=1)
                              if line.strip() == "[[accounts]]"]

    def fail(self, where: str, message: str) -> NoReturn:
        raise SessionError(_problem(self.path, f"{where}: {message}" if where else message))

    def where_account(self, index: int, n_accounts: int) -> str:
        where = f"account {index + 1}"
        if len(self.account_lines) == n_accounts:
            where += f" (line {self.account_lines[index]})"
        return where

    def get(self, table: dict, key: str, kind: str, where: str, default: Any = _REQUIRED) -> Any:
        """table[key] checked against `kind`; `default` when the key is missing."""
        label = f"{where}, field {key!r}" if where else f"field {key!r}"
        if key not in table:
            if default is _REQUIRED:
                self.fail(label, "missing")
            return default
        value = table[key]
        ok, value = _convert(kind, value)
        if not ok:
            self.fail(label, f"expected {_KIND_WORDS[kind]}, got {_show(table[key])}")
        return value

    def choice(self, table: dict, key: str, allowed: tuple, where: str, default: Any = _REQUIRED,
               optional: bool = False) -> Any:
        value = self.get(table, key, "str", where, default)
        if value is None and optional:
            return None
        if value not in allowed:
            label = f"{where}, field {key!r}" if where else f"field {key!r}"
            self.fail(label, f"{value!r} is not one of {', '.join(map(repr, allowed))}")
        return value

    def table(self, table: dict, key: str, where: str) -> dict:
        value = table.get(key, {})
        if not isinstance(value, dict):
            self.fail(where, f"{key!r} should be a table, got {_show(value)}")
        return value

    def tables(self, table: dict, key: str, where: str = "") -> list[dict]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            label = f"{where}, field {key!r}" if where else f"field {key!r}"
            self.fail(label, "expected a list of tables")
        return value


_KIND_WORDS = {
    "str": "text", "int": "a whole number", "float": "a number", "bool": "true or false",
    "date": "a date (YYYY-MM-DD)", "datetime": "a date and time", "strs": "a list of texts",
    "ints": "a list of whole numbers", "str_map": "a table of texts",
    "int_map": "a table of whole numbers", "float_map": "a table of numbers",
}


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _convert(kind: str, v: Any) -> tuple[bool, Any]:
    if kind == "str":
        return isinstance(v, str), v
    if kind == "int":
        return _is_int(v), v
    if kind == "float":
        return _is_num(v), float(v) if _is_num(v) else v
    if kind == "bool":
        return isinstance(v, bool), v
    if kind == "date":
        if isinstance(v, datetime):
            return True, v.date()
        return isinstance(v, date), v
    if kind == "datetime":
        if isinstance(v, datetime):
            return True, _utc(v)
        if isinstance(v, date):
            return True, datetime(v.year, v.month, v.day, tzinfo=timezone.utc)
        return False, v
    if kind == "strs":
        return isinstance(v, list) and all(isinstance(x, str) for x in v), v
    if kind == "ints":
        return isinstance(v, list) and all(_is_int(x) for x in v), v
    if kind == "str_map":
        return isinstance(v, dict) and all(isinstance(x, str) for x in v.values()), v
    if kind == "int_map":
        return isinstance(v, dict) and all(_is_int(x) for x in v.values()), v
    if kind == "float_map":
        ok = isinstance(v, dict) and all(_is_num(x) for x in v.values())
        return ok, {k: float(x) for k, x in v.items()} if ok else v
    raise AssertionError(kind)


def _read_record(r: _Reader, t: dict, where: str) -> Record:
    return Record(
        name=r.get(t, "name", "str", where, ""),
        domain=r.get(t, "domain", "str", where, ""),
        status=r.choice(t, "status", STATUSES, where, None, optional=True),
        raw_status=r.get(t, "raw_status", "str", where, ""),
        owner=r.get(t, "owner", "str", where, ""),
        raw_domain=r.get(t, "raw_domain", "str", where, ""),
        name_key=r.get(t, "name_key", "str", where, ""),
        extra=dict(r.get(t, "extra", "str_map", where, {})),
        rows=list(r.get(t, "rows", "ints", where, [])),
        hashed=r.get(t, "hashed", "bool", where, False),
    )


def _read_account(r: _Reader, t: dict, where: str) -> Account:
    m = r.table(t, "match", where)
    mw = f"{where}, match"
    # An account written by hand without a [accounts.match] table was paired by a person.
    match = MatchInfo(
        method=r.choice(m, "method", METHODS, mw, MANUAL),
        score=r.get(m, "score", "float", mw, 100.0),
        decision=r.choice(m, "decision", DECISIONS, mw, ACCEPTED),
        flags=list(r.get(m, "flags", "strs", mw, [])),
    )
    return Account(
        ours=_read_record(r, r.table(t, "ours", where), f"{where}, ours"),
        theirs=_read_record(r, r.table(t, "theirs", where), f"{where}, theirs"),
        match=match,
        category=r.choice(t, "category", tuple(CATEGORY_BY_KEY), where, None, optional=True),
        category_manual=r.get(t, "category_manual", "bool", where, False),
        scores=dict(r.get(t, "scores", "int_map", where, {})),
        priority=r.get(t, "priority", "int", where, 0),
        owner=r.get(t, "owner", "str", where, ""),
        next_action=r.get(t, "next_action", "str", where, ""),
        due=r.get(t, "due", "date", where, None),
        notes=r.get(t, "notes", "str", where, ""),
        action_status=r.choice(t, "action_status", ACTION_STATUSES, where, ACTION_STATUSES[0]),
        carried=r.get(t, "carried", "bool", where, False),
    )


def _read_phases(r: _Reader, agenda: dict) -> list[tuple[str, int]]:
    raw = agenda.get("phases")
    if raw is None:
        return Agenda().phases
    ok = isinstance(raw, list) and all(
        isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) and _is_int(p[1]) for p in raw
    )
    if not ok:
        r.fail("agenda, field 'phases'", 'expected a list of ["phase", minutes] pairs')
    return [(p[0], p[1]) for p in raw]


def _check_schema(r: _Reader, doc: dict) -> None:
    if "schema" not in doc:
        r.fail("", "not an acctmap session: no schema number (expected schema = 1 at the top)")
    schema = doc["schema"]
    if not _is_int(schema):
        r.fail("field 'schema'", f"expected a whole number, got {_show(schema)}")
    if schema > SCHEMA:
        r.fail("", f"written by a newer acctmap (schema {schema}; this version reads schema "
                   f"{SCHEMA}): upgrade acctmap to open it")
    if schema < 1:
        r.fail("", f"unknown session schema {schema} (this version reads schema {SCHEMA})")


def _session(r: _Reader, doc: dict) -> Session:
    _check_schema(r, doc)
    agenda_t = r.table(doc, "agenda", "")
    agenda = Agenda(
        phases=_read_phases(r, agenda_t),
        current=r.get(agenda_t, "current", "str", "agenda", Agenda().current),
        elapsed_s=dict(r.get(agenda_t, "elapsed_s", "float_map", "agenda", {})),
    )
    th_t, base = r.table(doc, "thresholds", ""), Thresholds()
    thresholds = Thresholds(**{
        k: r.get(th_t, k, "float", "thresholds", getattr(base, k))
        for k in ("auto_accept", "review", "close_gap", "names_differ")
    })
    sc_t = r.table(doc, "scoring", "")
    scoring = Scoring(top_n=r.get(sc_t, "top_n", "int", "scoring", Scoring().top_n))
    if "factors" in sc_t:
        scoring.factors = []
        for i, f in enumerate(r.tables(sc_t, "factors", "scoring")):
            w = f"scoring, factor {i + 1}"
            scoring.factors.append(Factor(
                key=r.get(f, "key", "str", w), label=r.get(f, "label", "str", w, f.get("key", "")),
                weight=r.get(f, "weight", "int", w, 1), levels=list(r.get(f, "levels", "strs", w)),
            ))
    sources = []
    for i, s in enumerate(r.tables(doc, "sources")):
        w = f"source {i + 1}"
        sources.append(Source(
            side=r.choice(s, "side", SIDES, w), company=r.get(s, "company", "str", w, ""),
            path=r.get(s, "path", "str", w, ""), sha256=r.get(s, "sha256", "str", w, ""),
            rows=r.get(s, "rows", "int", w, 0), accounts=r.get(s, "accounts", "int", w, 0),
            columns=dict(r.get(s, "columns", "str_map", w, {})),
            problems=list(r.get(s, "problems", "strs", w, [])),
            hashed=r.get(s, "hashed", "bool", w, False),
            status_map=dict(r.get(s, "status_map", "str_map", w, {})),
        ))
    fields = []
    for i, f in enumerate(r.tables(doc, "fields")):
        w = f"field {i + 1}"
        fields.append(FieldInfo(
            side=r.choice(f, "side", (*SIDES, SESSION_SIDE), w), name=r.get(f, "name", "str", w),
            column=r.get(f, "column", "str", w, ""),
            shareable=r.get(f, "shareable", "bool", w, False),
        ))
    raw_accounts = r.tables(doc, "accounts")
    accounts = [_read_account(r, t, r.where_account(i, len(raw_accounts)))
                for i, t in enumerate(raw_accounts)]
    created = r.get(doc, "created", "datetime", "", None)
    return Session(
        ours=r.get(doc, "ours", "str", "", ""),
        partner=r.get(doc, "partner", "str", "", ""),
        title=r.get(doc, "title", "str", "", ""),
        schema=SCHEMA,
        created=created if created is not None else utcnow(),
        saved=r.get(doc, "saved", "datetime", "", None),
        date=r.get(doc, "date", "date", "", None) or date.today(),
        agenda=agenda,
        sources=sources,
        fields=fields,
        scoring=scoring,
        thresholds=thresholds,
        icp_notes=r.get(doc, "icp_notes", "str", "", ""),
        accounts=accounts,
    )


def from_toml(text: str, path: str = "<session>") -> Session:
    """Parse session TOML; a SessionError names the file and the line or field that is wrong."""
    text = text.removeprefix("\ufeff")
    try:
        with paused_gc():
            doc = toml_io.loads(text)
    except toml_io.TOMLDecodeError as exc:
        raise SessionError(_problem(path, _decode_message(exc))) from exc
    with paused_gc():
        return _session(_Reader(path, text), doc)


def _decode_message(exc: toml_io.TOMLDecodeError) -> str:
    lineno, colno = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    msg = getattr(exc, "msg", None)
    if lineno is None:  # Python < 3.14 puts the position in the message text only
        found = _LINE_RE.search(str(exc))
        if found:
            lineno, colno = int(found.group(1)), int(found.group(2))
        msg = _LINE_RE.sub("", str(exc)).strip()
    where = f"line {lineno}, column {colno}: " if lineno else ""
    return f"{where}not valid TOML ({msg})"


def load(path: str | Path) -> Session:
    """Read a session file; SessionError for a missing, unreadable, corrupt or too-new file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SessionError(_problem(str(path), "no such session file")) from None
    except OSError as exc:
        raise SessionError(_problem(str(path), f"cannot read: {exc.strerror or exc}")) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SessionError(_problem(str(path), f"line {line}: not UTF-8 text")) from None
    return from_toml(text, str(path))


# --- names and folders ------------------------------------------------------------------------


def slugify(text: str) -> str:
    """'Northwind Traders, Inc.' -> 'northwind-traders-inc' (ASCII, lowercase, dashes)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def suggest_filename(session: Session) -> str:
    """A file name for a new session: '2026-Q4-northwind-globex.toml'."""
    parts = [p for p in (quarter(session.date), slugify(session.ours), slugify(session.partner)) if p]
    if len(parts) == 1:
        parts.append("session")
    return "-".join(parts) + ".toml"


@dataclass
class SessionInfo:
    """One row of the session picker: what a file holds, or why it cannot be opened."""

    path: Path
    title: str = ""
    ours: str = ""
    partner: str = ""
    date: date | None = None
    saved: datetime | None = None
    accounts: int = 0  # candidate pairs in the file
    overlap: int = 0
    review: int = 0
    per_category: dict[str, int] = field(default_factory=dict)
    error: str = ""  # set when the file could not be loaded
    modified: datetime | None = None  # file mtime (UTC)


def _info(path: Path) -> SessionInfo:
    info = SessionInfo(path=path)
    try:
        info.modified = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
        s = load(path)
    except (SessionError, OSError) as exc:
        info.error = str(exc)
        return info
    return describe(path, s, info.modified)


def describe(path: Path, s: Session, modified: datetime | None = None) -> SessionInfo:
    """The picker's row for a session already loaded from `path`."""
    info = SessionInfo(path=path, modified=modified)
    info.title, info.ours, info.partner = s.title, s.ours, s.partner
    info.date, info.saved = s.date, s.saved
    info.accounts = len(s.accounts)
    overlap = s.overlap()
    info.overlap = len(overlap)
    info.review = len(s.review_queue())
    for a in overlap:
        if a.category:
            info.per_category[a.category] = info.per_category.get(a.category, 0) + 1
    return info


def list_sessions(folder: str | Path) -> list[SessionInfo]:
    """The session files in a folder, newest call first; unreadable ones listed with their error."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return newest_first([_info(p) for p in session_files(folder)])


def session_files(folder: Path) -> list[Path]:
    """The saved sessions in a folder (not recovery files, which start with a dot)."""
    return [p for p in folder.glob("*.toml")
            if p.is_file() and not p.name.startswith(".") and not p.name.endswith(RECOVERY_SUFFIX)]


def newest_first(infos: list[SessionInfo]) -> list[SessionInfo]:
    """Picker rows in call order, newest first."""
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)

    def newest(i: SessionInfo) -> tuple:
        when = i.saved or i.modified or epoch
        return (i.date or when.date(), when, i.path.name)

    return sorted(infos, key=newest, reverse=True)
