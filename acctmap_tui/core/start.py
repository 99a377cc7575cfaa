"""One way to start a session: a `SessionRequest` in, a `Workbench` out.

Every driver starts a mapping call here: `acctmap match / new / demo` and the app's load screen
build a `SessionRequest` and call `build_session` (the matched `NewSession`, for the CLI summary)
or `open_workbench` (the live `Workbench`); `acctmap SESSION.toml` and the app's recovery open a
saved session through `open_saved` / `restored`; a finished private overlap exchange (the app's
exchange dialog) opens through `open_exchange`. This module is the only place that constructs a
`Workbench`, so a feature of one driver (a column override, a hashed list) is a feature of all.

Reading runs in this order, each step reported to `progress(fraction, stage)`: our list, the
partner's list, the prior session, the shared key, then the match (20% to 100%).

A private overlap exchange is a request too: its `exchange` names the three files of a finished
exchange (`ExchangeFiles`), and `finish_exchange` turns them into what the exchange revealed
(`core/psi.py`); `build_session` / `open_workbench` then give the overlap session like any other,
with our list re-read for pairing by hand. The partner's list never exists on our side.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from acctmap_tui.core import ingest, privacy
from acctmap_tui.core import session as session_io
from acctmap_tui.core import bulk
from acctmap_tui.core.bulk import keep_out_of_collector, paused_gc
from acctmap_tui.core.model import (ACCEPTED, OURS, PARTNER, REJECTED, STATUSES, AccountList,
                                    AcctmapError, Session)

if TYPE_CHECKING:  # imported where used: the matcher pulls in numpy and rapidfuzz
    from acctmap_tui.core.pipeline import NewSession
    from acctmap_tui.core.psi import Finished
    from acctmap_tui.core.workbench import StartedFrom, Workbench

Progress = Callable[[float, str | None], None]  # (fraction done 0..1, stage in words or None)

ListInput = AccountList | Path | str  # a list already read, or the file to read it from
SavedLists = tuple[AccountList | None, AccountList | None, list[str]]  # ours, theirs, why not
Head = dict[str, Any]  # a session file's top-level facts (`session_io.peek`)


@dataclass(frozen=True)
class ExchangeFiles:
    """The three files that finish a private overlap exchange: our round-1 file and the partner's
    round-1 and round-2 files (`acctmap psi finish OURS1 THEIRS1 THEIRS2`)."""

    ours1: Path | str
    theirs1: Path | str
    theirs2: Path | str


@dataclass
class SessionRequest:
    """Everything needed to start a session from two lists.

    Each input is either already read (an `AccountList`, a `Session`, the key's bytes) or the file
    to read it from; `prepare` reads what is still a file. Column overrides and the status map
    apply when a list is read from a file.
    """

    ours: ListInput
    theirs: ListInput  # the partner's list: plain, or hashed with the shared key (`acctmap hash`)
    ours_name: str = ""  # company names ("" = from the file name)
    partner_name: str = ""
    ours_columns: dict[str, str] = field(default_factory=dict)  # role -> header, e.g. name=Company
    partner_columns: dict[str, str] = field(default_factory=dict)
    status_map: dict[str, str] = field(default_factory=dict)  # status word -> status, both lists
    ours_sheet: str | None = None  # the workbook sheet to read (None: the one holding a list)
    partner_sheet: str | None = None
    key: bytes | Path | str | None = None  # the shared key (or its key file) of a hashed exchange
    prior: Session | Path | str | None = None  # carry decisions and plans forward from it
    force: bool = False  # carry the prior even when it is of another partnership
    day: date | None = None  # the call's date (default today)
    title: str = ""
    exchange: ExchangeFiles | None = None  # a finished private overlap exchange instead of lists

    @classmethod
    def for_exchange(cls, files: ExchangeFiles, ours_name: str = "",
                     partner_name: str = "") -> SessionRequest:
        """A request for the session a private overlap exchange made (no lists to match)."""
        return cls(Path(files.ours1), Path(files.theirs1), ours_name=ours_name,
                   partner_name=partner_name, exchange=files)

    def describe(self) -> str:
        """'northwind.csv × globex.csv' (or the company names of lists already read)."""
        def name(item: ListInput) -> str:
            if isinstance(item, AccountList):
                return item.company or Path(item.path).name
            return Path(item).name

        return f"{name(self.ours)} × {name(self.theirs)}"


def _no_progress(fraction: float, stage: str | None) -> None:
    pass


# --- reading the inputs -----------------------------------------------------------------------


def parse_columns(text: str | None, what: str) -> dict[str, str]:
    """A column override 'name=Company,domain=Web' -> {'name': 'Company', 'domain': 'Web'}.

    `what` names the option or field in the error message.
    """
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise AcctmapError(f"{what}: expected ROLE=HEADER pairs separated by commas, got {part!r}")
        out[key.strip().lower()] = value.strip()
    return out


def format_columns(columns: dict[str, str]) -> str:
    """The text `parse_columns` reads back: {'name': 'Company'} -> 'name=Company'."""
    return ",".join(f"{role}={header}" for role, header in columns.items())


def parse_status_map(items: Sequence[str] | None, what: str = "--status") -> dict[str, str]:
    """Status mappings 'WORD=STATUS' -> {word: status}; STATUS is one of the four statuses."""
    out: dict[str, str] = {}
    for item in items or ():
        word, sep, status = item.rpartition("=")
        status = status.strip().lower()
        if not sep or not word.strip() or status not in STATUSES:
            raise AcctmapError(
                f"{what} {item!r}: expected WORD=STATUS with STATUS one of {', '.join(STATUSES)}"
            )
        out[word.strip()] = status
    return out


def _read_list(item: ListInput, side: str, company: str, columns: dict[str, str],
               status_map: dict[str, str], sheet: str | None) -> AccountList:
    if isinstance(item, AccountList):
        return replace(item, company=company) if company else item
    return ingest.read_list(str(Path(item).expanduser()), side, company, columns=columns or None,
                            status_map=status_map or None, sheet=sheet)


PARALLEL_BYTES = 2_000_000  # lists bigger than this (both) are read side by side on two cores


def _size(item: ListInput) -> int:
    if isinstance(item, AccountList):
        return 0
    try:
        return Path(item).expanduser().stat().st_size
    except OSError:
        return 0


def _read_in_parallel(ours_args: tuple, theirs_args: tuple,
                      meanwhile: Callable[[], object]) -> tuple[AccountList, AccountList]:
    """Read the partner's list in a second process while this one reads ours (building records
    is pure Python: one core each), then does `meanwhile`. Errors come back as the same
    IngestError."""
    def here() -> AccountList:
        ours = _read_list(*ours_args)
        meanwhile()
        return ours

    try:
        ours, theirs = bulk.beside(here, _read_list, *theirs_args)
    except OSError:  # no second process here: read both in this one
        return here(), _read_list(*theirs_args)
    assert isinstance(theirs, AccountList)
    return ours, theirs


def _nothing() -> None:
    pass


def prepare(request: SessionRequest, progress: Progress | None = None,
            meanwhile: Callable[[], object] = _nothing) -> SessionRequest:
    """The request with every input read: both lists, the prior session and the key.

    `meanwhile` is work for this process once our list is read, done while the partner's list
    is still being read beside it (`build_session` imports the matcher then).
    Raises AcctmapError naming the file (and row and column) when one cannot be read.
    """
    report = progress or _no_progress
    ours_args = (request.ours, OURS, request.ours_name, request.ours_columns,
                 request.status_map, request.ours_sheet)
    theirs_args = (request.theirs, PARTNER, request.partner_name, request.partner_columns,
                   request.status_map, request.partner_sheet)
    if _size(request.ours) > PARALLEL_BYTES and _size(request.theirs) > PARALLEL_BYTES:
        report(0.0, "Reading both lists…")
        ours, theirs = _read_in_parallel(ours_args, theirs_args, meanwhile)
    else:
        report(0.0, "Reading our list…")
        ours = _read_list(*ours_args)
        meanwhile()
        report(0.1, "Reading the partner's list…")
        theirs = _read_list(*theirs_args)
    prior = request.prior
    if prior is not None and not isinstance(prior, Session):
        report(0.18, "Reading the prior session…")  # unnamed, as the lists: the title names them
        prior = session_io.load(Path(prior).expanduser())
    if prior is not None and not request.force:
        _check_partnership(request, ours, theirs, prior)
    key = request.key
    if key is not None and not isinstance(key, bytes):
        key = privacy.read_key(Path(key).expanduser())
    return replace(request, ours=ours, theirs=theirs, prior=prior, key=key)


def _check_partnership(request: SessionRequest, ours: AccountList, theirs: AccountList,
                       prior: Session) -> None:
    """Refuse a prior session of another partnership: it would carry its decisions (a rejected
    pair, an owner) onto this partner's records and lend the session its names. The rule is
    `acctmap diff`'s (compare.check_partnership), applied to the names the lists go by: given, or
    guessed from the file name (a guess that is not the prior's name is no sign of the same
    company, and one --partner NAME settles it)."""
    from acctmap_tui.core.compare import Partnership, check_partnership

    guessed = {lst.side: f"from the file name {Path(lst.path).name}" for lst in (ours, theirs)
               if lst.company_guessed}
    prior_file = f" {request.prior}" if isinstance(request.prior, (str, Path)) else ""
    files = " and ".join(Path(lst.path).name for lst in (ours, theirs) if lst.path)
    check_partnership(
        Partnership.of(prior, f"the prior session{prior_file}"),
        Partnership(f"the lists {files}" if files else "these lists", ours.company,
                    theirs.company, guessed),
        "carry its decisions onto these records", {OURS: "--ours-name", PARTNER: "--partner"})


# --- starting a session -----------------------------------------------------------------------


def build_session(request: SessionRequest, progress: Progress | None = None) -> NewSession:
    """Read what the request names and match the two lists into a new session."""
    report = progress or _no_progress
    if request.exchange is not None:
        return exchange_session(finish_exchange(request, report))
    return _match_lists(_prepare_to_match(request, report), report)


def _prepare_to_match(request: SessionRequest, report: Progress) -> SessionRequest:
    """`prepare` before a match: the matcher (numpy, rapidfuzz: 0.13 s) is imported while the
    partner's list is read beside (the copy that reads it is forked without them, that much
    sooner)."""
    return prepare(request, report, meanwhile=_import_matcher)


def _match_lists(ready: SessionRequest, report: Progress) -> NewSession:
    """Match the lists of a request `prepare` has read into a new session."""
    from acctmap_tui.core.match import phase_of
    from acctmap_tui.core.pipeline import new_session

    ours, theirs, prior, key = ready.ours, ready.theirs, ready.prior, ready.key
    assert isinstance(ours, AccountList) and isinstance(theirs, AccountList)
    assert (prior is None or isinstance(prior, Session)) and (key is None or isinstance(key, bytes))
    report(0.2, f"Matching {len(ours.records):,} × {len(theirs.records):,} accounts…")
    built = new_session(ours, theirs, prior=prior, key=key, day=ready.day, title=ready.title,
                        progress=lambda f: report(0.2 + 0.75 * min(max(f, 0.0), 1.0), phase_of(f)))
    report(1.0, "Done")
    return built


def _import_matcher() -> None:
    import acctmap_tui.core.match  # noqa: F401 - numpy and rapidfuzz (pipeline imports it when used)
    import acctmap_tui.core.pipeline  # noqa: F401


def open_workbench(request: SessionRequest, progress: Progress | None = None, *,
                   unsaved: bool = True) -> Workbench:
    """A live workbench on a new session from two lists, or from a finished private overlap
    exchange (unsaved until the first save)."""
    if request.exchange is not None:
        return open_exchange(finish_exchange(request, progress))
    report = progress or _no_progress
    ready = _prepare_to_match(request, report)
    built = _match_lists(ready, report)
    workbench = _workbench(built.session, built.ours, built.theirs, dirty=unsaved)
    workbench.made_from_inputs = True
    workbench.start_notes = list(built.notes)  # the app says them, as the CLI prints them
    workbench.started_from = _started_from(request.prior, ready.prior)
    return workbench


def _started_from(given: Session | Path | str | None, read: Session | Path | str | None
                  ) -> StartedFrom | None:
    """The prior session a new one carries forward (Compare compares with it first): its id,
    and its file where the request named one (`acctmap new --from` reads it before: no file)."""
    from acctmap_tui.core.workbench import StartedFrom

    if not isinstance(read, Session):
        return None
    path = None if given is None or isinstance(given, Session) else Path(given).expanduser()
    return StartedFrom(read.session_id, path)


def demo_request(day: date | None = None) -> SessionRequest:
    """The bundled demo: Northwind's Salesforce export against Globex's HubSpot export."""
    ours, theirs = ingest.demo_paths()
    return SessionRequest(ours, theirs, ours_name="Northwind", partner_name="Globex", day=day)


# --- saved sessions ---------------------------------------------------------------------------


def reload_sources(session: Session) -> SavedLists:
    """Re-read a saved session's source lists (for pairing by hand) when they are still where the
    session file says and unchanged since; otherwise say which list and why, and leave it out.

    A hashed list is never re-read; the session still opens without its lists.
    """
    return _joined(*(_reload_source(session, side) for side in (OURS, PARTNER)))


def _joined(ours: tuple[AccountList | None, str], theirs: tuple[AccountList | None, str]) -> SavedLists:
    """Both sides' (list, why not) as the lists and the reasons given."""
    return ours[0], theirs[0], [note for note in (ours[1], theirs[1]) if note]


