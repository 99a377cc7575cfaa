"""The share policy: which fields the partner may see, and the one vocabulary of fields.

A field is `(side, name)`: a list field (`OURS` / `PARTNER` with a role such as "name" or an
extra CRM header) or a field made on the call (`SESSION_SIDE` with "owner", "next_action", ...).
`FIELDS` names each known field once: what a person calls it on screen, which action-list
columns (core.export) and which compared fields (core.compare) it governs, and whether it is
shared until someone decides otherwise. Every other field (extra CRM columns) is private by
default. The session's marks (`Session.fields`, edited through `Workbench.set_shareable`) override
the default; `SharePolicy` answers for one session. The share-safe view, partner-safe exports and
the Compare screen all ask this module, so what the partner sees is decided in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter

from acctmap_tui.core.model import OURS, PARTNER, SESSION_SIDE, Account, FieldInfo, Record, Session

CORE_ROLES = ("name", "domain", "status")  # every list has these fields, with or without a column
SIDE_PREFIX = {OURS: "our", PARTNER: "their"}  # "our status", "their Industry"


@dataclass(frozen=True)
class Field:
    """One known field, in every place it shows."""

    side: str
    name: str
    label: str  # what a person calls it on screen
    shared_by_default: bool = False
    export_columns: tuple[str, ...] = ()  # action-list columns it governs
    compared: tuple[str, ...] = ()  # compared fields (core.compare.FIELDS) it governs


def _list_fields(side: str) -> tuple[Field, ...]:
    prefix = SIDE_PREFIX[side]
    return (
        Field(side, "name", "Account name", True, ("account",), (f"{prefix} name",)),
        Field(side, "domain", "Domain", True, ("domain",)),
        Field(side, "status", "Status", True, (f"{prefix} status",), (f"{prefix} status",)),
        Field(side, "owner", "Account owner"),
    )


FIELDS: tuple[Field, ...] = (
    *_list_fields(OURS),
    *_list_fields(PARTNER),
    # the call's fields, in the order the "what the partner sees" dialog lists them
    Field(SESSION_SIDE, "category", "Category", True, ("category",), ("category",)),
    Field(SESSION_SIDE, "play", "Play", True, ("play",)),
    Field(SESSION_SIDE, "owner", "Owner (who follows up)", True, ("owner",), ("owner",)),
    Field(SESSION_SIDE, "next_action", "Next action", True, ("next action",), ("next action",)),
    Field(SESSION_SIDE, "due", "Due date", True, ("due",), ("due",)),
    Field(SESSION_SIDE, "action_status", "Action status", True, ("action status",),
          ("action status",)),
    # a rank tells the priority order, so the priority's mark governs it too
    Field(SESSION_SIDE, "priority", "Priority", False, ("priority", "rank"), ("priority", "rank")),
    Field(SESSION_SIDE, "scores", "Factor scores"),
    Field(SESSION_SIDE, "notes", "Notes", False, ("notes",), ("notes",)),
)
_BY_KEY = {(f.side, f.name): f for f in FIELDS}
CALL_FIELDS = tuple(f.name for f in FIELDS if f.side == SESSION_SIDE)

# Fields that would tell others: each is shown only where every field it tells is marked shared,
# whatever its own mark. A category names both statuses ("We vouch": we have the customer, they
# the prospect), and a play its category; our status, beside theirs (the partner's own), names
# the category; an action's status and its due date tell which accounts have a next action (the
# top of a private priority list). Listed whole, so a mark is all it takes to answer.
_CATEGORY_FROM = ((OURS, "status"), (PARTNER, "status"))
FOLLOWS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    (SESSION_SIDE, "category"): _CATEGORY_FROM,
    (SESSION_SIDE, "play"): ((SESSION_SIDE, "category"), *_CATEGORY_FROM),
    (OURS, "status"): ((SESSION_SIDE, "category"),),
    (SESSION_SIDE, "action_status"): ((SESSION_SIDE, "next_action"),),
    (SESSION_SIDE, "due"): ((SESSION_SIDE, "next_action"),),
}


def _governing(attr: str) -> dict[str, tuple[tuple[str, str], ...]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for f in FIELDS:
        for name in getattr(f, attr):
            out.setdefault(name, []).append((f.side, f.name))
    return {name: tuple(fields) for name, fields in out.items()}


# action-list column -> the fields whose marks govern it (shown when any one is shared)
EXPORT_COLUMN_FIELDS = _governing("export_columns")
# compared field -> the field whose mark governs it
COMPARED_FIELD = {name: fields[0] for name, fields in _governing("compared").items()}


def field_label(side: str, name: str) -> str:
    """The name a person knows a field by ("Account name", "Next action", "Billing Country")."""
    known = _BY_KEY.get((side, name))
    if known is not None:
        return known.label
    return name.replace("_", " ").capitalize() if side == SESSION_SIDE else name


def field_named(session: Session, side: str, name: str) -> str:
    """A field as a message names it: its label, and whose list for a list's field ("Account
    name (Northwind)", "Owner (who follows up)"), as the sharing dialog groups them."""
    label = field_label(side, name)
    return label if side == SESSION_SIDE else f"{label} ({session.company(side)})"


