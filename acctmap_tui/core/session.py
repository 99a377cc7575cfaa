"""Save and load a `Session` as TOML (schema 1), atomically, with a recovery file for autosave.

The file follows model.py: top-level facts (who, when), then [agenda], [thresholds], [scoring],
[[sources]], [[fields]] and one [[accounts]] table per candidate pair with its [accounts.match],
[accounts.ours] and [accounts.theirs] sub-tables. TOML has no null, so a None value is left out
and comes back as None. Keys a person leaves out of a hand-written file take their defaults;
a value of the wrong type, or a field this version does not know (it would be lost at the next
save), is an error that names the field, its line and the account.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import hashlib
import math
import operator
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, NoReturn

from acctmap_tui.core import atomic, bulk, parse_cache, toml_io
from acctmap_tui.core.bulk import keep_out_of_collector, paused_gc
from acctmap_tui.core.model import (
    ACCEPTED,
    ACTION_STATUSES,
    CATEGORY_BY_KEY,
    DECISIONS,
    MANUAL,
    MAX_LEVELS,
    MAX_WEIGHT,
    METHODS,
    PHASE_LABELS,
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
    quoted,
    utcnow,
)
from acctmap_tui.core.normalize import NAME_KEY_VERSION, domain_key_version, name_keys, record_domain

SCHEMA = 1
SESSION_SIDE = "session"  # FieldInfo.side for fields made on the call
RECOVERY_SUFFIX = atomic.RECOVERY_SUFFIX  # named in core.atomic, whose writes clean its stale temps
UNSAVED_PREFIX = ".unsaved-"  # recovery file of a session never saved: .unsaved-<session id>.recovery.toml
SESSION_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")  # it becomes part of a file name
SCORE_MIN, SCORE_MAX = 0.0, 100.0  # match scores and thresholds (rapidfuzz refuses a cutoff outside)
MAX_NESTING = 64  # arrays and inline tables deeper than this are not a session (and would recurse)


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


# An account in a snapshot: these values, then its scores, match, and each record's values, rows
# and extra columns, every list and table copied to a tuple (see _account_values).
_ACCOUNT_VALUES = operator.attrgetter("key", "category", "category_manual", "priority", "owner",
                                      "next_action", "due", "notes", "action_status", "carried")
_RECORD_VALUES = operator.attrgetter("name", "domain", "status", "raw_status", "owner",
                                     "raw_domain", "name_key", "hashed")


def _account_values(acc: Account) -> tuple:
    """An account as plain values, independent of the live objects (what a snapshot keeps).

    Tables are copied as dicts: a copy of a dict of texts or numbers is not tracked by the cycle
    collector, which walks every tuple made here once more when the snapshot is done."""
    m, ours, theirs = acc.match, acc.ours, acc.theirs
    return (_ACCOUNT_VALUES(acc), acc.scores.copy(), (m.method, m.score, m.decision, tuple(m.flags)),
            _RECORD_VALUES(ours), tuple(ours.rows), ours.extra.copy(),
            _RECORD_VALUES(theirs), tuple(theirs.rows), theirs.extra.copy())


def _inline_or_table(key: str, value: Any, table: str) -> tuple[str, str]:
    """(line, table): `key = {...}` on one line when it fits; else a [table.key] table written
    after the plain values (a table) or an array over several lines (a list), as toml_io.dumps
    lays out an inline value."""
    line = toml_io.one_line(value)
    if line is not None:
        return f"{key} = {line}\n", ""
    if isinstance(value, dict):
        return "", "\n" + toml_io.table(value, f"{table}.{key}")
    return f"{key} = {toml_io.value(value)}\n", ""


def _table_writer(header: str, layout: tuple[tuple[str, bool], ...], shape: tuple[bool, ...],
                  quoted: bool) -> Callable[..., str]:
    """A function of a table's fields (`layout` order) returning its text: a text field (True in
    layout) as `name = "value"` where `shape` says it is written (quotes left to the caller when
    not `quoted`), any other field as given, whole lines made by the caller ("" when left out).

    One compiled f-string per table and set of fields written (nearly all of a session uses a
    handful): a third of the time of `str.format`, a fifth of appending line by line. Only field
    names and indexes are compiled; values stay values.
    """
    write = _WRITERS.get((header, shape, quoted))
    if write is None:
        present = iter(shape)
        quote = '"' if quoted else ""
        template = [header.replace("{", "{{").replace("}", "}}")]
        for i, (name, is_text) in enumerate(layout):
            if not is_text:
                template.append(f"{{v[{i}]}}")
            elif next(present):
                template.append(f"{name} = {quote}{{v[{i}]}}{quote}\n")
        write = eval("lambda *v: f" + repr("".join(template)))  # noqa: S307 - from constants
        _WRITERS[header, shape, quoted] = write
    return write


_WRITERS: dict[tuple[str, tuple[bool, ...], bool], Callable[..., str]] = {}


# The fields of a table in the order written; True for a text (see _table_writer).
_ACCOUNT_LAYOUT = (("key", True), ("category", True), ("category_manual", False), ("scores", False),
                   ("priority", False), ("owner", True), ("next_action", True), ("due", False),
                   ("notes", True), ("action_status", True), ("carried", False), ("match", False))
_RECORD_LAYOUT = (("name", True), ("domain", True), ("status", True), ("raw_status", True),
                  ("owner", True), ("raw_domain", True), ("name_key", True), ("rows", False),
                  ("hashed", False), ("extra", False))
_INLINE_MAX = toml_io.INLINE_MAX


def _extra_writers(table: str, keys: tuple[str, ...]) -> tuple[Callable[..., str], Callable[..., str]]:
    """Functions of the texts of a record's extra columns (`keys`, in order, values needing no
    escape): the `extra = { ... }` line, and the `[table.extra]` table written when that line
    is too long. One compiled f-string each per set of columns: every record of a list has the
    same (a wide export's 30 columns took most of the save as key-by-key formatting)."""
    writers = _EXTRA_WRITERS.get((table, keys))
    if writers is None:
        names = [toml_io.key(k).replace("{", "{{").replace("}", "}}") for k in keys]
        pairs = [f'{name} = "{{v[{i}]}}"' for i, name in enumerate(names)]
        header = f"[{table}.extra]".replace("{", "{{").replace("}", "}}")
        writers = (eval("lambda *v: f" + repr("extra = {{ " + ", ".join(pairs) + " }}\n")),  # noqa: S307
                   eval("lambda *v: f" + repr(f"\n{header}\n" + "\n".join(pairs) + "\n")))  # noqa: S307
        if len(_EXTRA_WRITERS) < 256:
            _EXTRA_WRITERS[table, keys] = writers
    return writers


_EXTRA_WRITERS: dict[tuple[str, tuple[str, ...]], tuple[Callable[..., str], Callable[..., str]]] = {}


def _record_text(table: str, values: tuple, rows: tuple, extra: dict, clean: bool) -> str:
    """One [accounts.ours] / [accounts.theirs] table; a value at its default is left out."""
    name, domain, status, raw_status, owner, raw_domain, name_key, hashed = values
    shape = (True, True, status is not None, bool(raw_status), bool(owner), bool(raw_domain),
             bool(name_key))
    if clean:
        texts = values[:7]
    else:
        s = toml_io.string
        texts = [s(v) if written else "" for v, written in zip(values[:7], shape)]
    if not rows:
        rows_line = ""
    elif len(rows) == 1 and type(rows[0]) is int:  # nearly every record: one source row
        rows_line = f"rows = [{rows[0]}]\n"
    else:
        rows_line, _ = _inline_or_table("rows", list(rows), table)
    extra_line = extra_table = ""
    if extra:
        if clean:  # its values are texts needing no escape (see _account_text)
            inline, whole = _extra_writers(table, tuple(extra))
            cells = extra.values()
            extra_line = inline(*cells)
            if len(extra_line) > _INLINE_MAX + 9:  # 9: "extra = " and the newline
                extra_line, extra_table = "", whole(*cells)  # as toml_io.table writes it
        else:
            extra_line, extra_table = _inline_or_table("extra", extra, table)
    write = _table_writer(f"\n[{table}]\n", _RECORD_LAYOUT, shape, clean)
    return write(*texts, rows_line, "hashed = true\n" if hashed else "", extra_line) + extra_table


def _account_text(values: tuple) -> str:
    """One [[accounts]] table (after a blank line) from `_account_values`; a field equal to its
    default is left out (a 50,000-row session reads back about a fifth faster, and a diff shows
    only what was set). Written directly, not through a document of dicts, with one escape check
    for all the account's texts and one format per set of fields written: 21,000 accounts take
    about a quarter of the time `toml_io.dumps` takes."""
    (key, category, manual, priority, owner, next_action, due, notes, action_status,
     carried), scores, (method, score, decision, flags), ours, ours_rows, ours_extra, \
        theirs, theirs_rows, theirs_extra = values
    # Nearly always clean: every text needs no escape, so each is written as is between quotes
    # (joining them also proves they are all str: the careful path names anything else).
    try:
        joined = "".join([
            key, category or "", owner, next_action, notes, action_status, method, decision,
            *ours[:2], ours[2] or "", *ours[3:7], *theirs[:2], theirs[2] or "", *theirs[3:7],
            *flags, *ours_extra.values(), *theirs_extra.values()])
    except TypeError:  # a value that is not text: the careful path names it
        clean = False
    else:  # no control character, quote or backslash (twice as fast as an escape regex)
        clean = joined.isprintable() and '"' not in joined and "\\" not in joined
    shape = (True, category is not None, bool(owner), bool(next_action), bool(notes),
             action_status != ACTION_STATUSES[0])
    texts = (key, category, owner, next_action, notes, action_status)
    if not clean:
        s = toml_io.string
        texts = tuple(s(v) if written else "" for v, written in zip(texts, shape))
    scores_line = scores_table = match_line = match_table = ""
    if scores:
        scores_line, scores_table = _inline_or_table("scores", scores, "accounts")
    if clean:  # flags included (a review pair has two or three: the table below, most often)
        score_text = repr(float(score))
        flags_line = (", flags = [" + ", ".join([f'"{f}"' for f in flags]) + "]") if flags else ""
        match_line = (f'match = {{ method = "{method}", score = {score_text}, '
                      f'decision = "{decision}"{flags_line} }}\n')
        if len(match_line) > _INLINE_MAX + 9:  # 9: "match = " and the newline
            match_line = ""
            match_table = (f'\n[accounts.match]\nmethod = "{method}"\nscore = {score_text}\n'
                           f'decision = "{decision}"\n')
            if flags:
                match_table += f"flags = {toml_io.value(list(flags))}\n"
    if not match_line and not match_table:
        match = {"method": method, "score": float(score), "decision": decision}
        if flags:
            match["flags"] = list(flags)
        match_line, match_table = _inline_or_table("match", match, "accounts")
    write = _table_writer("\n[[accounts]]\n", _ACCOUNT_LAYOUT, shape, clean)
    return (write(texts[0], texts[1], "category_manual = true\n" if manual else "", scores_line,
                  f"priority = {toml_io.value(priority)}\n" if priority else "", texts[2], texts[3],
                  f"due = {toml_io.value(due)}\n" if due is not None else "", texts[4], texts[5],
                  "carried = true\n" if carried else "", match_line)
            + scores_table + match_table
            + _record_text("accounts.ours", ours, ours_rows, ours_extra, clean)
            + _record_text("accounts.theirs", theirs, theirs_rows, theirs_extra, clean))


def _document(session: Session, inline: Callable[[Any], Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {"schema": SCHEMA, "name_key_version": NAME_KEY_VERSION,
                           "domain_key_version": domain_key_version(),
                           "session_id": session.session_id,
                           "title": session.title, "ours": session.ours,
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
    if not session.accounts:
        doc["accounts"] = []  # the accounts themselves are written by _account_text
    return doc


@dataclass
class Snapshot:
    """A session frozen as plain data, independent of the live objects: the TOML document of
    everything but the accounts, and each account's plain values (`_account_values`).

    Take it on the thread that edits the session (about 0.1 s for 21,423 accounts; in steps
    with `snapshot_in_steps`); `to_bytes` and `write_snapshot` may then run in any thread while the
    session keeps changing.
    """

    doc: dict[str, Any]
    accounts: list[tuple]
    session_id: str

    def to_bytes(self) -> bytes:
        with paused_gc():
            text = toml_io.dumps(self.doc) + "".join(_account_texts(self.accounts))
            return text.encode("utf-8")


# account key -> (its values, its text) as last written: see _account_texts
_LAST_WRITTEN: dict[str, tuple[tuple, str]] = {}


def _account_texts(accounts: list[tuple]) -> list[str]:
    """Each account's text (`_account_text`), the text written last time reused for an account
    whose values are equal (a text depends on nothing else): after an edit, ctrl+s or an
    autosave writes one account anew, not 21,000 (0.7 -> 0.3 s at 50k). Only the accounts of
    this write are kept for the next."""
    global _LAST_WRITTEN
    last, kept, out = _LAST_WRITTEN, {}, []
    for values in accounts:
        key = values[0][0]
        before = last.get(key)
        text = before[1] if before is not None and before[0] == values else _account_text(values)
        kept[key] = (values, text)
        out.append(text)
    _LAST_WRITTEN = kept
    return out


AHEAD_ACCOUNTS = 2_000  # sessions this big have their account texts made ahead (`texts_ahead`)
AHEAD_CHUNK = 300  # accounts a step of `texts_ahead` (about 8 ms at 50k rows)


def texts_ahead(accounts: list[Account], chunk: int | None = None) -> Iterator[int]:
    """Make each account's text ahead of the first save, which reuses it (`_account_texts`): a
    step at a time, `chunk` accounts each, yielding how many are made so far. The app runs a
    step between its events once a big session is open: its first ctrl+s then writes only the
    accounts changed since, or not made yet (at 50k rows, a text for each of 21,423 accounts
    took 0.22-0.43 s of that save). Nothing when a save made this session's texts (those of
    another session are let go); the steps stop when a save comes.

    An entry holds the values its text was made from, and a save reuses it only for equal
    values: an account edited after its step is written anew. A value that cannot be written
    ends the steps (the save says which)."""
    global _LAST_WRITTEN
    accounts, chunk = list(accounts), chunk or AHEAD_CHUNK
    if not accounts or accounts[0].key in _LAST_WRITTEN:  # a save made this session's texts
        return
    made: dict[str, tuple[tuple, str]] = {}
    _LAST_WRITTEN = made  # a save before the last step reuses what is made
    for start in range(0, len(accounts), chunk):
        if _LAST_WRITTEN is not made:  # a save wrote them all
            return
        try:
            for values in map(_account_values, accounts[start:start + chunk]):
                made[values[0][0]] = (values, _account_text(values))
        except (TypeError, ValueError):
            return
        yield len(made)


def snapshot(session: Session, path: str | Path | None = None) -> Snapshot:
    """The session as plain data; with `path`, source paths are stored to resolve from that file."""
    *_, snap = snapshot_in_steps(session, path, step=max(len(session.accounts), 1))
    assert snap is not None
    return snap


SNAPSHOT_STEP = 1_000  # accounts a step of `snapshot_in_steps` copies: about 10 ms


def snapshot_in_steps(session: Session, path: str | Path | None = None, step: int | None = None
                      ) -> Iterator[Snapshot | None]:
    """`snapshot`, `step` accounts (SNAPSHOT_STEP) at a time, for a caller that lets other work
    run between the steps (the app's autosave): None after each step but the last, then the
    Snapshot. It is the session's only if the session did not change between the steps: the
    caller checks."""
    step = step or SNAPSHOT_STEP
    accounts: list[Account] = session.accounts
    values: list[tuple] = []
    for start in range(0, len(accounts), step):
        if start:
            yield None
        with paused_gc():
            values.extend(map(_account_values, accounts[start:start + step]))
    if path is not None:
        session = _with_stored_paths(session, Path(path))
    with paused_gc():
        yield Snapshot(_document(session, toml_io.inline), values, session.session_id)


def to_toml(session: Session) -> str:
    """The session as TOML text (schema 1)."""
    return snapshot(session).to_bytes().decode("utf-8")


def write_snapshot(snap: Snapshot, path: str | Path, *, session_file: bool = False) -> Path:
    """Write a snapshot to `path` atomically (see core.atomic); SessionError names the file.
    A session file (not a recovery copy) is parsed and kept for its next open (core.parse_cache)."""
    return _write(snap.to_bytes, Path(path), session_file)


def _write(text: Callable[[], bytes], path: Path, session_file: bool) -> Path:
    try:
        data = text()
    except (TypeError, ValueError) as exc:
        raise SessionError(_problem(str(path), f"cannot write the session: {exc}")) from exc
    try:
        atomic.write_bytes(path, data)
    except OSError as exc:
        raise SessionError(_problem(str(path), f"cannot write: {exc.strerror or exc}")) from exc
    if session_file:
        parse_cache.keep_later(path, data)
    return path


TWO_CORES_ACCOUNTS = 5_000  # a save of this many accounts or more writes half of them in a fork


def _accounts_bytes(accounts: list[Account]) -> bytes:
    return "".join([_account_text(_account_values(a)) for a in accounts]).encode("utf-8")


def save(session: Session, path: str | Path) -> Path:
    """Save atomically (the old file stays intact if anything fails); sets `session.saved`.

    For a command that saves once and is done (`acctmap match`): the text is made from the live
    session, with no snapshot, and a big session's accounts are written on two cores
    (`bulk.in_two_halves`; 93,526 accounts: 2.7-3.6 s, where snapshot and write took 4.3-4.8 s).
    The app saves a `snapshot` from its worker instead, while the call goes on."""
    path = Path(path)
    before = session.saved
    session.saved = utcnow()

    def text() -> bytes:
        doc = toml_io.dumps(_document(_with_stored_paths(session, path), toml_io.inline))
        return doc.encode("utf-8") + bulk.in_two_halves(_accounts_bytes, session.accounts,
                                                        least=TWO_CORES_ACCOUNTS)

    try:
        with paused_gc():  # one pause: the text is freed before the collector runs again
            _write(text, path, True)
    except BaseException:
        session.saved = before
        raise
    return path


# --- where the source lists are -----------------------------------------------------------------


def stored_path(list_path: str, session_file: Path) -> str:
    """How a list's path is written in a session file: relative to the file's folder when the list
    sits in that folder's parent tree (a project folder holding sessions/ and exports/), else
    absolute. In memory a path is as usable from the working folder (relative or absolute)."""
    if not list_path:
        return list_path
    absolute = os.path.abspath(list_path)
    try:
        relative = os.path.relpath(absolute, os.path.abspath(session_file.parent))
    except ValueError:  # another drive
        return absolute
    return relative if Path(relative).parts.count("..") <= 1 else absolute


def resolved_path(stored: str, session_file: Path) -> str:
    """A list path read from a session file, made usable from any working folder."""
    if not stored or os.path.isabs(stored):
        return stored
    return os.path.normpath(os.path.join(os.path.abspath(session_file.parent), stored))


def _with_stored_paths(session: Session, path: Path) -> Session:
    sources = [dataclasses.replace(s, path=stored_path(s.path, path)) for s in session.sources]
    return dataclasses.replace(session, sources=sources)


# --- recovery files ---------------------------------------------------------------------------


def recovery_path(path: str | Path) -> Path:
    """Where autosave writes for a session file: sessions/x.toml -> sessions/.x.recovery.toml."""
    path = Path(path)
    return path.with_name(f".{path.stem}{RECOVERY_SUFFIX}")


def unsaved_recovery_path(folder: str | Path, session_id: str) -> Path:
    """Where autosave writes for a session never saved: named by its id, never by a file name."""
    return Path(folder) / f"{UNSAVED_PREFIX}{session_id}{RECOVERY_SUFFIX}"


def recovery_file(session: Session, path: str | Path | None, folder: str | Path) -> Path:
    """The recovery file of a session: beside its file, or by id in `folder` before a first save."""
    return recovery_path(path) if path is not None else unsaved_recovery_path(folder, session.session_id)


def write_recovery(session: Session, path: str | Path) -> Path:
    """Autosave: write the session's recovery file (atomically); `session.saved` is untouched."""
    target = recovery_path(path)
    with paused_gc():
        return write_snapshot(snapshot(session, target), target)


PEEK_BYTES = 256 * 1024  # a session's top-level facts are a few hundred bytes, before its tables
PEEK_MOST = 64 * 1024 * 1024  # the most a peek reads (top-level ICP notes of megabytes)


def peek(path: str | Path) -> dict[str, Any] | None:
    """The top-level facts of a session file (session_id, ours, partner, title, saved...) without
    reading its accounts; None when the file cannot be read as a session. From a plain file only
    (a FIFO among the sessions would block the start screen), and from its first PEEK_BYTES,
    which hold the facts of any session acctmap wrote; a file whose facts are not there is read
    up to PEEK_MOST (a 300 MB file of junk is not read whole for a glance at its title)."""
    try:
        for size in (PEEK_BYTES, PEEK_MOST):
            data = atomic.read_plain_file(path, first=size + 1)
            whole = len(data) <= size
            facts = _head_facts(_decoded(data[:size], cut=not whole), whole)
            if facts is not None or whole:
                return facts
    except OSError:
        return None
    return None


def _decoded(data: bytes, cut: bool) -> str | None:
    """UTF-8 text without a byte-order mark; None when it is not UTF-8 (`cut`: the bytes may end
    inside a character)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        if not cut or err.start < len(data) - 3:
            return None
        text = data[:err.start].decode("utf-8")
    return text.removeprefix("\ufeff")


# a line that opens a table, or a multi-line string's delimiter
_HEAD_TOKEN = re.compile(r'(?m)^[ \t]*\[|"""|\'\'\'')
HEAD_TRIES = 8  # table lines outside multi-line strings tried as the head's end


def _head_facts(text: str | None, whole: bool) -> dict[str, Any] | None:
    """The top-level values of a session's text, read up to its first table. A line that starts
    with "[" inside a multi-line string (ICP notes: "[x] confirmed") is no table: the cut is
    made at a table line outside the strings (told by their delimiters, then checked by parsing
    the head: a cut that does not parse is passed over), or (`whole`: the text is the whole
    file, with no table) after all of it."""
    if text is None:
        return None
    cuts: list[int] = []
    inside = ""  # the delimiter of the multi-line string the scan is in
    for token in _HEAD_TOKEN.finditer(text):
        mark = token.group()
        if mark in ('"""', "\'\'\'"):
            inside = "" if inside == mark else inside or mark
        elif not inside:
            cuts.append(token.start())
            if len(cuts) == HEAD_TRIES:
                break
    for cut in cuts + [len(text)] * whole:
        candidate = text[:cut]
        if _too_deep(candidate) is not None:
            return None
        try:
            doc = toml_io.loads(candidate)
        except (toml_io.TOMLDecodeError, RecursionError):
            continue
        return {k: v for k, v in doc.items() if not isinstance(v, (dict, list))}
    return None


def belongs_to(recovery: str | Path, session_id: str) -> bool:
    """True when a recovery file was written by the session with this id."""
    facts = peek(recovery)
    return facts is not None and _session_id(facts, str(recovery)) == session_id


def newer_recovery(path: str | Path, session_id: str | None = None) -> Path | None:
    """The recovery file of a session file when it is newer than the file (unsaved work); else
    the newest one set aside to decide on later (`set_aside_recovery`), whatever its age.

    With `session_id`, only a recovery file written by that session counts: a file some other
    session left under the same name is not this session's work.
    """
    path = Path(path)
    rec = recovery_path(path)
    try:
        rec_mtime = rec.stat().st_mtime_ns
    except OSError:
        rec_mtime = None
    if rec_mtime is not None and (session_id is None or belongs_to(rec, session_id)):
        try:
            if rec_mtime > path.stat().st_mtime_ns:
                return rec
        except OSError:
            return rec  # never saved under its name: the recovery file is all there is
    return next((aside for aside in set_aside_recoveries(path)
                 if session_id is None or belongs_to(aside, session_id)), None)


_ASIDE_STAMP = "%Y%m%dT%H%M%S%fZ"


def set_aside_recovery(recovery: str | Path) -> Path:
    """Move a recovery file the user will decide on later out of autosave's way (the next edit's
    autosave writes the same name): `.x.recovery.toml` -> `.x.<UTC time>.recovery.toml`, offered
    again at each open until restored or discarded."""
    recovery = Path(recovery)
    stamp = datetime.now(timezone.utc).strftime(_ASIDE_STAMP)
    target = recovery.with_name(f"{recovery.name.removesuffix(RECOVERY_SUFFIX)}.{stamp}"
                                f"{RECOVERY_SUFFIX}")
    os.rename(recovery, target)
    return target


def set_aside_recoveries(path: str | Path) -> list[Path]:
    """The recovery files of a session file set aside to decide on later, newest first."""
    path = Path(path)
    name = re.compile(rf"\.{re.escape(path.stem)}\.(\d{{8}}T\d{{12}}Z){re.escape(RECOVERY_SUFFIX)}")
    try:
        found = [(m.group(1), p) for p in path.parent.iterdir() if (m := name.fullmatch(p.name))]
    except OSError:
        return []
    return [p for _, p in sorted(found, reverse=True)]


def unsaved_recoveries(folder: str | Path, ours: str, partner: str) -> list[Path]:
    """Recovery files of never-saved sessions of this partnership in `folder`, newest first.

    Starting the same two lists again (`acctmap new A B`, the demo) is a new session with a new
    id: these are the earlier, unsaved ones a crash or a kill left behind.
    """
    folder = Path(folder)
    found: list[tuple[int, Path]] = []
    try:
        candidates = list(folder.glob(f"{UNSAVED_PREFIX}*{RECOVERY_SUFFIX}"))
    except OSError:
        return []
    for rec in candidates:
        facts = peek(rec)
        if facts is None:
            continue
        same = (str(facts.get("ours", "")).casefold() == ours.casefold()
                and str(facts.get("partner", "")).casefold() == partner.casefold())
        if same:
            try:
                found.append((rec.stat().st_mtime_ns, rec))
            except OSError:
                continue
    return [rec for _, rec in sorted(found, reverse=True)]


def discard_recovery(session: Session, path: str | Path | None, folder: str | Path) -> None:
    """Remove the session's recovery files (beside its file when this session wrote it, and the
    one kept by id before its first save): discarded work is not offered again."""
    files = [unsaved_recovery_path(folder, session.session_id)]
    if path is not None:
        beside = recovery_path(path)
        if belongs_to(beside, session.session_id):
            files.append(beside)
    for rec in files:
        try:
            rec.unlink(missing_ok=True)
        except OSError:
            pass


def clean_stale_temps(path: str | Path) -> list[Path]:
    """Remove temp files a killed save of this session (or its recovery file) left behind."""
    path = Path(path)
    return atomic.clean_stale_temps(path) + atomic.clean_stale_temps(recovery_path(path))


# --- reading ----------------------------------------------------------------------------------


def _problem(file: str, message: str) -> Problem:
    return Problem(file=file, row=None, column=None, message=message, level="error")


_REQUIRED = object()
_LINE_RE = re.compile(r"\(at line (\d+), column (\d+)\)")


_HEADER_RE = re.compile(r"\s*\[(\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(?:#.*)?")
_WHERE_RE = re.compile(r"(account|source|field|scoring, factor) (\d+)(?: \(line \d+\))?(?:, (\w+))?$")
_ARRAY_OF = {"account": "accounts", "source": "sources", "field": "fields",
             "scoring, factor": "scoring.factors"}


class _Reader:
    """Turns the parsed TOML into model objects, naming the field (and its line) when a value is wrong.

    The lines and table headers of the text are found only when a message needs them.
    """

    def __init__(self, path: str, text: str):
        self.path = path
        self.text = text

    @functools.cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @functools.cached_property
    def headers(self) -> list[tuple[int, str, bool]]:
        """(line, table name, is [[array]]) of each table header."""
        found_headers = []
        for i, line in enumerate(self.lines, start=1):
            if "[" not in line:
                continue
            found = _HEADER_RE.fullmatch(line)
            if found:
                found_headers.append((i, found.group(2).replace(" ", ""), bool(found.group(1))))
        return found_headers

    @functools.cached_property
    def account_lines(self) -> list[int]:
        """The line of each [[accounts]] header, to point at the account in error messages."""
        return [i for i, name, array in self.headers if array and name == "accounts"]

    def fail(self, where: str, message: str, key: str | None = None) -> NoReturn:
        line = self.line_of(where, key) if key else None
        if key:
            where = f"{where}, field {key!r}" if where else f"field {key!r}"
        if line:
            where = re.sub(r" \(line \d+\)", "", where)
            located = f"line {line}: {where}"
        else:
            located = where
        message = f"{located}: {message}" if located else message
        raise SessionError(_problem(self.path, message),
                           f"{self.path}: {located}" if located else self.path)

    # --- finding the line of a key, for messages --------------------------------------------

    def _next_header(self, line: int) -> int:
        return next((i for i, _, _ in self.headers if i > line), len(self.lines) + 1)

    def _block(self, where: str) -> tuple[int, int] | None:
        """The lines (first, past-last) of the table a `where` label names."""
        if where in ("", "agenda", "thresholds", "scoring"):
            if not where:
                return 1, self._next_header(0)
            start = next((i for i, name, array in self.headers if name == where and not array), None)
            return None if start is None else (start, self._next_header(start))
        found = _WHERE_RE.match(where)
        if found is None:
            return None
        kind, index, sub = found.group(1), int(found.group(2)), found.group(3)
        starts = [i for i, name, array in self.headers if array and name == _ARRAY_OF[kind]]
        if index > len(starts):
            return None
        start = starts[index - 1]
        end = starts[index] if index < len(starts) else self._next_header(
            max((i for i, name, _ in self.headers if name.startswith(_ARRAY_OF[kind])), default=start))
        if sub is None:
            return start, self._next_header(start)
        sub_start = next((i for i, name, _ in self.headers
                          if start < i < end and name == f"{_ARRAY_OF[kind]}.{sub}"), None)
        if sub_start is None:  # an inline table on the parent's own lines
            return start, self._next_header(start)
        return sub_start, self._next_header(sub_start)

    def line_of(self, where: str, key: str) -> int | None:
        """The line holding `key = ...` in the table `where` names (None when not found)."""
        block = self._block(where)
        if block is None:
            return None
        pattern = re.compile(r"(?:^|[{,])\s*(?:" + re.escape(key) + r'|"' + re.escape(key) + r'")\s*=')
        for i in range(block[0], min(block[1], len(self.lines) + 1)):
            if pattern.search(self.lines[i - 1]):
                return i
        return block[0] if where else None

    def where_account(self, index: int, n_accounts: int) -> str:
        where = f"account {index + 1}"
        if len(self.account_lines) == n_accounts:
            where += f" (line {self.account_lines[index]})"
        return where

    def get(self, table: dict, key: str, kind: str, where: str, default: Any = _REQUIRED) -> Any:
        """table[key] checked against `kind`; `default` when the key is missing."""
        if key not in table:
            if default is _REQUIRED:
                self.fail(where, "missing", key)
            return default
        value = table[key]
        ok, value = _convert(kind, value)
        if not ok:
            if _has_non_finite(table[key]):
                self.fail(where, f"{quoted(table[key])} is not a usable number (inf and nan are "
                                 "not allowed)", key)
            if kind == "datetime" and isinstance(value, datetime):
                self.fail(where, f"{value.isoformat()} is out of range: in UTC it falls before "
                                 "the year 1 or after 9999", key)
            self.fail(where, f"expected {_KIND_WORDS[kind]}, got {quoted(table[key])}", key)
        return value

    def choice(self, table: dict, key: str, allowed: tuple, where: str, default: Any = _REQUIRED,
               optional: bool = False) -> Any:
        value = self.get(table, key, "str", where, default)
        if value is None and optional:
            return None
        if value not in allowed:
            self.fail(where, f"{quoted(value)} is not one of {', '.join(map(repr, allowed))}", key)
        return value

    def table(self, table: dict, key: str, where: str) -> dict:
        value = table.get(key, {})
        if not isinstance(value, dict):
            self.fail(where, f"should be a table, got {quoted(value)}", key)
        return value

    def tables(self, table: dict, key: str, where: str = "") -> list[dict]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(where, "expected a list of tables", key)
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
    """A usable number: int or finite float (inf and nan would break sums, sorting and the clock)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _has_non_finite(v: Any) -> bool:
    if isinstance(v, float):
        return not math.isfinite(v)
    if isinstance(v, dict):
        return any(_has_non_finite(x) for x in v.values())
    if isinstance(v, list):
        return any(_has_non_finite(x) for x in v)
    return False


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
            try:
                return True, _utc(v)
            except OverflowError:  # valid TOML, but before year 1 or after 9999 once in UTC
                return False, v
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


# Every field a session file may hold, per table. A field outside these would be dropped at the
# next save without a word, so the loader refuses it. No field acctmap ever wrote has been
# retired (schema 1 has only gained the two key-version lines); one retired later goes in
# `_RETIRED`, read and dropped quietly.
_TOP_FIELDS = frozenset({"schema", "name_key_version", "domain_key_version", "session_id",
                         "title", "ours", "partner", "created", "saved", "date", "icp_notes",
                         "agenda", "thresholds", "scoring", "sources", "fields", "accounts"})
_AGENDA_FIELDS = frozenset({"phases", "current", "elapsed_s"})
_THRESHOLD_FIELDS = frozenset({"auto_accept", "review", "close_gap", "names_differ"})
_SCORING_FIELDS = frozenset({"top_n", "factors"})
_FACTOR_FIELDS = frozenset({"key", "label", "weight", "levels"})
_SOURCE_FIELDS = frozenset({"side", "company", "path", "sha256", "rows", "accounts", "columns",
                            "problems", "hashed", "status_map"})
_FIELD_FIELDS = frozenset({"side", "name", "column", "shareable"})
_ACCOUNT_FIELDS = frozenset(name for name, _ in _ACCOUNT_LAYOUT) | {"ours", "theirs"}
_MATCH_FIELDS = frozenset({"method", "score", "decision", "flags"})
_RECORD_FIELDS = frozenset(name for name, _ in _RECORD_LAYOUT)
_RETIRED: frozenset[str] = frozenset()


def _known_fields(r: _Reader, t: dict, known: frozenset[str], where: str) -> None:
    """Refuse a field this version does not know (a typo such as `next_acton`, or a file from a
    newer acctmap): loading it would drop its value at the next save."""
    if t.keys() <= known:
        return
    key = next((k for k in t if k not in known and k not in _RETIRED), None)
    if key is None:
        return
    near = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.75)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    r.fail(where, f"is not a field acctmap knows{hint}; its value would be lost at the next "
                  "save. Correct or remove it, or open the file with the acctmap that wrote it",
           key)


def _read_record(r: _Reader, t: dict, where: str) -> Record:
    _known_fields(r, t, _RECORD_FIELDS, where)
    if not t.get("name") and not t.get("domain"):
        # acctmap never writes one (a row with neither is not read); a hand edit that removed
        # a record's table but left its [.extra] table makes one
        r.fail(where, "has neither a name nor a domain: no account can be told by it (was its "
                      "table removed by hand?)")
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


_ACCOUNT_TABLES = frozenset({"match", "scores", "ours", "theirs"})


def _read_account(r: _Reader, t: dict, where: str) -> Account:
    for side in ("ours", "theirs"):
        if side not in t:  # every file acctmap writes has both: a hand edit lost one
            others = [k for k, v in t.items() if isinstance(v, dict) and k not in _ACCOUNT_TABLES]
            typo = f" (it has [accounts.{others[0]}]: a typo?)" if others else ""
            r.fail(where, f"has no [accounts.{side}] table{typo}; its record would be lost at "
                          "the next save")
    _known_fields(r, t, _ACCOUNT_FIELDS, where)
    m = r.table(t, "match", where)
    mw = f"{where}, match"
    _known_fields(r, m, _MATCH_FIELDS, mw)
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


_CATEGORY_KEYS = frozenset(CATEGORY_BY_KEY)
_STATUS_SET, _METHOD_SET = frozenset(STATUSES), frozenset(METHODS)
_DECISION_SET, _ACTION_SET = frozenset(DECISIONS), frozenset(ACTION_STATUSES)
_JUST_STR, _JUST_INT = frozenset({str}), frozenset({int})  # exact types: not bool for int


def _plain_record(t: Any) -> Record | None:
    """A record table whose every value has its exact type, as a Record; None for anything else
    (then `_read_record` converts what it may, or names what is wrong)."""
    if type(t) is not dict or not t.keys() <= _RECORD_FIELDS:
        return None
    get = t.get
    name, domain, raw_status, owner = get("name", ""), get("domain", ""), get("raw_status", ""), \
        get("owner", "")
    raw_domain, name_key, status = get("raw_domain", ""), get("name_key", ""), get("status")
    extra, rows, hashed = get("extra"), get("rows"), get("hashed", False)
    if not (type(name) is str and type(domain) is str and type(raw_status) is str
            and type(owner) is str and type(raw_domain) is str and type(name_key) is str
            and type(hashed) is bool) or not (name or domain):
        return None
    if status is not None and (type(status) is not str or status not in _STATUS_SET):
        return None
    # the type checks of the values run in C (set(map(type, ...))): a third of a record's time
    # went to `all(...)` generators
    if extra is None:
        extra = {}
    elif type(extra) is not dict or not set(map(type, extra.values())) <= _JUST_STR:
        return None
    if rows is None:
        rows = []
    elif type(rows) is not list or not set(map(type, rows)) <= _JUST_INT:
        return None
    return Record(name, domain, status, raw_status, owner, raw_domain, name_key, extra, rows,
                  hashed)


def _plain_account(t: dict) -> Account | None:
    """An account table whose every value has its exact type (nearly all of a saved file), as an
    Account without the per-field checks of `_read_account`; None for anything else."""
    if not t.keys() <= _ACCOUNT_FIELDS:
        return None
    get = t.get
    m = get("match")
    if m is None:
        m = {}
    elif type(m) is not dict or not m.keys() <= _MATCH_FIELDS:
        return None
    method, score = m.get("method", MANUAL), m.get("score", 100.0)
    decision, flags = m.get("decision", ACCEPTED), m.get("flags")
    if type(method) is not str or method not in _METHOD_SET:
        return None
    if type(decision) is not str or decision not in _DECISION_SET:
        return None
    if type(score) is int:
        score = float(score)
    elif type(score) is not float or not math.isfinite(score):
        return None
    if flags is None:
        flags = []
    elif type(flags) is not list or not set(map(type, flags)) <= _JUST_STR:
        return None
    if "ours" not in t or "theirs" not in t:
        return None  # `_read_account` says which
    ours, theirs = _plain_record(t["ours"]), _plain_record(t["theirs"])
    if ours is None or theirs is None:
        return None
    category, manual, scores = get("category"), get("category_manual", False), get("scores")
    priority, owner, next_action = get("priority", 0), get("owner", ""), get("next_action", "")
    due, notes, status = get("due"), get("notes", ""), get("action_status", ACTION_STATUSES[0])
    carried = get("carried", False)
    if category is not None and (type(category) is not str or category not in _CATEGORY_KEYS):
        return None
    if not (type(manual) is bool and type(priority) is int and type(owner) is str
            and type(next_action) is str and type(notes) is str and type(carried) is bool
            and type(status) is str and status in _ACTION_SET):
        return None
    if due is not None and type(due) is not date:
        return None
    if scores is None:
        scores = {}
    elif type(scores) is not dict or not set(map(type, scores.values())) <= _JUST_INT:
        return None
    return Account(ours, theirs, MatchInfo(method, score, decision, flags), category, manual,
                   scores, priority, owner, next_action, due, notes, status, carried)


def _read_phases(r: _Reader, agenda: dict) -> list[tuple[str, int]]:
    raw = agenda.get("phases")
    if raw is None:
        return Agenda().phases
    ok = isinstance(raw, list) and all(
        isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) and _is_int(p[1]) for p in raw
    )
    if not ok:
        r.fail("agenda", 'expected a list of ["phase", minutes] pairs', "phases")
    phases = [(p[0], p[1]) for p in raw]
    if not phases:
        r.fail("agenda", f"lists no phase (the call's are {', '.join(PHASE_LABELS)})", "phases")
    seen: set[str] = set()
    for key, minutes in phases:
        if key not in PHASE_LABELS:
            r.fail("agenda", f"{quoted(key)} is not a phase (the call's are "
                             f"{', '.join(PHASE_LABELS)})", "phases")
        if key in seen:
            r.fail("agenda", f"{key!r} is listed twice", "phases")
        if minutes < 0:
            r.fail("agenda", f"{key!r} has {minutes} minutes: minutes are 0 or more", "phases")
        seen.add(key)
    return phases


def _within(r: _Reader, table: dict, key: str, kind: str, where: str, default: Any,
            low: float, high: float) -> Any:
    """table[key] (`_Reader.get`), refused outside low..high."""
    value = r.get(table, key, kind, where, default)
    if not low <= value <= high:
        r.fail(where, f"{quoted(table[key])} is not between {low:g} and {high:g}", key)
    return value


def _read_levels(r: _Reader, factor: dict, where: str) -> list[str]:
    """A factor's levels, one at least (an account is scored on them)."""
    levels = list(r.get(factor, "levels", "strs", where))
    if not levels:
        r.fail(where, "a factor has one level at least", "levels")
    return levels


def _check_scores(r: _Reader, accounts: list[Account], factors: list[Factor]) -> None:
    """An account's level on a factor is 0 (unscored) up to the most levels a factor may have
    (MAX_LEVELS, or more where the file's factors have more). One above its factor's own levels
    is not refused: the app keeps it when a factor is given fewer levels (it counts as the top),
    or removed (adding it back restores it)."""
    top = max([MAX_LEVELS, *(len(f.levels) for f in factors)])
    for i, account in enumerate(accounts):
        if account.scores:
            for key, level in account.scores.items():
                if not 0 <= level <= top:
                    r.fail(r.where_account(i, len(accounts)), f"{quoted(key)} {level} is not a "
                           f"level: 0 (unscored) to {top}", "scores")


def _check_schema(r: _Reader, doc: dict) -> None:
    if "schema" not in doc:
        r.fail("", "not an acctmap session: no schema number (expected schema = 1 at the top)")
    schema = doc["schema"]
    if not _is_int(schema):
        r.fail("", f"expected a whole number, got {quoted(schema)}", "schema")
    if schema > SCHEMA:
        r.fail("", f"written by a newer acctmap (schema {schema}; this version reads schema "
                   f"{SCHEMA}): upgrade acctmap to open it")
    if schema < 1:
        r.fail("", f"unknown session schema {schema} (this version reads schema {SCHEMA})")


def _session(r: _Reader, doc: dict) -> Session:
    _check_schema(r, doc)
    _known_fields(r, doc, _TOP_FIELDS, "")
    agenda_t = r.table(doc, "agenda", "")
    _known_fields(r, agenda_t, _AGENDA_FIELDS, "agenda")
    phases = _read_phases(r, agenda_t)
    agenda = Agenda(
        phases=phases,
        current=r.choice(agenda_t, "current", tuple(key for key, _ in phases), "agenda",
                         Agenda().current),
        elapsed_s=dict(r.get(agenda_t, "elapsed_s", "float_map", "agenda", {})),
    )
    th_t, base = r.table(doc, "thresholds", ""), Thresholds()
    _known_fields(r, th_t, _THRESHOLD_FIELDS, "thresholds")
    # a score, or a gap between scores, from 0 to 100 (the matcher's scale)
    thresholds = Thresholds(**{
        k: _within(r, th_t, k, "float", "thresholds", getattr(base, k), SCORE_MIN, SCORE_MAX)
        for k in ("auto_accept", "review", "close_gap", "names_differ")
    })
    sc_t = r.table(doc, "scoring", "")
    _known_fields(r, sc_t, _SCORING_FIELDS, "scoring")
    scoring = Scoring(top_n=r.get(sc_t, "top_n", "int", "scoring", Scoring().top_n))
    if "factors" in sc_t:
        scoring.factors = []
        for i, f in enumerate(r.tables(sc_t, "factors", "scoring")):
            w = f"scoring, factor {i + 1}"
            _known_fields(r, f, _FACTOR_FIELDS, w)
            scoring.factors.append(Factor(
                key=r.get(f, "key", "str", w), label=r.get(f, "label", "str", w, f.get("key", "")),
                weight=_within(r, f, "weight", "int", w, 1, 0, MAX_WEIGHT),
                levels=_read_levels(r, f, w),
            ))
    sources = []
    for i, s in enumerate(r.tables(doc, "sources")):
        w = f"source {i + 1}"
        _known_fields(r, s, _SOURCE_FIELDS, w)
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
        _known_fields(r, f, _FIELD_FIELDS, w)
        fields.append(FieldInfo(
            side=r.choice(f, "side", (*SIDES, SESSION_SIDE), w), name=r.get(f, "name", "str", w),
            column=r.get(f, "column", "str", w, ""),
            shareable=r.get(f, "shareable", "bool", w, False),
        ))
    raw_accounts = r.tables(doc, "accounts")
    accounts = [_plain_account(t) or _read_account(r, t, r.where_account(i, len(raw_accounts)))
                for i, t in enumerate(raw_accounts)]
    if doc.get("domain_key_version") != domain_key_version():
        _current_domains(accounts)
    if doc.get("name_key_version") != NAME_KEY_VERSION:
        _current_name_keys(accounts)
    _check_distinct_pairs(r, accounts)
    _check_scores(r, accounts, scoring.factors)
    if "session_id" in doc:
        sid = doc["session_id"]
        if not isinstance(sid, str) or not SESSION_ID_RE.fullmatch(sid):
            r.fail("", f"expected up to 64 letters, digits, - or _, got {quoted(sid)}", "session_id")
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


def _current_domains(accounts: list[Account]) -> None:
    """Make the domains of a file saved with other domain-key rules (another suffix list, or
    normalize.DOMAIN_RULES_VERSION; or none recorded) again from its website cells, so an account
    keeps its identity across an upgrade that changes how its website is cut. A record with no
    website cell, or with no name to be known by without its domain, keeps its saved domain."""
    records = [rec for account in accounts for rec in (account.ours, account.theirs)
               if rec.raw_domain and not rec.hashed]
    domains = [record_domain(rec.raw_domain, rec.name) for rec in records]
    _rekey(accounts, records, "domain",
           [domain if domain or rec.name else rec.domain for rec, domain in zip(records, domains)])


def _current_name_keys(accounts: list[Account]) -> None:
    """Make the name keys of a file saved with other name-key rules (normalize.NAME_KEY_VERSION,
    or none: before it was recorded) with this version's, so a domain-less account is the same
    account as this quarter's list and sessions say it is."""
    records = [rec for account in accounts for rec in (account.ours, account.theirs)
               if rec.name and not rec.hashed]
    names = list(dict.fromkeys(rec.name for rec in records))
    key_of = dict(zip(names, name_keys(names)))
    _rekey(accounts, records, "name_key", [key_of[rec.name] for rec in records])


def _rekey(accounts: list[Account], records: list[Record], attr: str, values: list[str]) -> None:
    """Give `records` their new `attr` values, except where that would make two accounts pair
    the same two records: those accounts keep the values they were saved with."""
    saved = [getattr(rec, attr) for rec in records]
    for rec, value in zip(records, values):
        setattr(rec, attr, value)
    clashing = _same_pairs(accounts)
    if clashing:
        ids = {id(rec) for account in clashing for rec in (account.ours, account.theirs)}
        for rec, value in zip(records, saved):
            if id(rec) in ids:
                setattr(rec, attr, value)
        if _same_pairs(accounts):  # the saved values again for one, clashing with another's new
            for rec, value in zip(records, saved):
                setattr(rec, attr, value)


def _same_pairs(accounts: list[Account]) -> list[Account]:
    """The accounts that pair the same two records as another."""
    by_pair: dict[str, list[Account]] = {}
    for account in accounts:
        by_pair.setdefault(account.pair_id, []).append(account)
    return [account for group in by_pair.values() if len(group) > 1 for account in group]


def _check_distinct_pairs(r: _Reader, accounts: list[Account]) -> None:
    """The same pair of records twice is not a session the app can show (or trust)."""
    seen: dict[str, int] = {}
    for i, account in enumerate(accounts):
        first = seen.setdefault(account.pair_id, i)
        if first != i:
            where = r.where_account(i, len(accounts))
            line = r.account_lines[i] if len(r.account_lines) == len(accounts) else None
            before = r.where_account(first, len(accounts))
            message = (f"{re.sub(r' [(]line [0-9]+[)]', '', where)} pairs the same two records as "
                       f"{before} ({account.ours.key} with {account.theirs.key}): remove one of them")
            raise SessionError(_problem(r.path, f"line {line}: {message}" if line else message))


def _session_id(doc: dict[str, Any], path: str) -> str:
    """The session's id; a file written before ids gets one derived from when it was created, which
    its recovery file (same `created`) shares."""
    value = doc.get("session_id")
    if isinstance(value, str) and SESSION_ID_RE.fullmatch(value):
        return value
    created = doc.get("created")
    seed = (f"{created}|{doc.get('ours', '')}|{doc.get('partner', '')}" if created is not None
            else f"file:{os.path.abspath(path)}")
    return "v0-" + hashlib.sha256(seed.encode("utf-8", "replace")).hexdigest()[:24]


# MAX_NESTING + 1 openers with only blanks between; written opener-first, which the regex engine
# scans for far faster than a repeated group (0.14 s instead of 0.8 s on a 17 MB session)
_OPENERS_RE = re.compile(r"[\[{](?:[ \t\r\n]*[\[{]){%d}" % MAX_NESTING)


def _too_deep(text: str) -> int | None:
    """Line where arrays or inline tables open more than MAX_NESTING deep in a row, or None."""
    found = _OPENERS_RE.search(text)
    return None if found is None else text.count("\n", 0, found.start()) + 1


def _deepest_line(text: str) -> int | None:
    """Line where nesting first passes MAX_NESTING, counting brackets outside strings and comments
    (used only after the parser gave up on recursion, so its speed does not matter)."""
    depth, line, i, n = 0, 1, 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif c in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else c
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                if text[i] == "\n":
                    line += 1
                if text[i] == "\\" and quote[0] == '"':
                    i += 1
                i += 1
        elif c in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return line
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None


def _too_deep_error(path: str, text: str) -> SessionError:
    line = _too_deep(text) or _deepest_line(text)
    where = f"line {line}: " if line else ""
    return SessionError(_problem(path, f"{where}arrays or tables nested more than {MAX_NESTING} "
                                       "deep: not an acctmap session"))


SPLIT_BYTES = 4_000_000  # a session text longer than this is parsed on two cores when one is free
# where the text is cut, as a share of it: this process parses the first part while the second
# one reads its part from the file again, checks, parses and pickles it, so this one takes more
# (in-process load, alternated, median of 6: 50k 2.51 s at 0.5, 2.24-2.29 s at 0.55-0.57; 200k
# 9.4 -> 8.5 s at 0.57)
SPLIT_AT = 0.57
_ACCOUNTS_HEADER = "\n[[accounts]]\n"


def _loads(text: str, path: str, file: tuple[Path, int] | None = None) -> dict[str, Any]:
    """`toml_io.loads` after checking the nesting (`_too_deep`); for a big session read from a
    file ((path, its size in bytes)), the text is cut before an [[accounts]] table near its
    middle and the second part checked and parsed in a second process, which reads it from the
    file (tomli takes 2.5-3 s for the 14 MB of a 50k session, on one core). The parts are joined
    only when the first holds the head and accounts, and the second the same bytes and nothing
    but accounts: a hand-edited file with anything else after the cut, a part that does not
    parse alone, or a file changed meanwhile is parsed whole, which also names a wrong line."""

    def whole() -> dict[str, Any]:
        if _too_deep(text) is not None:
            raise _too_deep_error(path, text)
        return toml_io.loads(text)

    start = text.find(_ACCOUNTS_HEADER)
    cut = text.find(_ACCOUNTS_HEADER, int(len(text) * SPLIT_AT)) + 1
    if file is None or len(text) <= SPLIT_BYTES or start < 0 or cut <= start + 1 \
            or not bulk.spare_core():
        return whole()
    # a run of brackets across the cut ends in the second part's first "[[": checked here
    if _too_deep(text[:cut + 2]) is not None:
        raise _too_deep_error(path, text)
    tail = text[cut:].encode("utf-8")
    where = (str(file[0]), file[1] - len(tail), hashlib.sha256(tail).hexdigest())
    try:
        doc, accounts = bulk.beside(functools.partial(toml_io.loads, text[:cut]), _accounts_at, *where)
    except (toml_io.TOMLDecodeError, RecursionError, OSError):
        return whole()
    if not isinstance(accounts, list) or not isinstance(doc.get("accounts"), list):
        return whole()
    doc["accounts"].extend(accounts)
    return doc


def _accounts_at(path: str, offset: int, sha256: str) -> list[dict[str, Any]] | None:
    """The [[accounts]] tables of a session file from `offset` on (see `_loads`); None when
    those bytes are not the ones expected, hold anything else, nest too deep or do not parse
    alone."""
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read()
        if hashlib.sha256(data).hexdigest() != sha256:
            return None
        text = data.decode("utf-8")
        if _too_deep(text) is not None:
            return None
        doc = toml_io.loads(text)
    except (OSError, UnicodeDecodeError, toml_io.TOMLDecodeError, RecursionError):
        return None
    return doc["accounts"] if doc.keys() == {"accounts"} else None


def _parse(text: str, path: str, file: tuple[Path, int] | None = None
           ) -> tuple[Session, dict[str, Any]]:
    text = text.removeprefix("\ufeff")
    try:
        doc = _loads(text, path, file)
        return _session(_Reader(path, text), doc), doc
    except toml_io.TOMLDecodeError as exc:
        raise SessionError(_problem(path, _decode_message(exc))) from exc
    except RecursionError:
        raise _too_deep_error(path, text) from None


def from_toml(text: str, path: str = "<session>", *, file: tuple[Path, int] | None = None
              ) -> Session:
    """Parse session TOML; a SessionError names the file and the line or field that is wrong.
    `file`: the file the text is all of, and its size in bytes (see `_loads`)."""
    with paused_gc():
        session, doc = _parse(text, path, file)
        session.session_id = _session_id(doc, path)
        del doc  # freed now, not kept by the freeze below
        # The session's objects live as long as it is open and form no cycles (refcounting frees
        # them): keep the collector from walking them, now (0.3-0.6 s for 21,000 accounts right
        # after the pause) and in every full collection while the app runs.
        keep_out_of_collector()
    return session


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
        data = atomic.read_plain_file(path)  # a FIFO or /dev/zero refused, not read for ever
    except FileNotFoundError:
        raise SessionError(_problem(str(path), "no such session file")) from None
    except atomic.NotAPlainFile as exc:
        raise SessionError(_problem(str(path), exc.reason("session file"))) from None
    except OSError as exc:
        raise SessionError(_problem(str(path), f"cannot read: {exc.strerror or exc}")) from None
    # a big file's session is kept (core.parse_cache), and taken from there while its bytes stay
    session = parse_cache.recall(path, data)
    if session is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise SessionError(_problem(str(path), f"line {line}: not UTF-8 text")) from None
        session = from_toml(text, str(path), file=(path, len(data)))
        parse_cache.keep_later(path, data, wait=parse_cache.AFTER_OPEN)
    for src in session.sources:
        src.path = resolved_path(src.path, path)
    return session


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
    """Picker rows in call order, newest first, a later save first on one date; a file that
    records no call date (unreadable, or not a session) after every one that does, newest file
    first: the first row is the latest call, never a stray file touched today."""
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)

    def newest(i: SessionInfo) -> tuple:
        when = i.saved or i.modified or epoch
        return (i.date is not None, i.date or when.date(), when, i.path.name)

    return sorted(infos, key=newest, reverse=True)
