"""The plain data every part of acctmap passes around.

Nothing here does I/O or imports Textual. An `AccountList` is one side's export after ingest and
normalization; a `Session` is what a mapping call produces and what is saved as TOML. Each overlap
candidate (a pair of our record and their record) is an `Account` whose `match.decision` says whether
it is in the overlap (auto / accepted), waiting for a person (review) or turned down (rejected).
"""

from __future__ import annotations

import marshal
from collections.abc import Collection, Iterator, MutableMapping
import re
import uuid
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timezone
from itertools import repeat
from operator import attrgetter
from typing import Any

# --- statuses -------------------------------------------------------------------------------

CUSTOMER = "customer"
OPEN_DEAL = "open deal"
PROSPECT = "prospect"
CHURNED = "churned"
STATUSES = (CUSTOMER, OPEN_DEAL, PROSPECT, CHURNED)

OURS = "ours"
PARTNER = "partner"
SIDES = (OURS, PARTNER)
SESSION_SIDE = "session"  # FieldInfo.side of the fields made on the call (owner, next action, ...)

# --- categories (the four buckets of an account map) ------------------------------------------


@dataclass(frozen=True)
class Category:
    """One of the four overlap buckets, with the play the partners run on it."""

    key: str
    label: str
    code: str  # short label that carries the meaning without colour
    play: str


SHARED_CUSTOMER = Category(
    "shared-customer", "Shared customer", "SHARED", "Expand together: joint success story"
)
OURS_CUSTOMER = Category(
    "ours-customer-their-prospect", "Our customer / their prospect", "VOUCH",
    "We vouch: reference call or case study for their deal",
)
THEIRS_CUSTOMER = Category(
    "their-customer-our-prospect", "Their customer / our prospect", "INTRO",
    "Ask for a warm intro to their champion",
)
MUTUAL_PROSPECT = Category(
    "mutual-prospect", "Mutual prospect", "JOINT", "Plan a joint approach"
)
CATEGORIES = (SHARED_CUSTOMER, OURS_CUSTOMER, THEIRS_CUSTOMER, MUTUAL_PROSPECT)
CATEGORY_BY_KEY = {c.key: c for c in CATEGORIES}

# --- match decisions and methods --------------------------------------------------------------

AUTO = "auto"  # accepted by the matcher because it was clear
REVIEW = "review"  # waiting for a person
ACCEPTED = "accepted"  # a person said yes (or paired it by hand)
REJECTED = "rejected"  # a person said no
DECISIONS = (AUTO, REVIEW, ACCEPTED, REJECTED)
IN_OVERLAP = (AUTO, ACCEPTED)

DOMAIN = "domain"
NAME = "name"
MANUAL = "manual"
HASH = "hash"
PSI = "psi"  # same domain, found by the private overlap exchange (private set intersection)
METHODS = (DOMAIN, NAME, MANUAL, HASH, PSI)

# Flags a matcher may put on a pair (shown in the review pane).
FLAG_NAMES_DIFFER = "names-differ"  # same domain, very different names
FLAG_ONE_TO_MANY = "one-to-many"  # one account matches several on the other side
FLAG_CLOSE_CANDIDATES = "close-candidates"  # other candidates within a few points
FLAG_DIFFERENT_DOMAINS = "different-domains"  # name match, but both sides have other domains
FLAG_NO_DOMAIN = "no-domain"  # name match where a side had no usable domain
FLAG_COMMON_NAME = "common-name"  # name made only of common words: several firms may share it
FLAG_DIFFERENT_COUNTRY = "different-country"  # the two records give different countries
FLAG_DIFFERENT_CITY = "different-city"  # same or unknown country, different cities
FLAG_DOMAIN_UNLIKE_NAME = "domain-unlike-name"  # the one domain looks like neither name
FLAG_SAME_PLACE = "same-place"  # a common name backed by the same city and country on both sides
FLAG_NAME_NOTE = "name-note"  # the names are equal once a note in brackets is left out

ACTION_OPEN = "open"
ACTION_DONE = "done"
ACTION_DROPPED = "dropped"
ACTION_STATUSES = (ACTION_OPEN, ACTION_DONE, ACTION_DROPPED)


# --- problems and errors ----------------------------------------------------------------------

QUOTED_MOST = 40  # characters of a value a message quotes; a longer one is cut


