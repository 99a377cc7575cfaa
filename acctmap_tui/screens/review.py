"""Phase screen: Review & categorize.

Left, the candidate pairs in three views: the review queue (best score first), the overlap (with
each account's category) and the rejected pairs. Right, the diff pane for the selected pair. In the
share-safe view a method, score or flag made from a private field (names, domains, country or city
columns) is not shown, and the queue does not go by it (`core.review_order.shown_match`). Keys:
a accept, r reject, c take the other candidate marked in the pane ([ ] choose it), m pair by hand,
g set the category, u undo, / filter by name, v switch view.

The table is never rebuilt row by row: after a change (or a view switch, or a filter) the screen
works out the rows the view should show and `ReviewTable.show_rows` puts them in place in one pass,
keeping the rows it already has and re-rendering only the cells that changed. Views show at most
`MAX_ROWS` rows; the filter finds the rest.

Moving the cursor redraws the diff pane in the same frame as the table (the pane follows the
cursor's reactive, not the RowHighlighted message, which arrives a frame later); the pane keeps
the pairs it rendered recently, keyed by pair, session revision, share-safe view and marked
candidate. Rows are keyed by the pair's `pair_id`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from functools import lru_cache

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.timer import Timer
from textual.widgets import Input, Static, Tab, Tabs

from acctmap_tui.core.categorize import category_of
from acctmap_tui.commands import ListedCommands
from acctmap_tui.core.model import (
    ACCEPTED,
    IN_OVERLAP,
    OURS,
    PARTNER,
    REJECTED,
    REVIEW,
    SESSION_SIDE,
    Account,
)
from acctmap_tui.core.review_order import ShownMatch, evidence_shown, evidence_view, queue_order
from acctmap_tui.core.score import names_order
from acctmap_tui.core.sharing import HIDDEN_NAME, Shows, searchable_texts
from acctmap_tui.core.workbench import Change, ChangeKind
from acctmap_tui.screens.base import PhaseScreen, skip_while_typing
from acctmap_tui.screens.dialogs import FieldInput
from acctmap_tui.screens.review_category import AUTOMATIC, CategoryDialog
from acctmap_tui.screens.review_pair import PairDialog
from acctmap_tui.widgets.agenda_header import AgendaFooter, AgendaHeader
from acctmap_tui.widgets.diff_pane import DiffPane, best_first, decision_mark
from acctmap_tui.widgets.fast_table import FastTable

QUEUE, OVERLAP, REJECTED_VIEW = "queue", "overlap", "rejected"
VIEWS = (QUEUE, OVERLAP, REJECTED_VIEW)
VIEW_LABELS = {QUEUE: "Queue", OVERLAP: "Overlap", REJECTED_VIEW: "Rejected"}
MAX_ROWS = 1000  # rows a view shows at once (a 10k-row table costs seconds to paint)
FILTER_DELAY = 0.25  # seconds after the last keystroke before the filter runs

METHOD_SHORT = {"domain": "dom", "name": "name", "manual": "hand", "hash": "hash", "psi": "psi"}
# (column key, label, width); the two name columns share the width that is left.
FIXED_COLUMNS = (("decision", "Decision", 10), ("method", "How", 4), ("score", "Scr", 3),
                 ("category", "Cat.", 6))
MIN_NAME_WIDTH = 8
HIDDEN_EVIDENCE = "—"  # a method or score made from a field the share-safe view keeps private


VIEW_DECISIONS = {QUEUE: (REVIEW,), OVERLAP: IN_OVERLAP, REJECTED_VIEW: (REJECTED,)}


def _view_key(view: str, shows: Shows | None = None, salt: str = "") -> Callable[[Account], tuple]:
    """A view's order: the queue likely pairs first (`core.review_order.queue_order`: by the
    evidence the view shows), the others by name; names as the view `shows` them
    (`core.score.names_order`: a hidden name orders nothing)."""
    if view == QUEUE:
        return queue_order(shows, salt)  # likely pairs first
    return names_order(shows, salt)


def view_order(accounts: list[Account], view: str, shows: Shows | None = None,
               salt: str = "") -> list[Account]:
    """Every pair, in the order `view` lists its own (`shows`: the share-safe view's; `salt`:
    the session's id). A pair's place never changes on the call (its flags, score and names are
    the matcher's; a decision only moves it between views), so the screen keeps this until
    pairs are added or taken away (`Workbench.pairs_version`) or other names or evidence show."""
    return sorted(accounts, key=_view_key(view, shows, salt))


def view_accounts(accounts: list[Account], view: str, text: str = "",
                  order: list[Account] | None = None, shows: Shows | None = None,
                  salt: str = "") -> list[Account]:
    """The pairs a view shows, in its order, filtered by a name or domain substring (`order`:
    `view_order` of these accounts, when kept; `shows`: the share-safe view's, whose hidden
    names and domains a filter does not match and the order does not go by)."""
    wanted = VIEW_DECISIONS[view]
    if order is None:  # the view's pairs sorted: the same order as filtering view_order's
        chosen = sorted((a for a in accounts if a.match.decision in wanted),
                        key=_view_key(view, shows, salt))
    else:
        chosen = [a for a in order if a.match.decision in wanted]
    q = text.strip().casefold()
    if q:
        chosen = [a for a in chosen if any(q in t.casefold() for t in searchable_texts(a, shows))]
    return chosen


def _row_key(account: Account) -> str:
    return account.pair_id


def _cells(account: Account, shown: tuple[bool, bool, bool] = (True, True, True),
           match: ShownMatch | None = None) -> tuple[str, str, str, str, str, str]:
    """A row's texts; `shown`: may our names, their names, the category show (share-safe);
    `match`: the match as the view shows it (`core.review_order.shown_match`), else all of it.
    A method or score made from a private field shows as HIDDEN_EVIDENCE."""
    cat = category_of(account)
    ours, theirs, category = shown
    m = match or ShownMatch(account.match.method, account.match.score, ())
    return (
        decision_mark(account.match.decision),
        (account.ours.name or "—") if ours else HIDDEN_NAME,
        (account.theirs.name or "—") if theirs else HIDDEN_NAME,
        HIDDEN_EVIDENCE if m.method is None else METHOD_SHORT.get(m.method, m.method),
        HIDDEN_EVIDENCE if m.score is None else f"{m.score:.0f}",
        (cat.code if cat else "—") if category else "·",
    )


@lru_cache(maxsize=16_384)
def _cell(value: str, column: str) -> Text:
    # The table has no cell padding (room for names on a 100-column screen): one leading space
    # separates the columns. Cells are cached (the table never changes a Text it shows): a view
    # switch then makes few new objects, which keeps Python's collector from pausing the screen.
    return Text(f" {value}", no_wrap=True, overflow="ellipsis",
                justify="right" if column == "score" else "left",
                style="bold" if column in ("decision", "category") else "")


COLUMN_ORDER = ("decision", "ours", "theirs", "method", "score", "category")


class ReviewTable(FastTable):
    """The review list: rows are replaced, kept or re-ordered in one pass (`FastTable.write_rows`).

    After an accept most rows on screen only moved up one line: the table's content-keyed render
    cache then only rewrites the row number each moved cell carries for mouse clicks.
    """

    def show_rows(self, keys: list[str], cells: dict[str, Iterable[Text]]) -> None:
        """Show the rows `keys` in this order (`cells`: the new or changed rows' cells)."""
        self.write_rows(keys, cells)


class ReviewCommands(ListedCommands):
    """The review screen's actions in the command palette."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        if not isinstance(screen, ReviewScreen):
            return []
        return [
            ("Review: accept pair", "Put the selected pair in the overlap (a)", screen.action_accept),
            ("Review: reject pair", "Turn the selected pair down (r)", screen.action_reject),
            ("Review: take other candidate", "Accept the candidate marked in the pane (c)",
             screen.action_take_other),
            ("Review: pair by hand", "Search the other list and pair two accounts (m)",
             screen.action_pair),
            ("Review: set category", "Override the category of the selected pair (g)",
             screen.action_category),
            ("Review: undo", "Undo the last change (u)", screen.action_undo),
            ("Review: filter by name", "Filter the list by name or domain (/)",
             screen.action_filter),
            ("Review: show review queue", "Pairs waiting for a decision",
             lambda: screen.show_view(QUEUE)),
            ("Review: show overlap", "Accounts in the overlap with their category",
             lambda: screen.show_view(OVERLAP)),
            ("Review: show rejected", "Pairs turned down", lambda: screen.show_view(REJECTED_VIEW)),
        ]


def status_message(counts: dict[str, int], in_view: int, shown: int, filtered: bool) -> str:
    """The line under the tabs: what the table holds first (the filter's matches, the first rows
    of a view too big to show whole), then the counts, which the tabs repeat. One line: the
    pane is ~60 columns at 120, and what it cannot hold is cut at the end."""
    parts = []
    if filtered:
        parts.append(f"filter matches {in_view:,}")
    if shown < in_view:
        # short enough to be whole in the list's pane at 100 columns (~50 cells)
        parts.append(f"first {shown:,} shown" if filtered
                     else f"first {shown:,} of {in_view:,} shown: / finds the rest")
    if counts[QUEUE]:
        parts.append(f"{counts[QUEUE]:,} to review · {counts[OVERLAP]:,} in the overlap · "
                     f"{counts[REJECTED_VIEW]:,} rejected")
    else:
        parts.append(f"Review queue empty — {counts[OVERLAP]:,} accounts in the overlap")
    return " · ".join(parts)


class ReviewScreen(PhaseScreen):
    """Review & categorize: decide each candidate pair and check its category."""

    AUTO_FOCUS = "#review-table"  # the table, so letter and digit keys act at once (never a filter box)

    COMMANDS = {ReviewCommands}
    BINDINGS = [
        Binding("a", "accept", "Accept"),
        Binding("r", "reject", "Reject"),
        # The footer (80 columns) shows a, r, m and g; the pair pane says [ ] and c when there are
        # other candidates, the tabs show the views (v); help (?) lists every key.
        Binding("c", "take_other", "Other", show=False),
        Binding("left_square_bracket", "other(-1)", "Prev other", show=False),
        Binding("right_square_bracket", "other(1)", "Next other", show=False),
        Binding("m", "pair", "Pair"),
        Binding("g", "category", "Category"),
        Binding("u", "undo", "Undo", show=False),  # the app shows ctrl+z for undo
        # the filter box says "/"; a priority key (see `screens.base.skip_while_typing`)
        Binding("slash", "filter", "Filter", show=False, priority=True),
        Binding("v", "next_view", "View", show=False),
        Binding("j", "cursor(1)", "Down", show=False),
        Binding("k", "cursor(-1)", "Up", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.view = QUEUE
        self._row_keys: list[str] = []  # the table's rows, in order
        self._cells_shown: dict[str, tuple[str, ...]] = {}
        self._accounts: dict[str, Account] = {}
        self._name_width = 0
        self._alt_index = 0
        self._alternatives: list[Account] = []
        self._advance_after: str | None = None  # row key acted on: move past it after the change
        self._looked_up = False  # a pair's rivals were found once (see _other_candidates)
        self._syncing = False  # True while refresh_rows moves rows and cursor (it redraws the pane)
        self._counts = {QUEUE: 0, OVERLAP: 0, REJECTED_VIEW: 0}
        self._filter_timer: Timer | None = None
        self._filter_shown = ""
        # per view: ((pairs, their version, the names and evidence shown), its order of every pair, each
        # pair's place in it by identity)
        self._orders: dict[str, tuple[tuple[int, int, tuple], list[Account],
                                      dict[int, int]]] = {}
        # per view: (the order, the workbench revision, the places in it of the view's pairs)
        self._members: dict[str, tuple[list[Account], int, list[int]]] = {}
        self._ordering: set[str] = set()  # views whose order is being made after a frame

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AgendaHeader()
        with Horizontal(id="review-body"):
            with Vertical(id="review-left"):
                tabs = Tabs(*(Tab(VIEW_LABELS[v], id=f"view-{v}") for v in VIEWS),
                            id="review-tabs")
                tabs.can_focus = False
                yield tabs
                box = FieldInput(placeholder="/ filter by name or domain", id="review-filter",
                                 compact=True)
                box.leave_to = lambda: self.table  # at enter: a `p` typed behind it is the view's
                yield box
                yield Static(id="review-status")
                yield ReviewTable(id="review-table", cursor_type="row", zebra_stripes=True,
                                  cell_padding=0)
            yield DiffPane(id="review-diff")
        yield AgendaFooter()

    def on_mount(self) -> None:
        table = self.table
        session = self.workbench.session
        for key, label, width in FIXED_COLUMNS[:1]:
            table.add_column(f" {label}", key=key, width=width + 1)
        table.add_column(Text(f" {session.ours or 'Ours'}"), key="ours", width=MIN_NAME_WIDTH)
        table.add_column(Text(f" {session.partner or 'Theirs'}"), key="theirs", width=MIN_NAME_WIDTH)
        for key, label, width in FIXED_COLUMNS[1:]:
            table.add_column(f" {label}", key=key, width=width + 1)
        self.refresh_rows()
        table.focus()
        self.watch(table, "cursor_coordinate", self._cursor_moved, init=False)
        self.call_after_refresh(self._fit_columns)

    STACK_BELOW = 100  # columns: below this the pair pane goes under the list (class -stacked)

    def on_resize(self) -> None:
        self.query_one("#review-body").set_class(self.size.width < self.STACK_BELOW, "-stacked")
        self.call_after_refresh(self._fit_columns)

    def _fit_columns(self) -> None:
        """Give the two name columns the width the fixed columns leave."""
        table = self.table
        available = table.size.width - 2  # room for the vertical scrollbar
        if available <= 0:
            return
        fixed = sum(w + 1 for _, _, w in FIXED_COLUMNS)
        width = max(MIN_NAME_WIDTH, (available - fixed) // 2)  # each includes its leading space
        if width == self._name_width:
            return
        self._name_width = width
        for key in ("ours", "theirs"):
            table.columns[key].width = width  # type: ignore[index]  # a ColumnKey hashes as its str
        table.refit_columns()

    # --- what the screen shows ------------------------------------------------------------------

    @property
    def table(self) -> ReviewTable:
        return self.query_one("#review-table", ReviewTable)

    def current(self) -> Account | None:
        """The pair under the cursor, or None."""
        table = self.table
        if not self._row_keys or not table.is_valid_row_index(table.cursor_row):
            return None
        return self._accounts.get(self._row_keys[table.cursor_row])

    def show_view(self, view: str) -> None:
        """Switch to the queue, overlap or rejected view, at the key: the tab's own notice comes
        after the keys typed behind it (`v r` in one burst rejected the pair of the view left)."""
        self.query_one("#review-tabs", Tabs).active = f"view-{view}"
        self._switch_to(view)

    def _switch_to(self, view: str) -> None:
        if view in VIEWS and view != self.view:
            self.view = view
            self.refresh_rows(cursor_to_top=True)

    @on(Tabs.TabActivated, "#review-tabs")
    def _view_changed(self, event: Tabs.TabActivated) -> None:
        self._switch_to((event.tab.id or "").removeprefix("view-"))

    @on(Input.Changed, "#review-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        # Filtering a big session re-fills the table: wait for a pause in typing.
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        if len(self.workbench.session.accounts) <= MAX_ROWS:
            self._run_filter()
        else:
            self._filter_timer = self.set_timer(FILTER_DELAY, self._run_filter)

    def _run_filter(self) -> None:
        self._filter_timer = None
        text = self.query_one("#review-filter", Input).value
        if text != self._filter_shown:
            self.refresh_rows(cursor_to_top=True)

    @on(Input.Submitted, "#review-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._run_filter()
        self.table.focus()

    def _other_candidates(self, account: Account) -> list[Account]:
        wb = self.workbench
        if not wb.pairs_indexed:
            # Until the pairs are indexed one pass finds this pair's rivals. They are indexed
            # after the frame that shows a second pair, not the first: built before the screen's
            # first frame, the index of a big session held that frame back 0.15-0.25 s.
            if self._looked_up:
                self.call_after_refresh(wb.index_pairs)
            self._looked_up = True
        return best_first(account, wb.pairs_sharing(account, index=False), self.view_shows,
                          wb.session.session_id)

    def _kept_order(self, view: str) -> list[Account] | None:
        """The view's order of every pair (`view_order`) when kept for these pairs; else None,
        and it is made after the next frame (sorting 21,000 pairs: 60-80 ms), but not before the
        screen's first rows are shown (see `_other_candidates`)."""
        wb = self.workbench
        now = (id(wb.session.accounts), wb.pairs_version, self._evidence_shown())
        kept = self._orders.get(view)
        if kept is not None and kept[0] == now:
            return kept[1]
        if self._row_keys and view not in self._ordering:
            self._ordering.add(view)
            self.call_after_refresh(self._keep_order, view)
        return None

    def _keep_order(self, view: str) -> None:
        self._ordering.discard(view)
        wb = self.workbench
        shows = self.view_shows
        order = view_order(wb.session.accounts, view, shows, wb.session.session_id)
        self._orders[view] = ((id(wb.session.accounts), wb.pairs_version, self._evidence_shown()),
                              order, {id(a): i for i, a in enumerate(order)})

    def _evidence_shown(self) -> tuple:
        """What the views' orders go by of the share policy (`core.review_order.evidence_shown`):
        the names and domains, and the place columns, shown."""
        fields = [(f.side, f.name) for f in self.workbench.session.fields]
        return evidence_shown(self.view_shows, fields)

    def _view_rows(self, text: str, change: Change | None) -> tuple[list[Account], int]:
        """The pairs the view shows (at most MAX_ROWS) and how many it holds. With the view's
        order kept and no filter typed, its members are the places in that order of the pairs
        whose decision puts them in the view, moved by the pairs a change decided (a pass over
        21,000 pairs took 14 ms a key)."""
        order = self._kept_order(self.view)
        if order is None or text.strip():
            in_view = view_accounts(self.workbench.session.accounts, self.view, text, order,
                                    self.view_shows, self.workbench.session.session_id)
            return in_view[:MAX_ROWS], len(in_view)
        wb, wanted = self.workbench, VIEW_DECISIONS[self.view]
        kept = self._members.get(self.view)
        if kept is not None and kept[0] is order and kept[1] == wb.revision:
            members = kept[2]
        elif (kept is not None and kept[0] is order and kept[1] == wb.revision - 1
              and change is not None and change.decided is not None):
            members = kept[2]
            place = self._orders[self.view][2]
            for account in change.decided:
                at = place[id(account)]
                i = bisect_left(members, at)
                held = i < len(members) and members[i] == at
                if account.match.decision in wanted and not held:
                    members.insert(i, at)
                elif account.match.decision not in wanted and held:
                    del members[i]
        else:
            members = [i for i, a in enumerate(order) if a.match.decision in wanted]
        self._members[self.view] = (order, wb.revision, members)
        return [order[i] for i in members[:MAX_ROWS]], len(members)

    def refresh_rows(self, cursor_to_top: bool = False, cursor_to: tuple[str, ...] = (),
                     change: Change | None = None, keep_alternative: bool = False) -> None:
        """Bring the table in line with the session, touching only what changed (`cursor_to`:
        pairs to put the cursor on, the first the view shows; `change`: the change that brought
        it here, when one did)."""
        table = self.table
        text = self.query_one("#review-filter", Input).value
        self._filter_shown = text
        shown, in_view = self._view_rows(text, change)
        desired = [_row_key(a) for a in shown]
        self._accounts = {k: a for k, a in zip(desired, shown)}
        may = (self.shows(OURS, "name"), self.shows(PARTNER, "name"), self.shows(SESSION_SIDE, "category"))
        match = evidence_view(self.view_shows)
        cells = {k: _cells(a, may, match(a)) for k, a in zip(desired, shown)}

        old_cursor = table.cursor_row if self._row_keys else 0
        old_key = self._row_keys[old_cursor] if 0 <= old_cursor < len(self._row_keys) else None
        changed = {key: [_cell(v, c) for v, c in zip(cells[key], COLUMN_ORDER)]
                   for key in desired if self._cells_shown.get(key) != cells[key]}
        desired_index = {key: i for i, key in enumerate(desired)}
        self._syncing = True
        try:
            table.show_rows(desired, changed)
            self._cells_shown = cells
            self._row_keys = desired
            # Where the cursor goes: past the row just decided, else stay on the same pair, else
            # the same place in the list.
            if cursor_to_top or not desired:
                target = 0
            elif any(pair in desired_index for pair in cursor_to):
                target = next(desired_index[pair] for pair in cursor_to if pair in desired_index)
            elif self._advance_after is not None and self._advance_after in desired_index:
                target = desired_index[self._advance_after] + 1
            elif self._advance_after is None and old_key in desired_index:
                target = desired_index[old_key]
            else:
                target = old_cursor
            self._advance_after = None
            if desired:
                target = max(0, min(target, len(desired) - 1))
                table.move_cursor(row=target, animate=False)
        finally:
            self._syncing = False
        self._update_counts(in_view, len(shown), text)
        self._show_current(keep_alternative)

    def _update_counts(self, in_view: int, shown: int, text: str) -> None:
        fig = self.workbench.figures()  # counted once per change, with the header
        counts = {QUEUE: fig.review, OVERLAP: fig.overlap, REJECTED_VIEW: fig.rejected}
        tabs = self.query_one("#review-tabs", Tabs)
        for view in VIEWS:
            tab = tabs.get_tab(f"view-{view}")
            if tab is not None:
                tab.label = f"{VIEW_LABELS[view]} ({counts[view]:,})"
        self.query_one("#review-status", Static).update(
            Text(status_message(counts, in_view, shown, bool(text.strip()))))
        self._counts = counts

    def _show_current(self, keep_alternative: bool = False) -> None:
        pane = self.query_one("#review-diff", DiffPane)
        account = self.current()
        if account is None:
            self._alternatives = []
            if self.query_one("#review-filter", Input).value.strip():
                pane.show_message("Nothing matches the filter. Esc clears it and returns to "
                                  "the list of every pair.")
            elif self.view == QUEUE:
                pane.show_message(f"Review queue empty — {self._counts[OVERLAP]:,} accounts in "
                                  "the overlap.\n\nPress v to see the overlap, or m to pair two "
                                  "accounts by hand.")
            elif self.view == OVERLAP:
                pane.show_message("No accounts in the overlap yet.")
            else:
                pane.show_message("No rejected pairs.")
            return
        self._alternatives = self._other_candidates(account)
        if not keep_alternative:
            self._alt_index = 0
        self._alt_index = min(self._alt_index, max(len(self._alternatives) - 1, 0))
        share_safe = self.share_safe
        # Everything the pane shows follows from these: any session change moves the revision.
        key = (account.pair_id, self.workbench.revision, share_safe, self._alt_index)
        pane.show_pair(account, self.workbench.session, share_safe, self._alternatives,
                       self._alt_index, key=key)

    def _cursor_moved(self, old: Coordinate, new: Coordinate) -> None:
        # Called as the cursor moves (before the frame that shows it), so the pane is drawn in
        # the same frame as the table; RowHighlighted would arrive after that frame.
        if not self._syncing and old.row != new.row:
            self._show_current()

    # --- keeping up with the session ------------------------------------------------------------

    def sync(self, change: Change | None) -> None:
        if change is not None and change.kind in (ChangeKind.SAVE, ChangeKind.AGENDA,
                                                  ChangeKind.NOTES, ChangeKind.LISTS):
            return
        if change is not None and change.kind is ChangeKind.SHARING:
            if self.share_safe:  # a name or category marked private leaves the rows and their order
                self.refresh_rows(keep_alternative=True)
            else:
                self._show_current(keep_alternative=True)
            return
        if change is not None and change.kind is ChangeKind.UNDO and change.account is not None:
            self._advance_after = None
            # on the pair undone; for a pair made by hand (gone now), on the pair it had taken the
            # place of, where the cursor was when `m` was pressed
            restored = (change.account, *(change.decided or ()))
            self.refresh_rows(cursor_to=tuple(a.pair_id for a in restored), change=change)
            return
        self.refresh_rows(change=change)

    def share_safe_changed(self, share_safe: bool) -> None:
        if self.is_mounted:
            self.refresh_rows(keep_alternative=True)  # names or categories marked private go

    # --- actions --------------------------------------------------------------------------------

    def _need_current(self) -> Account | None:
        account = self.current()
        if account is None:
            self.notify("Select a pair first.", severity="warning")
        return account

    def action_accept(self) -> None:
        account = self._need_current()
        if account is None:
            return
        if account.match.decision == ACCEPTED:
            self.notify(f"{self.name_of(account)} is already in the overlap.", markup=False)
            return
        self.workbench.accept(account)
        self._move_past(account)

    def action_reject(self) -> None:
        account = self._need_current()
        if account is None:
            return
        if account.match.decision == REJECTED:
            self.notify(f"{self.name_of(account)} is already rejected.", markup=False)
            return
        self.workbench.reject(account)
        self._move_past(account)

    def _move_past(self, account: Account) -> None:
        """After a decision, the cursor goes on to the next pair still in this view at the key,
        not when the change's notice redraws the table: keys typed fast (or held down) come
        before that notice, and each met the pair just decided again ("already rejected"), or a
        rival its accept had just rejected, and accepted that."""
        wanted = VIEW_DECISIONS[self.view]
        table = self.table
        for row in range(table.cursor_row + 1, len(self._row_keys)):
            pair = self._accounts.get(self._row_keys[row])
            if pair is not None and pair.match.decision in wanted:
                self._advance_after = None  # the redraw keeps the cursor on that pair
                table.move_cursor(row=row, animate=False)
                return
        self._advance_after = _row_key(account)  # the last of the view: the redraw moves past it

    def action_other(self, step: int) -> None:
        """Mark the next (or previous) other candidate in the pane."""
        if not self._alternatives:
            self.notify("No other candidates for this pair.")
            return
        self._alt_index = (self._alt_index + step) % len(self._alternatives)
        self._show_current(keep_alternative=True)
        # on a short screen the list may be below the fold of the pane
        self.query_one("#diff-candidates").scroll_visible(animate=False)

    def action_take_other(self) -> None:
        """Accept the other candidate marked in the pane instead of the selected pair."""
        account = self._need_current()
        if account is None:
            return
        if not self._alternatives:
            self.notify("No other candidates for this pair.")
            return
        alt = self._alternatives[self._alt_index]
        if alt.match.decision == ACCEPTED:  # accepting it again would only add an empty undo step
            self.notify(f"{self.name_of(alt)} is already in the overlap.", markup=False)
            return
        self.workbench.accept(alt)
        self._move_past(account)
        self.notify(f"Accepted {self.name_in(alt.ours, OURS)} = {self.name_in(alt.theirs, PARTNER)}",
                    markup=False)

    def action_pair(self) -> None:
        def paired(result: tuple | None) -> None:
            if result is not None:
                ours, theirs = result
                self.workbench.pair(ours, theirs)
                self.notify(f"Paired {self.name_in(ours, OURS)} with {self.name_in(theirs, PARTNER)}",
                            markup=False)

        self.app.push_screen(PairDialog(self.workbench, self.current(), self.shows), paired)

    def action_category(self) -> None:
        account = self._need_current()
        if account is None:
            return
        if not self.shows(SESSION_SIDE, "category"):  # the dialog shows the category in force
            self.notify("The category is private: switch the share-safe view off (p) to set it.",
                        markup=False)
            return

        def picked(key: str | None) -> None:
            if key is not None:
                self.workbench.set_category(account, None if key == AUTOMATIC else key)

        self.app.push_screen(CategoryDialog(account, self.name_of(account)), picked)

    def action_undo(self) -> None:
        self.app.hold_keys_in_flight()
        undone = self.workbench.undo(self.shows)
        self.notify(f"Undid: {undone}" if undone else "Nothing to undo.", markup=False)

    def action_filter(self) -> None:
        skip_while_typing(self)
        self.set_focus(self.query_one("#review-filter", Input))  # now, not after this key

    def action_clear_filter(self) -> None:
        """Empty the filter box and show every pair of the view, the cursor on the same pair (as
        Esc does on Prioritize)."""
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        box = self.query_one("#review-filter", Input)
        if box.value:
            box.value = ""
            self.refresh_rows()  # now, keeping the pair under the cursor; the Changed is then a no-op
        self.table.focus()

    def action_next_view(self) -> None:
        self.show_view(VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)])

    def action_cursor(self, step: int) -> None:
        table = self.table
        if step > 0:
            table.action_cursor_down()
        else:
            table.action_cursor_up()
