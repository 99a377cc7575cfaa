"""Phase screen: Prioritize — score the overlap on weighted factors and see the rank move.

One row per overlapping account: rank, account, our / their status, category, one column per
scoring factor ("3 Champion") and priority. Put the cursor on a factor cell and press `+` / `-` to
move its level, or `1`..`9` to set it (`0` clears); priority and every rank that moved update at
once, in place. Digits score only while the cursor is on a factor cell; elsewhere they reach the
app (1-4 switch phase).

Row order on an edit: rows do NOT jump. A row leaping away from the cursor while the call is scoring
it is disorienting, so the rank column updates immediately but the rows keep their order until the
user presses `o` ("re-rank"), or sorts with `s`. The status line says when the order is out of date.

`w` opens the factor editor (labels, weights, levels; add, remove, reorder). A change of factors is
rare, so the factor columns are then rebuilt; a weight alone only re-renders the changed cells.

Top-N accounts (session.scoring.top_n, the "priority accounts") carry a "★" in the rank column and
are bold. In the share-safe view (app.privacy) the factor and priority columns are hidden unless the
session marks "scores" / "priority" shareable; rank order stays.

A 10,000-account overlap opens fast because the table shows one page of 500 rows at a time
(`[` / `]` turn pages; sort and filter work on the whole overlap): bench/tui_bench.py measures
about 0.3-0.6 s to open and 15-40 ms from a score key to the repainted cells, against 1.8 s to open
with all 10,000 rows in one DataTable.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from acctmap_tui.core.categorize import category_of
from acctmap_tui.core.model import (
    CATEGORIES,
    CATEGORY_BY_KEY,
    OURS,
    PARTNER,
    SESSION_SIDE,
    STATUSES,
    Account,
    Factor,
    Session,
)
from acctmap_tui.core.score import max_priority
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.messages import SessionChanged
from acctmap_tui.screens.prioritize_weights import FactorsScreen
from acctmap_tui.commands import ScreenCommands
from acctmap_tui.core.sharing import is_shareable
from acctmap_tui.widgets.account_table import (
    PAGE_SIZE,
    AccountTable,
    ColumnSpec,
    FitsTableWidth,
    RankIndex,
    matches_text,
    status_short,
)
from acctmap_tui.widgets.agenda_header import AgendaFooter, AgendaHeader

FACTOR_PREFIX = "f:"
CATEGORY_FILTERS: tuple[str | None, ...] = (None, *(c.key for c in CATEGORIES))
NUMERIC_COLUMNS = ("priority",)  # plus every factor column: these sort high-to-low first
SORT_NAMES = {"rank": "rank", "name": "account", "ours": "our status", "theirs": "their status",
              "category": "category", "priority": "priority"}
TOP_STYLE = "bold"
MIN_ACCOUNT_WIDTH = 14
MAX_ACCOUNT_WIDTH = 34


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


def short_label(label: str, width: int) -> str:
    """A factor header in at most `width` characters: whole, its last word, or cut."""
    if len(label) <= width:
        return label
    last = label.split()[-1]
    if len(last) >= 6:  # "relationship" says more than "Partner r…"
        return fit(last[0].upper() + last[1:], width)
    return fit(label, width)


def factor_cell_width(factor: Factor) -> int:
    """Natural width of a factor column: its header and its longest 'n Level' cell."""
    levels = [len(f"{i} {short_level(n, 9)}") for i, n in enumerate(factor.levels, start=1)]
    return max([len(short_label(factor.label, 12)), *levels])


class PrioritizeScreen(FitsTableWidth, Screen):
    """Score the overlap; rank and priority follow every key press."""

    AUTO_FOCUS = "#prio-table"  # the table, so letter and digit keys act at once (never a filter box)

    PAGE_SIZE = PAGE_SIZE  # rows in the table at once (sort and filter see the whole overlap)
    COMMANDS = {ScreenCommands}
    PALETTE = (
        ("Prioritize: level up", "Raise the factor level under the cursor (+)", "bump", (1,)),
        ("Prioritize: level down", "Lower the factor level under the cursor (-)", "bump", (-1,)),
        ("Prioritize: clear the score", "Unscore the factor under the cursor (0)", "set_level", (0,)),
        ("Prioritize: sort by this column", "Sort by the column under the cursor; again reverses (s)",
         "sort", ()),
        ("Prioritize: re-rank", "Put the rows back in rank order (o)", "rerank", ()),
        ("Prioritize: next category", "Show all / SHARED / VOUCH / INTRO / JOINT (f)",
         "cycle_category", ()),
        ("Prioritize: filter by text", "Show accounts whose name, domain or owner match (/)",
         "filter", ()),
        ("Prioritize: clear the filter", "Show the whole overlap again (esc)", "clear_filter", ()),
        ("Prioritize: edit the factors", "Rename, re-level, weigh, add or remove factors (w)",
         "weights", ()),
        ("Prioritize: next page", "The next rows of a long overlap (])", "page", (1,)),
        ("Prioritize: previous page", "The previous rows of a long overlap ([)", "page", (-1,)),
    )

    BINDINGS = [
        Binding("plus,equals_sign", "bump(1)", "Level +", key_display="+"),
        Binding("minus", "bump(-1)", "Level -", key_display="-"),
        Binding("1", "set_level(1)", "Set level", key_display="0-9"),
        *(Binding(str(d), f"set_level({d})", "Set level", show=False) for d in (0, *range(2, 10))),
        Binding("s", "sort", "Sort"),
        Binding("o", "rerank", "Re-rank"),
        Binding("f", "cycle_category", "Category"),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("w", "weights", "Factors"),
        Binding("left_square_bracket", "page(-1)", "Prev page", key_display="["),
        Binding("right_square_bracket", "page(1)", "Next page", key_display="]"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._overlap: dict[str, Account] = {}
        self._ranks = RankIndex()
        self._category: str | None = None
        self._text = ""
        self._sort: tuple[str, bool] = ("rank", False)  # column key, descending
        self._stale = False  # ranks moved since the rows were last sorted
        self._drawn = -1  # workbench.revision last drawn
        self._level_text: dict[str, list[str]] = {}  # factor key -> cell text per level (0 = unscored)
        self._full_sync_pending = False
        self._scored: set[str] = set()  # pair ids with a priority above 0
        self._factor_shape: tuple = ()  # the factors the columns were built for

    # --- shortcuts ---------------------------------------------------------------------------

    @property
    def workbench(self) -> Workbench:
        return self.app.workbench  # type: ignore[attr-defined]

    @property
    def session(self) -> Session:
        return self.workbench.session

    @property
    def table(self) -> AccountTable:
        return self.query_one("#prio-table", AccountTable)

    @property
    def private(self) -> bool:
        return bool(getattr(self.app, "privacy", False))

    def _shows(self, side: str, name: str) -> bool:
        return not self.private or is_shareable(self.session, side, name)

    @property
    def scores_shown(self) -> bool:
        return self._shows(SESSION_SIDE, "scores")

    # --- compose and first draw -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AgendaHeader()
        with Vertical(id="prio-body"):
            yield Static(id="prio-status")
            yield AccountTable(self._render_cell, id="prio-table", fixed_columns=2,
                               page_size=self.PAGE_SIZE)
            yield Static(id="prio-detail")
            yield Input(id="prio-filter", placeholder="Filter by name, domain or owner  "
                        "(enter: keep, esc: clear)")
        yield AgendaFooter()

    def on_mount(self) -> None:
        self.query_one("#prio-filter", Input).display = False
        self.watch(self.app, "privacy", self._privacy_changed, init=False)
        self._load()
        self.table.focus()

    def _load(self) -> None:
        """Read the whole overlap again (first draw, or after matches changed)."""
        self._overlap = {a.pair_id: a for a in self.session.overlap()}
        self._ranks.rebuild(self._overlap.values())
        self._scored = {pid for pid, a in self._overlap.items() if a.priority > 0}
        self._lay_out_columns()
        self._apply_view(first=True)

    def on_screen_resume(self) -> None:
        if self.workbench.revision != self._drawn:
            self._sync_all()
        self.table.focus()

    # --- columns ---------------------------------------------------------------------------

    def _columns(self) -> list[ColumnSpec]:
        """The visible columns, sized to fit the screen (account takes what is left).

        On a narrow screen the two status columns go first (the category code and the line
        under the table still say them), then the factor columns shrink.
        """
        factors = self.session.scoring.factors
        self._factor_shape = self._factors_now()
        statuses: list[ColumnSpec] = []
        if self._shows(OURS, "status"):
            statuses.append(ColumnSpec("ours", "Ours", 5))
        if self._shows(PARTNER, "status"):
            statuses.append(ColumnSpec("theirs", "Theirs", 6))
        category = [ColumnSpec("category", "Cat", 6)] if self._shows(SESSION_SIDE, "category") else []
        show_priority = self._shows(SESSION_SIDE, "priority")
        widths = [factor_cell_width(f) for f in factors] if self.scores_shown else []

        def room_for_account() -> int:
            fixed = self._rank_digits() + 4 + sum(s.width + 2 for s in statuses + category if s.width)
            fixed += 6 if show_priority else 0
            return self._layout_width - fixed - 2 - sum(w + 2 for w in widths)

        if room_for_account() < MIN_ACCOUNT_WIDTH and widths:
            statuses = []
        if room_for_account() < MIN_ACCOUNT_WIDTH and widths:
            per = max(7, (room_for_account() + sum(w + 2 for w in widths) - MIN_ACCOUNT_WIDTH)
                      // len(widths) - 2)
            widths = [min(w, per) for w in widths]
        account = max(MIN_ACCOUNT_WIDTH, min(MAX_ACCOUNT_WIDTH, room_for_account()))
        specs = [ColumnSpec("rank", "Rank", self._rank_digits() + 2),
                 ColumnSpec("name", "Account", account),
                 *statuses, *category]
        self._level_text = {}
        for factor, width in zip(factors, widths):
            self._level_text[factor.key] = ["·"] + [
                f"{i} {short_level(n, width - 2)}"
                for i, n in enumerate(factor.levels, start=1)
            ]
            specs.append(ColumnSpec(FACTOR_PREFIX + factor.key, short_label(factor.label, width), width))
        if show_priority:
            specs.append(ColumnSpec("priority", Text("Prio", justify="right"), 4))
        return specs

    def _factors_now(self) -> tuple:
        """What the factor columns show of the factors (weights only move numbers)."""
        return tuple((f.key, f.label, tuple(f.levels)) for f in self.session.scoring.factors)

    def _rank_digits(self) -> int:
        return max(2, len(str(len(self._overlap))))

    # --- cells ------------------------------------------------------------------------------

    def is_top(self, account: Account, rank: int | None = None) -> bool:
        """A priority account: scored, and within the top N of the rank."""
        rank = self._ranks.rank(account) if rank is None else rank
        return account.priority > 0 and 0 < rank <= self.session.scoring.top_n

    def _render_cell(self, account: Account, key: str) -> Text:
        rank = self._ranks.rank(account)
        style = TOP_STYLE if self.is_top(account, rank) else ""
        if key == "rank":
            mark = "★" if style else " "
            return Text(f"{mark} {rank:>{self._rank_digits()}}", style=style, overflow="ellipsis")
        if key == "name":
            text = account.name
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
            levels = self._level_text.get(factor_key, ["·"])
            text = levels[min(factor.level(account), len(levels) - 1)] if factor else "·"
        else:
            text = ""
        return Text(text, style=style, overflow="ellipsis", no_wrap=True)

    # --- the view: filter and sort -----------------------------------------------------------

    def _sort_key(self, column: str):
        if column == "name":
            return lambda a: a.name.casefold()
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

    def view(self) -> list[Account]:
        """The overlap as shown: category and text filters, then the chosen sort."""
        accounts = [self._overlap[pid] for pid in self._ranks.ids()]
        if self._category:
            accounts = [a for a in accounts if a.category == self._category]
        if self._text:
            accounts = [a for a in accounts if matches_text(a, self._text)]
        column, descending = self._sort
        key = self._sort_key(column)
        if key is not None:
            accounts.sort(key=key, reverse=descending)  # stable: ties stay in rank order
        elif descending:
            accounts.reverse()
        return accounts

    def _apply_view(self, first: bool = False) -> None:
        focus = None if first else self.table.cursor_account
        self.table.show(self.view(), focus)
        self._stale = False
        self._drawn = self.workbench.revision
        if first and self.scores_shown and self.session.scoring.factors:
            self.table.move_to(column=FACTOR_PREFIX + self.session.scoring.factors[0].key)
        self._update_status()
        self._update_detail()

    # --- refreshing after changes ------------------------------------------------------------

    def _after_score(self, account: Account) -> None:
        """One account's priority may have moved: its row, and the ranks that shifted."""
        table = self.table
        moved = self._ranks.move(account)
        if account.priority > 0:
            self._scored.add(account.pair_id)
        else:
            self._scored.discard(account.pair_id)
        top_n = self.session.scoring.top_n
        edge = []  # only rows at the top-N edge can gain or lose the priority mark
        shifted = []
        for pid in moved:
            other = self._overlap.get(pid)
            if other is None or other is account or not table.is_shown(other):
                continue
            (edge if self._ranks.rank(other) in (top_n, top_n + 1) else shifted).append(other)
        table.refresh_rows([account, *edge])
        table.refresh_rows(shifted, ["rank"])
        self._stale = self._stale or self._order_may_change(bool(moved))
        self._drawn = self.workbench.revision
        self._update_status()
        self._update_detail()

    def _order_may_change(self, ranks_moved: bool) -> bool:
        """Whether a score change may have put the rows out of their sort order."""
        column = self._sort[0]
        return (column == "rank" and ranks_moved) or column == "priority" or column.startswith(
            FACTOR_PREFIX)

    def _sync_all(self) -> None:
        """Bring every shown cell up to date (weights, undo, matches, a load)."""
        self._full_sync_pending = False
        overlap = {a.pair_id: a for a in self.session.overlap()}
        self._scored = {pid for pid, a in overlap.items() if a.priority > 0}
        resort = False
        if self._factors_now() != self._factor_shape:
            # Factors renamed, re-levelled, added or removed: rare, so the columns are rebuilt.
            keys = {FACTOR_PREFIX + f.key for f in self.session.scoring.factors}
            if self._sort[0].startswith(FACTOR_PREFIX) and self._sort[0] not in keys:
                self._sort, resort = ("rank", False), True  # that factor is gone
            self.table.set_columns(self._columns())
        if resort or overlap.keys() != self._overlap.keys():
            self._overlap = overlap
            self._ranks.rebuild(overlap.values())
            self._apply_view()
            return
        before = self._ranks.ids()
        self._ranks.rebuild(overlap.values())
        self._stale = self._stale or self._order_may_change(self._ranks.ids() != before)
        self.table.refresh_rows()
        self._drawn = self.workbench.revision
        self._update_status()
        self._update_detail()

    def _schedule_sync(self) -> None:
        # Several changes in a row (e.g. five weights saved) need one redraw.
        if not self._full_sync_pending:
            self._full_sync_pending = True
            self.call_later(self._sync_all)

    def on_session_changed(self, event: SessionChanged) -> None:
        change = event.change
        account = change.account
        if change.kind == "score" and account is not None and account.pair_id in self._overlap:
            self._after_score(account)
        elif change.kind == "category" and account is not None:
            self.table.refresh_cells(account)
            self._drawn = self.workbench.revision
        elif change.kind in ("assign", "notes", "save", "agenda"):
            self._drawn = self.workbench.revision
        elif change.kind == "privacy":
            self._privacy_changed()
        else:
            self._schedule_sync()

    def _privacy_changed(self, *_: object) -> None:
        self.table.set_columns(self._columns())
        self._update_status()
        self._update_detail()
        self.refresh_bindings()

    # --- status and detail lines -------------------------------------------------------------

    def _update_status(self) -> None:
        table = self.table
        total = len(self._overlap)
        scored = len(self._scored)
        column, descending = self._sort
        name = SORT_NAMES.get(column) or self._factor_label(column)
        code = CATEGORY_BY_KEY[self._category].code if self._category else "all"
        parts = [f"[b]Prioritize[/b]  overlap {total:,}", f"scored {scored:,}",
                 f"★ bold = top {self.session.scoring.top_n}",
                 f"sort {name} {'↓' if descending else '↑'}", f"category {code}"]
        if self._text:
            parts.append(f"text “{self._text}”")
        shown = len(table.accounts)
        if table.paged:
            parts.append(f"rows {table.page_start + 1:,}–{table.page_end:,} of {shown:,}")
        elif shown != total:
            parts.append(f"{shown:,} of {total:,} shown")
        line = " · ".join(parts)
        if self._stale:
            line += ("\n[reverse] order out of date [/reverse] rows keep their place while you score:"
                     " o re-ranks, s re-sorts")
        elif not self.scores_shown:
            line += "\nShare-safe view: scores and priority hidden (rank order kept)"
        elif table.paged:
            line += f"\nShowing {table.page_size:,} rows at a time: [ ] turn pages, / or f narrow the list"
        self.query_one("#prio-status", Static).update(line, layout=False)  # fixed height

    def _factor_label(self, column: str) -> str:
        key = column[len(FACTOR_PREFIX):]
        factor = self.session.scoring.factor(key)
        return factor.label if factor else column

    def _update_detail(self) -> None:
        """Three lines about the cursor: the pair, its play, the factor under the cursor."""
        detail = self.query_one("#prio-detail", Static)
        account = self.table.cursor_account
        if account is None:
            detail.update("No account in the overlap matches the filter." if self._overlap
                          else "No overlap yet: accept matches in phase 2 (Review).", layout=False)
            return
        pair = Text()
        if self.scores_shown and self._shows(SESSION_SIDE, "priority"):
            pair.append(f"rank {self._ranks.rank(account)} · priority {account.priority}   ",
                        style="bold")
        pair.append_text(Text.assemble((account.ours.name, "bold"), "  =  ",
                                       (account.theirs.name, "bold")))
        if not account.key.startswith("name:"):
            pair.append(f"  ·  {account.key}")
        if self._shows(OURS, "status") and self._shows(PARTNER, "status"):
            pair.append(f"  ·  {account.ours.status or '?'} / {account.theirs.status or '?'}")
            if account.win_back:
                pair.append("  ·  win-back", style="bold")
        cat = category_of(account)
        if not self._shows(SESSION_SIDE, "category"):
            play = Text("")
        elif cat:
            play = Text.assemble((cat.code, "bold"), f"  {cat.label}: {cat.play}")
        else:
            play = Text("No category: a status word was not understood (set one in Review).")
        column = self.table.cursor_column_key or ""
        if not self.scores_shown:
            how = Text("Scores are private: switch the share-safe view off (p) to score.")
        elif column.startswith(FACTOR_PREFIX) and (
                factor := self.session.scoring.factor(column[len(FACTOR_PREFIX):])) is not None:
            level = factor.level(account)
            how = Text.assemble((f"{factor.label} ×{factor.weight}:", "bold"), "  ")
            for i, name in enumerate(factor.levels, start=1):
                how.append(f"[{i} {name}]" if i == level else f"{i} {name}",
                           style="bold reverse" if i == level else "")
                how.append("  ")
            how.append(f"   +/- or 1-{len(factor.levels)} scores, 0 clears")
        else:
            top = max_priority(self.session.scoring.factors)
            how = Text(f"Move ←/→ onto a factor to score it.  priority = Σ weight × level "
                       f"(max {top});  w edits the factors")
        detail.update(Text("\n").join([pair, play, how]), layout=False)

    @on(DataTable.CellHighlighted, "#prio-table")
    def _cell_moved(self) -> None:
        self._update_detail()
        self.refresh_bindings()

    # --- actions ------------------------------------------------------------------------------

    def _factor_at_cursor(self) -> str | None:
        column = self.table.cursor_column_key or ""
        return column[len(FACTOR_PREFIX):] if column.startswith(FACTOR_PREFIX) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        if action in ("bump", "set_level"):
            # Off a factor cell, digits fall through to the app (1-4 switch phase).
            return (self.scores_shown and self._factor_at_cursor() is not None
                    and self.table.cursor_account is not None)
        if action == "weights":
            return self.scores_shown
        if action == "page":
            return self.table.paged
        if action == "clear_filter":
            return bool(self._text) or self.query_one("#prio-filter", Input).display
        return True

    def action_bump(self, delta: int) -> None:
        account, factor = self.table.cursor_account, self._factor_at_cursor()
        if account is None or factor is None:
            return
        self.workbench.bump(account, factor, delta)
        self._after_score(account)

    def action_set_level(self, level: int) -> None:
        account, factor = self.table.cursor_account, self._factor_at_cursor()
        if account is None or factor is None:
            return
        self.workbench.set_level(account, factor, level)
        self._after_score(account)

    def action_sort(self) -> None:
        column = self.table.cursor_column_key or "rank"
        current, descending = self._sort
        if column == current:
            self._sort = (column, not descending)
        else:
            self._sort = (column, column in NUMERIC_COLUMNS or column.startswith(FACTOR_PREFIX))
        self._apply_view()

    def action_rerank(self) -> None:
        self._sort = ("rank", False)
        self._apply_view()

    def action_cycle_category(self) -> None:
        index = CATEGORY_FILTERS.index(self._category)
        self._category = CATEGORY_FILTERS[(index + 1) % len(CATEGORY_FILTERS)]
        self._apply_view()

    def action_filter(self) -> None:
        box = self.query_one("#prio-filter", Input)
        box.display = True
        box.focus()
        self.refresh_bindings()

    def action_clear_filter(self) -> None:
        box = self.query_one("#prio-filter", Input)
        box.value = ""
        box.display = False
        self._text = ""
        self.table.focus()
        self._apply_view()
        self.refresh_bindings()

    @on(Input.Changed, "#prio-filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        self._text = event.value.strip()
        self._apply_view()

    @on(Input.Submitted, "#prio-filter")
    def _filter_kept(self) -> None:
        box = self.query_one("#prio-filter", Input)
        if not box.value.strip():
            box.display = False
        self.table.focus()

    def action_page(self, delta: int) -> None:
        if self.table.turn_page(delta):
            self._update_status()
            self._update_detail()

    def action_weights(self) -> None:
        """The factor editor: labels, weights, levels; add, remove, reorder (one undo step)."""
        def saved(changed: bool | None) -> None:
            if changed:
                self._sync_all()

        self.app.push_screen(FactorsScreen(self.session.scoring.factors,
                                           self.workbench.set_factors), saved)
