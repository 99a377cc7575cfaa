"""What the Prioritize screen shows: its columns, its rows in order, ranks and the text of each cell.

`PrioritizeView` holds the overlap, the rank index, the category / text filters and the sort, and
answers the screen's questions (which rows, in which order; which columns at this width; which rows
to repaint after a score moved; is the order out of date). The screen keeps only widgets and keys.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rich.text import Text

from acctmap_tui.core.categorize import category_of
from acctmap_tui.core.model import (
    CATEGORIES,
    OURS,
    PARTNER,
    SESSION_SIDE,
    STATUSES,
    Account,
    Factor,
    Session,
)
from acctmap_tui.core.score import Order, identity_shown, max_priority, name_order
from acctmap_tui.core.sharing import Shows, account_name, searchable_texts

FACTOR_PREFIX = "f:"
CATEGORY_FILTERS: tuple[str | None, ...] = (None, *(c.key for c in CATEGORIES))
NUMERIC_COLUMNS = ("priority",)  # plus every factor column: these sort high-to-low first
SORT_NAMES = {"rank": "rank", "name": "account", "ours": "our status", "theirs": "their status",
              "category": "category", "priority": "priority"}
TOP_STYLE = "bold"
MIN_ACCOUNT_WIDTH = 14
MAX_ACCOUNT_WIDTH = 34
MIN_FACTOR_WIDTH = 5  # "3 Ch…"; the header abbreviated to fit ("Rel.")

STATUS_SHORT = {"customer": "Cust", "open deal": "Deal", "prospect": "Prosp", "churned": "Churn"}


def status_short(status: str | None) -> str:
    """'Cust' / 'Deal' / 'Prosp' / 'Churn', or '?' for a status word nobody mapped."""
    return STATUS_SHORT.get(status or "", "?")


def matches_text(account: Account, needle: str, shows: Shows | None = None) -> bool:
    """Case-insensitive substring match on both names, the domains and the assigned owner,
    each only where `shows` lets the view show it."""
    if not needle:
        return True
    texts = searchable_texts(account, shows)
    if shows is None or shows(SESSION_SIDE, "owner"):
        texts.append(account.owner)
    return needle.casefold() in " ".join(texts).casefold()


def fit(text: str, width: int) -> str:
    """`text`, cut to `width` characters with an ellipsis when longer."""
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + "…"


def short_level(name: str, width: int) -> str:
    """A level name in at most `width` characters: whole, its first word, or cut."""
    if len(name) <= width:
        return name
    first = name.split()[0]
    if 3 <= len(first) <= width:
        return first
    return fit(name, width)


def abbreviate(word: str, width: int) -> str:
    """`word` shortened to at most `width` characters as people abbreviate: cut before a vowel,
    with a period ("Relationship", 6 -> "Relat."; "Competition", 6 -> "Comp.")."""
    if len(word) <= width:
        return word
    stem = word[:max(width - 1, 1)]
    while len(stem) > 3 and stem[-1].casefold() in "aeiouy":
        stem = stem[:-1]
    return stem + "."


def short_label(label: str, width: int) -> str:
    """A factor header in at most `width` characters: whole, else its longest word ("relationship"
    says more than "Partner r…"), else that word abbreviated. Never an ellipsis: the detail line
    and help (?) give the full name."""
    if len(label) <= width:
        return label
    word = max(label.split(), key=len)
    return abbreviate(word[0].upper() + word[1:], width)


def factor_cell_width(factor: Factor) -> int:
    """Natural width of a factor column: its header and its longest 'n Level' cell."""
    levels = [len(f"{i} {short_level(n, 9)}") for i, n in enumerate(factor.levels, start=1)]
    return max([len(short_label(factor.label, 12)), *levels])


@dataclass(frozen=True)
class ColumnSpec:
    """One table column: key, header, fixed width (None fits the content)."""

    key: str
    label: str | Text
    width: int | None = None


class RankIndex:
    """The overlap in rank order (priority high to low, then name: `by_name`, the view's
    `core.score.name_order`), kept sorted by bisection."""

    def __init__(self, accounts: Iterable[Account] = (), by_name: Order | None = None) -> None:
        self.by_name = by_name or name_order()
        self.rebuild(accounts)

    def _key(self, account: Account) -> tuple:
        # Same order as core.score.ranked, with pair_id last so every key is unique.
        return (-account.priority, *self.by_name(account), account.pair_id)

    def rebuild(self, accounts: Iterable[Account]) -> None:
        self._by_id = {a.pair_id: self._key(a) for a in accounts}
        self._order = sorted(self._by_id.values())

    def __len__(self) -> int:
        return len(self._order)

    def ids(self) -> list[str]:
        """Pair ids in rank order."""
        return [key[-1] for key in self._order]

    def __contains__(self, account: Account) -> bool:
        return account.pair_id in self._by_id

    def rank(self, account: Account) -> int:
        """1-based rank, or 0 when the account is not in the overlap."""
        key = self._by_id.get(account.pair_id)
        return bisect_left(self._order, key) + 1 if key is not None else 0

    def move(self, account: Account) -> list[str]:
        """Re-place one account after its priority changed; returns the pair ids whose rank moved."""
        old = self._by_id.get(account.pair_id)
        new = self._key(account)
        if old is None or old == new:
            return []
        lo = bisect_left(self._order, old)
        del self._order[lo]
        insort(self._order, new)
        self._by_id[account.pair_id] = new
        hi = bisect_left(self._order, new)
        if lo > hi:
            lo, hi = hi, lo
        return [key[-1] for key in self._order[lo:hi + 1]]


@dataclass
class Pager:
    """Which slice of a long list a table shows: pages of `size` rows."""

    size: int
    total: int = 0
    start: int = 0

    def show(self, total: int, focus_index: int | None = None) -> None:
        """A new list of `total` rows: the page holding `focus_index` (else the first)."""
        self.total = total
        index = focus_index if focus_index is not None and 0 <= focus_index < total else 0
        self.start = (index // self.size) * self.size if self.size < total else 0

    def turn(self, delta: int) -> bool:
        """The next (+1) or previous (-1) page; False when there is none."""
        start = self.start + delta * self.size
        if start < 0 or start >= self.total:
            return False
        self.start = start
        return True

    @property
    def end(self) -> int:
        return min(self.start + self.size, self.total)

    @property
    def paged(self) -> bool:
        return self.total > self.size


@dataclass(frozen=True)
class ScoreMoved:
    """Which shown rows to repaint after one account's score changed."""

    whole_rows: list[Account]  # the scored row and rows that gained or lost the top-N mark
    rank_only: list[Account]  # rows whose rank number moved