def quoted(value: Any) -> str:
    """A value as a message quotes it (its repr); a longer text is cut after QUOTED_MOST
    characters and its length said, "'SSSS…' (10,000 characters)": a cell of a broken export
    is not echoed whole. `_UNKNOWN_STATUS` reads this back."""
    if isinstance(value, str):
        if len(value) <= QUOTED_MOST:
            return repr(value)
        return f"{value[:QUOTED_MOST] + '…'!r} ({len(value):,} characters)"
    text = repr(value)
    return text if len(text) <= QUOTED_MOST else text[:QUOTED_MOST] + "…"


@dataclass(frozen=True)
class Problem:
    """Something wrong in an input, located so a person can find and fix it.

    `row` is the line a spreadsheet shows (header = row 1, first data row = row 2).
    """

    file: str
    row: int | None
    column: str | None
    message: str
    level: str = "warning"  # "warning": row skipped or value ignored; "error": file unusable

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {quoted(self.column)}"
        return f"{where}: {self.message}"


class AcctmapError(Exception):
    """A failure a user can act on; its text names the file (and row/column when known)."""

    def __init__(self, problem: Problem | str):
        if isinstance(problem, str):
            problem = Problem(file="", row=None, column=None, message=problem, level="error")
        self.problem = problem
        super().__init__(str(problem) if problem.file else problem.message)


class IngestError(AcctmapError):
    """A list file that cannot be read at all."""


class SessionError(AcctmapError):
    """A session file that cannot be loaded (corrupt TOML, wrong schema). `located` names the
    file, line and field without the value found there ("" when the message holds none): what a
    share-safe screen may say of a file whose values may be private."""

    def __init__(self, problem: Problem | str, located: str = "") -> None:
        super().__init__(problem)
        self.located = located

    def located_in(self, file_named: str) -> str:
        """`located` with the file called `file_named` (a share-safe screen's words for a file
        whose name may name another partner)."""
        where = self.located.removeprefix(self.problem.file).removeprefix(": ")
        return f"{file_named}: {where}" if where else file_named


# --- one side's accounts ----------------------------------------------------------------------


class Extra(MutableMapping[str, str]):
    """A record's other columns, by header, as a dict gives them: the list's headers (one dict of
    header -> position that every record of the list shares) and this row's cells in that order.

    A CRM export of 250 columns held 10 KB a row as dicts, most of it the dicts' own tables;
    this is the cells and a pointer. A header not in the list's (set by hand) is kept aside.
    """

    __slots__ = ("_at", "_cells", "_more")

    def __init__(self, at: dict[str, int], cells: list[str | None], more: dict[str, str] | None = None) -> None:
        self._at, self._cells, self._more = at, cells, more  # a cell of None: deleted

    def _whole(self) -> bool:
        """Every header has its cell and nothing is kept aside (nearly always)."""
        return self._more is None and None not in self._cells

    # A header's cell is changed in place; a header deleted (its cell None) and set again goes
    # to `_more`, after the others, where a dict would put it.
    def __getitem__(self, key: str) -> str:
        i = self._at.get(key)
        if i is not None and self._cells[i] is not None:
            return self._cells[i]  # type: ignore[return-value]
        if self._more is not None:
            return self._more[key]
        raise KeyError(key)

    def __setitem__(self, key: str, value: str) -> None:
        i = self._at.get(key)
        if i is not None and self._cells[i] is not None:
            self._cells[i] = value
        else:
            if self._more is None:
                self._more = {}
            self._more[key] = value

    def __delitem__(self, key: str) -> None:
        i = self._at.get(key)
        if i is not None and self._cells[i] is not None:
            self._cells[i] = None
        elif self._more is not None and key in self._more:
            del self._more[key]
        else:
            raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        if self._whole():
            return iter(self._at)
        return iter(self.copy())

    def __len__(self) -> int:
        if self._whole():
            return len(self._cells)
        return len(self.copy())

    def __contains__(self, key: object) -> bool:
        i = self._at.get(key)  # type: ignore[call-overload]
        if i is not None and self._cells[i] is not None:
            return True
        return self._more is not None and key in self._more

    def copy(self) -> dict[str, str]:
        """The columns as a plain dict (in the list's order, then any set by hand)."""
        if self._whole():
            return dict(zip(self._at, self._cells))
        out = {k: v for k, v in zip(self._at, self._cells) if v is not None}
        out.update(self._more or {})
        return out

    def items(self):  # type: ignore[override]  # a view of a plain copy: one pass in C
        return self.copy().items()

    def values(self):  # type: ignore[override]
        return self.copy().values()

    def __eq__(self, other: object) -> bool:
        return self.copy() == (other.copy() if isinstance(other, Extra) else other)

    def __repr__(self) -> str:
        return repr(self.copy())

    def __reduce__(self) -> tuple:
        return Extra, (self._at, self._cells, self._more)