def lists_reader(session: Session) -> Callable[[], SavedLists]:
    """What re-reads a session's source lists in another thread (`reload_sources_beside`): made
    on the thread that edits the session, it holds a copy of the sources (their status words
    may be mapped meanwhile) and no accounts (nothing the second process needs)."""
    sources = [replace(s, columns=dict(s.columns), status_map=dict(s.status_map))
               for s in session.sources]
    return partial(reload_sources_beside, replace(session, sources=sources, accounts=[]))


def reload_sources_beside(session: Session) -> SavedLists:
    """`reload_sources`, the partner's list in a second process while this one reads ours when
    both are big and a core is free (the app re-reads a saved session's lists this way after
    showing it: see `open_saved` and `lists_reader`)."""
    with paused_gc():
        lists = _lists_to_read(session)
        read = None
        if sum(map(_size, lists)) > PARALLEL_BYTES and bulk.spare_core():
            try:
                ours, theirs = bulk.beside(partial(_reload_source, session, OURS),
                                           _reload_source, session, PARTNER)
                read = _joined(ours, cast(tuple[AccountList | None, str], theirs))
            except OSError:  # no second process here: read both in this one
                pass
        if read is None:
            read = reload_sources(session)
        if lists:  # kept as long as the session is shown, like the session (see session.from_toml)
            keep_out_of_collector()
        return read