def default_shareable(side: str, name: str) -> bool:
    """Default policy: names, domains, statuses and the call's plan are shared; nothing else."""
    known = _BY_KEY.get((side, name))
    return known.shared_by_default if known else False


class SharePolicy:
    """Answers "may the partner see this field?" for one session: its marks, else the default."""

    def __init__(self, session: Session):
        self.marks = {(f.side, f.name): f.shareable for f in session.fields}
        self._answers: dict[tuple[str, str], bool] = {}  # asked for every cell of a screen

    def marked(self, side: str, name: str) -> bool:
        """The field's own mark (the session's, else the default)."""
        return self.marks.get((side, name), default_shareable(side, name))

    def shareable(self, side: str, name: str) -> bool:
        """Marked shared, and so is every field it would tell (`FOLLOWS`)."""
        key = (side, name)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = self.marked(side, name) and not self.kept_private_by(*key)
        return answer

    def kept_private_by(self, side: str, name: str) -> list[tuple[str, str]]:
        """The fields marked private that keep this one private although it is marked shared."""
        if not self.marked(side, name):
            return []
        return [other for other in FOLLOWS.get((side, name), ()) if not self.marked(*other)]

    def column_shareable(self, column: str) -> bool:
        """An action-list column: shown when a field governing it is shared (a column no field
        governs always is)."""
        fields = EXPORT_COLUMN_FIELDS.get(column)
        return fields is None or any(self.shareable(*f) for f in fields)

    def compared_shareable(self, field: str) -> bool:
        """A compared field (core.compare.FIELDS), by the mark of the field it shows."""
        return self.shareable(*COMPARED_FIELD.get(field, (SESSION_SIDE, field)))


Shows = Callable[[str, str], bool]  # (side, field) -> may a view show it

# What a text says of one thing: a value with the field it is of, or, for an account's name,
# the values that can stand for it in the order they are tried (ours, then theirs).
Value = tuple[tuple[str, str], str]


@dataclass(frozen=True)
class Said:
    """A text that names values of fields (what an edit changed, for its undo): said whole, or
    with each value the partner may not see replaced by the name of its field."""

    pieces: tuple[str | tuple[Value, ...], ...]

    def text(self, shows: Shows | None = None) -> str:
        """The whole text, or what a view that `shows(side, field)` may show of it."""
        out = []
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            shown = next((value for field, value in piece
                          if value and (shows is None or shows(*field))), None)
            out.append(shown if shown is not None else _hidden(*piece[0][0]))
        return "".join(out)

    def __str__(self) -> str:
        return self.text()


def _hidden(side: str, name: str) -> str:
    what = name.replace("_", " ")
    return f"({SIDE_PREFIX[side]} {what} hidden)" if side in SIDE_PREFIX else f"({what} hidden)"


def said(*pieces: str | Value | tuple[Value, ...]) -> Said:
    """A `Said` from words and values: `said(name_of(a), ": notes ", ((SESSION_SIDE, "notes"), text))`."""
    return Said(tuple(p if isinstance(p, str) or isinstance(p[0][0], tuple) else (p,)  # type: ignore[misc]
                      for p in pieces))


def record_name_of(record: Record, side: str) -> tuple[Value, Value]:
    """One side's record as a text says it: its name, else its domain (a hash never shows)."""
    return ((side, "name"), record.name), ((side, "domain"), "" if record.hashed else record.domain)


def name_of(account: Account) -> tuple[Value, ...]:
    """An account's name as a text says it: ours where the partner may see it, else theirs,
    else its domain (the identity rule of the partner-safe action list)."""
    (ours, our_domain), (theirs, their_domain) = (record_name_of(account.ours, OURS),
                                                  record_name_of(account.theirs, PARTNER))
    return ours, theirs, our_domain, their_domain


HIDDEN_NAME = "(name hidden)"


def account_name(account: Account, shows: Shows | None = None) -> str:
    """An account's name as a view that `shows(side, field)` may show it (`name_of`)."""
    return Said((name_of(account),)).text(shows)