@dataclass
class Record:
    """One account of one side, after normalization and de-duplication."""

    name: str
    domain: str = ""  # registrable domain ("" when none usable); the HMAC hex digest when hashed
    status: str | None = None  # one of STATUSES; None when the status word was not understood
    raw_status: str = ""
    owner: str = ""
    raw_domain: str = ""
    name_key: str = ""
    extra: dict[str, str] | Extra = field(default_factory=dict)  # other columns, by header
    rows: list[int] = field(default_factory=list)  # source rows merged into this record
    hashed: bool = False
    # more domains from the same website cell ("acme.com; acme.de"): the matcher joins on them
    # too; not saved in the session (the raw cell is)
    other_domains: list[str] = field(default_factory=list, compare=False, repr=False)

    @property
    def key(self) -> str:
        """Stable identity within one list: the domain, else the name key."""
        return self.domain or f"name:{self.name_key}"

    def __reduce__(self) -> tuple:
        # pickled as its fields in order, not through __dict__: a session kept by
        # core.parse_cache reads back in half the time
        return Record, _RECORD_VALUES(self)


@dataclass
class AccountList:
    """One side's export, read and normalized."""

    side: str  # OURS or PARTNER
    company: str  # whose list it is, e.g. "Acme"
    path: str
    sha256: str = ""
    rows_read: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # role -> source header
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    hashed: bool = False
    status_map: dict[str, str] = field(default_factory=dict)  # status words a person mapped
    company_guessed: bool = False  # `company` made from the file name: no one gave it

    def __reduce__(self) -> tuple:
        return _account_list, (self.side, self.company, self.path, self.sha256, self.rows_read,
                               self.columns, _record_columns(self.records), self.problems,
                               self.hashed, self.status_map, self.company_guessed)


# Record's fields in its constructor's order, and the texts each record has its own of (the
# status words and owners are a few texts that many records share).
_RECORD_FIELDS = tuple(f.name for f in fields(Record))
_RECORD_VALUES = attrgetter(*_RECORD_FIELDS)
_OWN_TEXT_FIELDS = frozenset({"name", "domain", "raw_domain", "name_key"})


def _record_columns(records: list[Record]) -> bytes:
    """Records as one marshal of their fields a column at a time (`_packed`), taken in one pass
    over the records: a 200k list read in a second process is packed in 0.75-0.89 s (1.0-1.2 s
    a column a pass; a tuple a record took longer, and pickle twice as long again: a memo entry
    per record, list and dict), and unpacked in about 0.5 s."""
    columns = list(zip(*map(_RECORD_VALUES, records))) or [()] * len(_RECORD_FIELDS)
    return marshal.dumps((len(records), list(map(_packed, _RECORD_FIELDS, columns))))


def _packed(name: str, column: tuple) -> Any:
    """One column of `_record_columns` in the form that crosses fastest, measured: a column of
    texts of their own joined into one text (unless a NUL is inside or a value is not text);
    the other domains as those of the few records with some; any other column as it is, where
    marshal writes a text, list or dict that records share once."""
    if name in _OWN_TEXT_FIELDS:
        try:
            joined = "\0".join(column)
        except TypeError:  # not all texts
            return column
        return joined if joined.count("\0") == len(column) - 1 else column
    if name == "other_domains":
        return {i: more for i, more in enumerate(column) if more}
    if name == "extra":
        first = column[0] if column else None
        if isinstance(first, Extra) and all(
                type(e) is Extra and e._at is first._at and e._whole() for e in column):
            return {"headers": first._at, "cells": [e._cells for e in column]}  # the headers once
        return [e.copy() if isinstance(e, Extra) else e for e in column]
    return column


def _unpacked(name: str, column: Any, count: int) -> Any:
    """A column of `_record_columns` as `Record` takes it."""
    if isinstance(column, str):
        return column.split("\0")
    if name == "other_domains":
        out: list[list[str]] = [[] for _ in range(count)]
        for i, more in column.items():
            out[i] = more
        return out
    if name == "extra" and isinstance(column, dict):
        return list(map(Extra, repeat(column["headers"]), column["cells"]))
    return column