def _lists_to_read(session: Session) -> list[str]:
    """The source lists a saved session can re-read (a hashed list never is)."""
    return [s.path for s in session.sources if s.path and not s.hashed]


def _reload_source(session: Session, side: str) -> tuple[AccountList | None, str]:
    """One side's list for `reload_sources`, or None and why not ("" when there is no list)."""
    src = session.source(side)
    if src is None or not src.path or src.hashed:
        return None, ""
    path = Path(src.path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, (f"{src.path}: not found (the {src.company or side} list this session was "
                      "made from)")
    except OSError as exc:
        return None, f"{src.path}: cannot read: {exc.strerror or exc}"
    if src.sha256 and hashlib.sha256(data).hexdigest() != src.sha256:
        return None, (f"{src.path}: changed since the session was saved (its sha256 differs); "
                      "not re-read. Start a new session from it with --from to refresh.")
    try:
        return ingest.read_list(src.path, side, src.company, columns=src.columns or None,
                                status_map=src.status_map or None), ""
    except AcctmapError as err:
        return None, str(err)


def open_saved(path: Path | str, *, lists_later: bool = False) -> Workbench:
    """A workbench on a saved session, with its lists re-read when they are still there
    (`reload_sources_beside`).

    With `lists_later`, only the session is read and the workbench says `lists_pending`: the
    app shows the session first (the lists are needed only to pair by hand and for status words
    of unpaired accounts) and attaches them when `reload_sources_beside` has read them.
    """
    path = Path(path)
    session = session_io.load(path)
    if lists_later:
        workbench = _workbench(session, None, None, path=path)
        workbench.lists_pending = bool(_lists_to_read(session))
        return workbench
    ours, theirs, notes = reload_sources_beside(session)
    return _workbench(session, ours, theirs, path=path, lists_notes=notes)


def finish_exchange(request: SessionRequest, progress: Progress | None = None) -> Finished:
    """What a private overlap exchange revealed to us: the overlap session, or only the counts
    per category (counts-only). Refuses files of another exchange, round or a tampered file."""
    from acctmap_tui.core import psi

    files = request.exchange
    if files is None:
        raise AcctmapError("not a private overlap exchange: no exchange files given")
    report = progress or _no_progress
    report(0.0, "Finding the overlap…")
    finished = psi.finish(*(Path(p).expanduser() for p in (files.ours1, files.theirs1, files.theirs2)),
                          ours_name=request.ours_name or None,
                          partner_name=request.partner_name or None, day=request.day)
    report(1.0, "Done")
    return finished


def exchange_session(finished: Finished) -> NewSession:
    """The overlap session of a finished exchange with what the CLI summary needs: our list
    (re-read when it is still where it was), the partner's as the name of its round file only."""
    from acctmap_tui.core.match import MatchResult
    from acctmap_tui.core.pipeline import NewSession

    session, ours, _ = _overlap_of(finished)
    src = finished.our_source
    assert src is not None
    if ours is None:
        ours = AccountList(OURS, finished.ours, src.path, src.sha256, src.rows, dict(src.columns))
    partner = session.source(PARTNER)
    theirs = AccountList(PARTNER, finished.partner, partner.path if partner else "", hashed=True)
    result = MatchResult(accounts=session.accounts, notes=finished.notes,
                         stats={"psi": finished.overlap, "auto": finished.overlap,
                                "overlap": finished.overlap})
    return NewSession(session, result, ours, theirs, notes=finished.notes)


def open_exchange(finished: Finished) -> Workbench:
    """A live workbench on the session a private overlap exchange made (unsaved until saved).

    Our list is re-read when it is still where it was (for manual pairing); the partner's list
    never exists here, only its round files. A counts-only exchange has no session to open.
    """
    session, ours, notes = _overlap_of(finished)
    workbench = _workbench(session, ours, None, dirty=True, lists_notes=notes)
    workbench.made_from_inputs = True
    return workbench


def _overlap_of(finished: Finished) -> tuple[Session, AccountList | None, list[str]]:
    """The overlap session an exchange made, our list re-read where it still is, and why not."""
    if finished.session is None or finished.our_source is None:
        raise AcctmapError("a counts-only exchange reveals only counts: there is no session to open")
    ours, _, notes = reload_sources(finished.session)
    return finished.session, ours, notes


def restored(session: Session, current: Workbench) -> Workbench:
    """A workbench on a restored recovery copy of `current`'s session (same file; the lists
    loaded now only where they are the ones the recovered session was made from)."""
    lists = [lst if lst is not None and (src is None or not src.sha256 or src.sha256 == lst.sha256)
             else None
             for lst, src in ((current.ours, session.source(OURS)),
                              (current.theirs, session.source(PARTNER)))]
    workbench = _workbench(session, *lists, path=current.path, dirty=True)
    workbench.lists_pending = current.lists_pending  # attach_lists checks they are the ones
    return workbench


def _workbench(session: Session, ours: AccountList | None, theirs: AccountList | None, *,
               path: Path | None = None, dirty: bool = False,
               lists_notes: Sequence[str] = ()) -> Workbench:
    from acctmap_tui.core.workbench import Workbench

    workbench = Workbench(session, ours, theirs, path=path, dirty=dirty)
    workbench.lists_note = "; ".join(lists_notes)  # why a source list was not re-read
    return workbench


# --- what a folder offers to start from ---------------------------------------------------------

EXPORT_SUFFIXES = (".csv", ".tsv", *ingest.EXCEL_SUFFIXES)  # what a CRM export is saved as


@dataclass
class StartOffer:
    """What `acctmap` run with no arguments can start from in a folder: the lists newest file
    first, the sessions latest call first (`by_call_date`), and the unsaved work killed or
    crashed new sessions left in the sessions folder, newest first."""

    folder: Path
    sessions_dir: Path
    lists: list[Path] = field(default_factory=list)
    sessions: list[Path] = field(default_factory=list)
    heads: dict[Path, Head | None] = field(default_factory=dict)  # each session's, read once
    unsaved: list[UnsavedWork] = field(default_factory=list)  # newest first

    def __bool__(self) -> bool:
        return bool(self.lists or self.sessions or self.unsaved)


def start_offer(folder: Path | str, sessions_dir: Path | str) -> StartOffer:
    """The list exports in `folder` and the saved sessions in `sessions_dir`: of the exports the
    names only, of the sessions their heads (`session_io.peek`), so an empty or unrelated folder
    costs nothing."""
    folder, sessions_dir = Path(folder), Path(sessions_dir)
    try:
        lists = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                 and p.suffix.lower() in EXPORT_SUFFIXES]
    except OSError:
        lists = []
    sessions = session_io.session_files(sessions_dir) if sessions_dir.is_dir() else []
    heads = {p: session_io.peek(p) for p in sessions}
    lists.sort(key=lambda p: (-_modified(p).timestamp(), p.name))
    return StartOffer(folder, sessions_dir, lists, by_call_date(heads), heads,
                      unsaved_in(sessions_dir))