def record_name(record: Record, side: str, shows: Shows | None = None) -> str:
    """One side's name for a record, unless the view keeps that side's names private."""
    return record.name if shows is None or shows(side, "name") else HIDDEN_NAME


def searchable_texts(account: Account, shows: Shows | None = None) -> list[str]:
    """The texts a filter typed on screen may match an account by: both names and both domains,
    each only where the view may show it (a filter that matched a hidden name would tell, by
    the rows it leaves, what the hidden name holds)."""
    texts = []
    for side, rec in ((OURS, account.ours), (PARTNER, account.theirs)):
        if shows is None or shows(side, "name"):
            texts.append(rec.name)
        if not rec.hashed and (shows is None or shows(side, "domain")):
            texts.append(rec.domain)
    return texts


def view_shows(session: Session, share_safe: bool) -> Shows | None:
    """What a view may show: the session's policy while the share-safe view is on, else all."""
    return SharePolicy(session).shareable if share_safe else None


def is_shareable(session: Session, side: str, name: str) -> bool:
    """May the partner see this field? The session's mark, else the default policy."""
    return SharePolicy(session).shareable(side, name)


def extra_headers(accounts: Iterable[Account], side: str) -> list[str]:
    """The extra CRM columns one side's records carry, sorted."""
    records = map(attrgetter("ours" if side == OURS else "theirs"), accounts)
    return sorted(set(chain.from_iterable(map(attrgetter("extra"), records))))


def default_field_policy(session: Session) -> list[FieldInfo]:
    """FieldInfo for every field a session holds, marked shareable by the default policy."""
    fields: list[FieldInfo] = []
    for side in (OURS, PARTNER):
        src = session.source(side)
        columns = dict(src.columns) if src else {}
        for role in CORE_ROLES:
            columns.setdefault(role, "")
        for role, header in columns.items():
            fields.append(FieldInfo(side, role, header, default_shareable(side, role)))
        for header in extra_headers(session.accounts, side):
            if header not in columns:
                fields.append(FieldInfo(side, header, header, False))
    for name in CALL_FIELDS:
        fields.append(FieldInfo(SESSION_SIDE, name, "", default_shareable(SESSION_SIDE, name)))
    return fields


def marks_unlike_default(session: Session) -> str:
    """The session's marks that differ from the default policy, in words ("private: Account name
    (Northwind), Owner; shared: Industry (Northwind)"), or "" when it has none: what a session
    started from a prior one keeps of what the partner sees, for the start to say."""
    private = [field_named(session, f.side, f.name) for f in session.fields
               if not f.shareable and default_shareable(f.side, f.name)]
    shared = [field_named(session, f.side, f.name) for f in session.fields
              if f.shareable and not default_shareable(f.side, f.name)]
    return "; ".join(f"{word}: {', '.join(names)}" for word, names in
                     (("private", private), ("shared", shared)) if names)


def carry_marks(fields: Iterable[FieldInfo], prior: Iterable[FieldInfo]) -> None:
    """Mark a new session's fields as a prior session of the partnership marked them (in place).

    `fields` is the new session's `default_field_policy`; `prior` the prior session's marks. A
    field is the same field when its side and name are (a call field such as "owner" or
    "next_action"; a list role such as "name" or "owner"; an extra CRM column, by its header).

    - Private stays private: a field the prior marked private is private, and so is a list field
      read from a column (same side, same header) the prior kept private, whatever role it is
      read as now: the partner has not seen those values, and a new quarter does not show them.
    - A shared mark carries when it is the same field from the same column: the user chose to
      share it, even where the default would not (a call field, an extra column they shared, the
      list's owner column). A list role read from another column this quarter (a renamed or
      remapped header) is not what the user shared: it keeps the default, or stays private.
    - A field the prior did not have (a column new this quarter, or renamed) keeps the default:
      private for an extra CRM column.

    The prior's marks and the default cannot be told apart (a session stores both as marks), so
    a prior's default counts as its choice: this only ever makes a field stricter than the
    default, except where the prior's mark of that very field and column was shared.
    """
    prior = list(prior)
    marks = {(f.side, f.name): f for f in prior}
    private_columns = {(f.side, f.column) for f in prior
                       if f.side != SESSION_SIDE and f.column and not f.shareable}
    for f in fields:
        before = marks.get((f.side, f.name))
        if (before is not None and not before.shareable) or (f.side, f.column) in private_columns:
            f.shareable = False
        elif before is not None and (f.side == SESSION_SIDE or before.column == f.column):
            f.shareable = True