@dataclass(frozen=True)
class Resynced:
    """What changed in a full sync: the column set, and whether the row list must be rebuilt."""

    columns_changed: bool
    rows_changed: bool


class PrioritizeView:
    """The Prioritize screen's state and arithmetic, without widgets."""

    def __init__(self, session: Session, shows: Shows) -> None:
        self.session = session
        self.shows = shows
        self.overlap: dict[str, Account] = {}
        self.ranks = RankIndex(by_name=name_order(shows, session.session_id))
        self.scored: set[str] = set()  # pair ids with a priority above 0
        self.category: str | None = None
        self.text = ""
        self.sort: tuple[str, bool] = ("rank", False)  # column key, descending
        self.stale = False  # ranks moved since the rows were last sorted
        self.level_text: dict[str, list[str]] = {}  # factor key -> cell text per level (0 = unscored)
        self.factor_shape: tuple = ()  # the factors the columns were built for
        self.identity: tuple[bool, ...] = identity_shown(shows)  # the names the order is by

    def by_name(self) -> Order:
        """The order by name of the names shown now (`core.score.name_order`); when they are
        no longer the ones the ranks were made for (the share-safe view or a mark changed), the
        ranks are made again: a tie must not go by a name the screen hides."""
        if self._follow_identity():
            self.ranks.rebuild(self.overlap.values())
        return self.ranks.by_name

    def _follow_identity(self) -> bool:
        """Take the order by the names shown now; True when it is another one."""
        identity = identity_shown(self.shows)
        if identity == self.identity:
            return False
        self.identity = identity
        self.ranks.by_name = name_order(self.shows, self.session.session_id)
        return True

    # --- the overlap and its ranks ------------------------------------------------------

    def load(self) -> None:
        """Read the whole overlap again (first draw, or after matches changed)."""
        self.overlap = {a.pair_id: a for a in self.session.overlap()}
        self._follow_identity()
        self.ranks.rebuild(self.overlap.values())
        self.scored = {pid for pid, a in self.overlap.items() if a.priority > 0}

    def score_moved(self, account: Account, shown: Callable[[Account], bool]) -> ScoreMoved:
        """One account's priority may have moved: re-place it, say which shown rows to repaint."""
        moved = self.ranks.move(account)
        if account.priority > 0:
            self.scored.add(account.pair_id)
        else:
            self.scored.discard(account.pair_id)
        top_n = self.session.scoring.top_n
        edge, shifted = [], []  # only rows at the top-N edge can gain or lose the priority mark
        for pid in moved:
            other = self.overlap.get(pid)
            if other is None or other is account or not shown(other):
                continue
            (edge if self.ranks.rank(other) in (top_n, top_n + 1) else shifted).append(other)
        self.stale = self.stale or self.order_may_change(bool(moved))
        return ScoreMoved([account, *edge], shifted)

    def order_may_change(self, ranks_moved: bool) -> bool:
        """Whether a score change may have put the rows out of their sort order."""
        column = self.sort[0]
        return (column == "rank" and ranks_moved) or column == "priority" or column.startswith(
            FACTOR_PREFIX)

    def resync(self) -> Resynced:
        """Catch up with any change (weights, undo, matches, a load)."""
        overlap = {a.pair_id: a for a in self.session.overlap()}
        self.scored = {pid for pid, a in overlap.items() if a.priority > 0}
        columns_changed = resort = False
        self._follow_identity()  # a mark changed: the ties of the rank go by what shows
        if self.factors_now() != self.factor_shape:
            # Factors renamed, re-levelled, added or removed: rare, so the columns are rebuilt.
            columns_changed = True
            keys = {FACTOR_PREFIX + f.key for f in self.session.scoring.factors}
            if self.sort[0].startswith(FACTOR_PREFIX) and self.sort[0] not in keys:
                self.sort, resort = ("rank", False), True  # that factor is gone
        if resort or overlap.keys() != self.overlap.keys():
            self.overlap = overlap
            self.ranks.rebuild(overlap.values())
            return Resynced(columns_changed, True)
        before = self.ranks.ids()
        self.ranks.rebuild(overlap.values())
        self.stale = self.stale or self.order_may_change(self.ranks.ids() != before)
        return Resynced(columns_changed, False)

    def is_top(self, account: Account, rank: int | None = None) -> bool:
        """A priority account: scored, and within the top N of the rank."""
        rank = self.ranks.rank(account) if rank is None else rank
        return account.priority > 0 and 0 < rank <= self.session.scoring.top_n

    # --- columns ------------------------------------------------------------------------

    @property
    def scores_shown(self) -> bool:
        return self.shows(SESSION_SIDE, "scores")

    @property
    def rank_shown(self) -> bool:
        """Rank, ★ and the top-N bold follow the priority: shown only while it may be."""
        return self.shows(SESSION_SIDE, "priority")

    def factors_now(self) -> tuple:
        """What the factor columns show of the factors (weights only move numbers)."""
        return tuple((f.key, f.label, tuple(f.levels)) for f in self.session.scoring.factors)

    def rank_digits(self) -> int:
        return max(2, len(str(len(self.overlap))))

    def columns(self, width: int) -> list[ColumnSpec]:
        """The visible columns for a table `width` cells wide (account takes what is left).

        On a narrow screen the two status columns go first (the category code and the line
        under the table still say them), then the factor columns shrink.
        """
        factors = self.session.scoring.factors
        self.factor_shape = self.factors_now()
        statuses: list[ColumnSpec] = []
        if self.shows(OURS, "status"):
            statuses.append(ColumnSpec("ours", "Ours", 5))
        if self.shows(PARTNER, "status"):
            statuses.append(ColumnSpec("theirs", "Theirs", 6))
        category = [ColumnSpec("category", "Cat", 6)] if self.shows(SESSION_SIDE, "category") else []
        show_priority = self.shows(SESSION_SIDE, "priority")
        widths = [factor_cell_width(f) for f in factors] if self.scores_shown else []
        # Prio fits the highest priority the factors allow ("15" never shows as "1").
        priority_width = max(4, len(str(max_priority(factors))))

        rank = [ColumnSpec("rank", "Rank", self.rank_digits() + 2)] if self.rank_shown else []

        def room_for_account() -> int:
            fixed = (self.rank_digits() + 4 if rank else 0) + 2
            fixed += sum(s.width + 2 for s in statuses + category if s.width)
            fixed += priority_width + 2 if show_priority else 0
            return width - fixed - sum(w + 2 for w in widths)

        if room_for_account() < MIN_ACCOUNT_WIDTH and widths:
            statuses = []
        if room_for_account() < MIN_ACCOUNT_WIDTH and widths:
            per = max(MIN_FACTOR_WIDTH,
                      (room_for_account() + sum(w + 2 for w in widths) - MIN_ACCOUNT_WIDTH)
                      // len(widths) - 2)
            widths = [min(w, per) for w in widths]
        account = max(MIN_ACCOUNT_WIDTH, min(MAX_ACCOUNT_WIDTH, room_for_account()))
        specs = [*rank, ColumnSpec("name", "Account", account),
                 *statuses, *category]
        self.level_text = {}
        for factor, w in zip(factors, widths):
            self.level_text[factor.key] = ["·"] + [
                f"{i} {short_level(n, w - 2)}" for i, n in enumerate(factor.levels, start=1)
            ]
            specs.append(ColumnSpec(FACTOR_PREFIX + factor.key, short_label(factor.label, w), w))
        if show_priority:
            specs.append(ColumnSpec("priority", Text("Prio", justify="right"), priority_width))
        return specs

    def factor_label(self, column: str) -> str:
        key = column[len(FACTOR_PREFIX):]
        factor = next((f for f in self.session.scoring.factors if f.key == key), None)
        return factor.label if factor else column

    # --- cells --------------------------------------------------------------------------

    def cell(self, account: Account, key: str) -> Text:
        """The text (and style) of one cell."""
        rank = self.ranks.rank(account)
        style = TOP_STYLE if self.rank_shown and self.is_top(account, rank) else ""
        if key == "rank":
            mark = "★" if style else " "
            return Text(f"{mark} {rank:>{self.rank_digits()}}", style=style, overflow="ellipsis")
        if key == "name":
            text = account_name(account, self.shows)
        elif key == "ours":
            text = status_short(account.ours.status)
        elif key == "theirs":
            text = status_short(account.theirs.status)
        elif key == "category":
            cat = category_of(account)
            text = cat.code if cat else "—"
        elif key == "priority":
            return Text(str(account.priority), style=style, justify="right")
        elif key.startswith(FACTOR_PREFIX):
            factor_key = key[len(FACTOR_PREFIX):]
            factor = self.session.scoring.factor(factor_key)
            levels = self.level_text.get(factor_key, ["·"])
            # Fewer levels than the account's score: it counts (and shows) as the top level.
            text = levels[min(factor.level(account), len(levels) - 1)] if factor else "·"
        else:
            text = ""
        return Text(text, style=style, overflow="ellipsis", no_wrap=True)

    # --- filter and sort ----------------------------------------------------------------

    def _sort_key(self, column: str) -> Callable[[Account], object] | None:
        if column == "name":
            return self.by_name()
        if column in ("ours", "theirs"):
            def status_order(a: Account) -> int:
                status = (a.ours if column == "ours" else a.theirs).status
                return STATUSES.index(status) if status in STATUSES else len(STATUSES)
            return status_order
        if column == "category":
            order = [c.key for c in CATEGORIES]
            return lambda a: order.index(a.category) if a.category in order else len(order)
        if column == "priority":
            return lambda a: a.priority
        if column.startswith(FACTOR_PREFIX):
            factor = column[len(FACTOR_PREFIX):]
            return lambda a: a.scores.get(factor, 0)
        return None

    def rows(self) -> list[Account]:
        """The overlap as shown: category and text filters, then the chosen sort (clears stale)."""
        by_name = self.by_name()
        if self.rank_shown:
            accounts = [self.overlap[pid] for pid in self.ranks.ids()]
        else:  # the rank order would tell the private priority: go by name
            accounts = sorted(self.overlap.values(), key=by_name)
        if self.category:
            accounts = [a for a in accounts if a.category == self.category]
        if self.text:
            accounts = [a for a in accounts if matches_text(a, self.text, self.shows)]
        column, descending = self.shown_sort()
        key = self._sort_key(column)
        if key is not None:
            accounts.sort(key=key, reverse=descending)  # stable: ties stay in rank order
        elif descending:
            accounts.reverse()
        self.stale = False
        return accounts

    def shown_sort(self) -> tuple[str, bool]:
        """The sort in force: a hidden column (rank, priority, scores) cannot order the rows,
        so while it is hidden they go by name."""
        column, descending = self.sort
        if not self.rank_shown and column in ("rank", "priority"):
            return "name", False
        if not self.scores_shown and column.startswith(FACTOR_PREFIX):
            return "name", False
        return column, descending

    def sort_by(self, column: str) -> None:
        """Sort by a column; the column the rows are sorted by as shown (`shown_sort`: by name
        while the rank is hidden) reverses (numbers start high-to-low)."""
        current, descending = self.shown_sort()
        if column == current:
            self.sort = (column, not descending)
        else:
            self.sort = (column, column in NUMERIC_COLUMNS or column.startswith(FACTOR_PREFIX))

    def rerank(self) -> None:
        self.sort = ("rank", False)

    def next_category(self) -> None:
        index = CATEGORY_FILTERS.index(self.category)
        self.category = CATEGORY_FILTERS[(index + 1) % len(CATEGORY_FILTERS)]