def by_call_date(heads: dict[Path, Head | None]) -> list[Path]:
    """The session files latest call first, as the Compare picker lists them
    (`session_io.newest_first`): by the date each file records, its save time breaking ties (the
    file's time where it records none); the files that record no date after them."""
    rows = [session_io.SessionInfo(path, date=_recorded_date(head), saved=_recorded_saved(head),
                                   modified=_modified(path))
            for path, head in heads.items()]
    return [row.path for row in session_io.newest_first(rows)]


def _recorded_date(head: Head | None) -> date | None:
    day = (head or {}).get("date")
    return day if type(day) is date else None  # a datetime does not compare with a date


def _recorded_saved(head: Head | None) -> datetime | None:
    saved = (head or {}).get("saved")
    return saved if isinstance(saved, datetime) and saved.tzinfo is not None else None


def _modified(path: Path) -> datetime:
    """The file's time (UTC); the epoch for a file gone since it was listed."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
    except OSError:
        return datetime.fromtimestamp(0, tz=timezone.utc)


# --- unsaved work a killed or crashed new session left -------------------------------------------


@dataclass(frozen=True)
class UnsavedWork:
    """A recovery file of a session never saved (`session_io.unsaved_recovery_path`), told by its
    head only: the partnership, when it was autosaved, and how long its ICP notes are (never
    their words: the start screen and the restore question come before any share-safe view)."""

    path: Path
    ours: str
    partner: str
    autosaved: datetime  # the file's time, local
    icp_notes: str = ""

    @property
    def partnership(self) -> str:
        return f"{self.ours} × {self.partner}"

    @property
    def notes_said(self) -> str:
        """'ICP notes of 42 words', to tell one unsaved work from another; "no ICP notes"."""
        words = len(self.icp_notes.split())
        return f"ICP notes of {words} word{'s' * (words != 1)}" if words else "no ICP notes"


def unsaved_work(path: Path, head: Head | None = None) -> UnsavedWork | None:
    """What a recovery file of an unsaved session holds, from its head; None when it cannot be
    read as a session or is gone."""
    head = session_io.peek(path) if head is None else head
    if head is None:
        return None
    try:
        autosaved = datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return None
    notes = head.get("icp_notes")
    return UnsavedWork(path, str(head.get("ours", "") or "?"), str(head.get("partner", "") or "?"),
                       autosaved, notes if isinstance(notes, str) else "")


def unsaved_in(sessions_dir: Path | str) -> list[UnsavedWork]:
    """The unsaved work of every partnership in a sessions folder, newest first."""
    try:
        found = list(Path(sessions_dir).glob(
            f"{session_io.UNSAVED_PREFIX}*{session_io.RECOVERY_SUFFIX}"))
    except OSError:
        return []
    works = [w for w in map(unsaved_work, found) if w is not None]
    return sorted(works, key=lambda w: w.autosaved, reverse=True)


def unsaved_of(sessions_dir: Path | str, ours: str, partner: str,
               but: Path | None = None) -> list[UnsavedWork]:
    """The unsaved work of one partnership (`session_io.unsaved_recoveries`), newest first, but
    the file `but` (the session's own)."""
    works = (unsaved_work(p) for p in session_io.unsaved_recoveries(sessions_dir, ours, partner)
             if p != but)
    return [w for w in works if w is not None]


def open_unsaved(path: Path | str) -> Workbench:
    """A workbench on unsaved work a killed session left, still unsaved, its lists read later
    (`lists_pending`, as `open_saved`). The recovery file is its own: its autosaves write there,
    and a save or a discard removes it."""
    path = Path(path)
    workbench = _workbench(session_io.load(path), None, None, dirty=True)
    workbench.lists_pending = bool(_lists_to_read(workbench.session))
    workbench.wrote_recovery(path)
    s = workbench.session
    workbench.start_notes = [f"Restored the unsaved work of {s.ours} × {s.partner} ({path.name}). "
                             "Save (ctrl+s) to keep it; quitting without saving discards it."]
    return workbench


@dataclass(frozen=True)
class WorkHeld:
    """What a session holds that a fresh one of the same lists does not, counted."""

    decisions: int  # pairs a person accepted or rejected
    owners: int
    next_actions: int


def work_held(session: Session) -> WorkHeld:
    accounts = session.accounts
    return WorkHeld(sum(1 for a in accounts if a.match.decision in (ACCEPTED, REJECTED)),
                    sum(1 for a in accounts if a.owner),
                    sum(1 for a in accounts if a.next_action))