def _account_list(side: str, company: str, path: str, sha256: str, rows_read: int,
                  columns: dict[str, str], fields: bytes, *rest: Any) -> AccountList:
    """An AccountList from its pickled form (`AccountList.__reduce__`)."""
    count, record_columns = marshal.loads(fields)
    if not count:
        return AccountList(side, company, path, sha256, rows_read, columns, [], *rest)
    values = list(map(_unpacked, _RECORD_FIELDS, record_columns, [count] * len(_RECORD_FIELDS)))
    return AccountList(side, company, path, sha256, rows_read, columns,
                       list(map(Record, *values)), *rest)


# --- the session ------------------------------------------------------------------------------


@dataclass
class MatchInfo:
    method: str  # one of METHODS
    score: float  # 0-100
    decision: str  # one of DECISIONS
    flags: list[str] = field(default_factory=list)


@dataclass
class Account:
    """A candidate pair; in the overlap when its decision is auto or accepted."""

    ours: Record
    theirs: Record
    match: MatchInfo
    category: str | None = None  # a Category key; None when a status is unknown
    category_manual: bool = False  # True when a person overrode the computed category
    scores: dict[str, int] = field(default_factory=dict)  # factor key -> level (1..len(levels))
    priority: int = 0
    owner: str = ""
    next_action: str = ""
    due: date | None = None
    notes: str = ""
    action_status: str = ACTION_OPEN
    carried: bool = False  # filled from a prior session by carry-forward

    @property
    def key(self) -> str:
        """The account's identity across sessions: its registrable domain where known."""
        for rec in (self.ours, self.theirs):
            if rec.domain and not rec.hashed:
                return rec.domain
        return self.ours.key

    @property
    def pair_id(self) -> str:
        """Identity of this exact pairing, for storing and re-applying decisions."""
        return f"{self.ours.key}|{self.theirs.key}"

    @property
    def in_overlap(self) -> bool:
        return self.match.decision in IN_OVERLAP

    @property
    def name(self) -> str:
        return self.ours.name or self.theirs.name

    @property
    def win_back(self) -> bool:
        """Churned on either side: a win-back candidate."""
        return CHURNED in (self.ours.status, self.theirs.status)


MAX_WEIGHT = 10  # a factor's weight is 0..MAX_WEIGHT
MAX_LEVELS = 9  # the factors dialog gives a factor 1..MAX_LEVELS levels: the digit keys 1-9 score one


@dataclass
class Factor:
    """One scoring factor: its weight and its levels, low to high (scored 1..len(levels))."""

    key: str
    label: str
    weight: int
    levels: list[str]

    def clamp_level(self, level: int) -> int:
        """A level within 0 (unscored) .. the number of levels: more counts as the top level."""
        return max(0, min(level, len(self.levels)))

    def level(self, account: Account) -> int:
        """The account's level on this factor (0 when unscored)."""
        return self.clamp_level(account.scores.get(self.key, 0))

    @staticmethod
    def clamp_weight(weight: int) -> int:
        """A weight within 0 .. MAX_WEIGHT."""
        return max(0, min(weight, MAX_WEIGHT))


DEFAULT_FACTORS = (
    Factor("relationship", "Partner relationship", 3, ["Awareness", "User", "Champion"]),
    Factor("icp_fit", "ICP fit", 3, ["Weak", "Moderate", "Strong"]),
    Factor("timing", "Timing", 2, ["Long-term", "Upcoming budget", "Active need"]),
    Factor("deal_size", "Deal size", 2, ["Below ACV", "At ACV", "Above ACV"]),
    Factor("competition", "Competition", 1, ["Strong competitor", "Weak competitor", "None"]),
)


def default_factors() -> list[Factor]:
    return [Factor(f.key, f.label, f.weight, list(f.levels)) for f in DEFAULT_FACTORS]


@dataclass
class Scoring:
    factors: list[Factor] = field(default_factory=default_factors)
    top_n: int = 15  # how many accounts count as "priority"

    def factor(self, key: str) -> Factor | None:
        """The factor with this key, or None."""
        return next((f for f in self.factors if f.key == key), None)


@dataclass
class Thresholds:
    """Match settings (scores 0-100)."""

    auto_accept: float = 95.0  # name matches at or above this, unique and unflagged, are auto
    review: float = 80.0  # name matches at or above this go to review; below are dropped
    close_gap: float = 3.0  # another candidate within this many points makes a pair ambiguous
    names_differ: float = 40.0  # same-domain pairs whose names score below this go to review


PHASES = (("icp", 5), ("review", 20), ("prioritize", 20), ("assign", 15))
PHASE_LABELS = {
    "icp": "ICP review",
    "review": "Review & categorize",
    "prioritize": "Prioritize",
    "assign": "Assign",
}


@dataclass
class Agenda:
    phases: list[tuple[str, int]] = field(default_factory=lambda: list(PHASES))  # (key, minutes)
    current: str = "icp"
    elapsed_s: dict[str, float] = field(default_factory=dict)  # seconds spent per phase

    def call_s(self) -> float:
        """The call clock: seconds run in all phases."""
        return sum(self.elapsed_s.values())


def status_word(word: str) -> str:
    """A status word as a person's mapping tells words apart ("Partner " is "partner")."""
    return word.strip().casefold()


@dataclass
class Source:
    """Provenance of one side's list."""

    side: str
    company: str
    path: str
    sha256: str = ""
    rows: int = 0  # data rows read
    accounts: int = 0  # distinct accounts after de-duplication
    columns: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    hashed: bool = False
    status_map: dict[str, str] = field(default_factory=dict)  # status words mapped by a person

    def open_problems(self, unknown_words: Collection[str] | None = None) -> list[str]:
        """The problems still to act on: an unknown status word mapped since is no longer one.

        `unknown_words`: the words of this side's whole list still not understood, when the list
        is at hand. The count of the words past the first ten ("12 more unknown status words")
        then goes once none is left beyond those named one by one.
        """
        if not self.status_map:
            return list(self.problems)

        def still_open(problem: str) -> bool:
            found = _UNKNOWN_STATUS.search(problem)
            return not found or not any(_names_word(found, w) for w in self.status_map)

        kept = [p for p in self.problems if still_open(p)]
        if unknown_words is not None:
            named = [m for p in self.problems if (m := _UNKNOWN_STATUS.search(p))]
            if all(any(_names_word(m, w) for m in named) for w in unknown_words):
                kept = [p for p in kept if not _MORE_UNKNOWN.search(p)]
        return kept


# How ingest words an unknown status word in a problem ("unknown status 'Other'", a long one cut
# by `quoted`: "unknown status 'SSSS…' (10,000 characters)"), and the count of the words past the
# first ten ("12 more unknown status words (14 rows: ...)").
_UNKNOWN_STATUS = re.compile(r"unknown status (['\"])(.*?)\1(?: \(([\d,]+) characters\))?")
_MORE_UNKNOWN = re.compile(r"\b[\d,]+ more unknown status words \(")


def _names_word(found: re.Match[str], word: str) -> bool:
    """True when the word an unknown-status problem quotes (`found`) is `word`, as a status
    mapping tells words apart; a word the problem cut is told by its start and length."""
    shown = status_word(found.group(2))
    if found.group(3) is None:
        return shown == status_word(word)
    return (len(word.strip()) == int(found.group(3).replace(",", ""))
            and status_word(word).startswith(shown.removesuffix("…").rstrip()))


@dataclass
class FieldInfo:
    """Where a field came from and whether the partner may see it."""

    side: str  # OURS, PARTNER, or SESSION_SIDE for fields made on the call
    name: str  # role ("name", "domain", "status", "owner") or extra header, or session field
    column: str = ""  # source header it came from
    shareable: bool = False


def quarter(day: date) -> str:
    """'2026-Q4' for a date in October-December 2026."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


@dataclass
class Session:
    ours: str  # our company name
    partner: str  # the partner's company name
    title: str = ""
    schema: int = 1
    created: datetime = field(default_factory=utcnow)
    saved: datetime | None = None
    date: date = field(default_factory=date.today)  # the day of the call (for overdue actions)
    agenda: Agenda = field(default_factory=Agenda)
    sources: list[Source] = field(default_factory=list)
    fields: list[FieldInfo] = field(default_factory=list)
    scoring: Scoring = field(default_factory=Scoring)
    thresholds: Thresholds = field(default_factory=Thresholds)
    icp_notes: str = ""
    accounts: list[Account] = field(default_factory=list)
    # Identity of this session (kept by every save): a recovery file belongs to one session,
    # never to a file name. Not part of equality: two sessions with equal content are equal.
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False)

    def overlap(self) -> list[Account]:
        return [a for a in self.accounts if a.in_overlap]

    def review_queue(self) -> list[Account]:
        return [a for a in self.accounts if a.match.decision == REVIEW]

    def source(self, side: str) -> Source | None:
        return next((s for s in self.sources if s.side == side), None)

    def company(self, side: str) -> str:
        """Whose list a side is: our company's name or the partner's."""
        return self.ours if side == OURS else self.partner if side == PARTNER else side
