"""Phase screen: Prioritize — score the overlap on weighted factors and see the rank move.

One row per overlapping account: rank, account, our / their status, category, one column per
scoring factor ("3 Champion") and priority. Put the cursor on a factor cell and press `+` / `-` to
move its level, or `enter` / `l` to pick one in a small dialog (`LevelPicker`); priority and every
rank that moved update at once, in place. Digits are never score keys here: `1`-`5` switch phase
on every screen, whatever the cursor is on.

Row order on an edit: rows do NOT jump. A row leaping away from the cursor while the call is scoring
it is disorienting, so the rank column updates immediately but the rows keep their order until the
user presses `o` ("re-rank"), or sorts with `s`. The status line says when the order is out of date.

`w` opens the factor editor (labels, weights, levels; add, remove, reorder). A change of factors is
rare, so the factor columns are then rebuilt; a weight alone only re-renders the changed cells.

Top-N accounts (session.scoring.top_n, the "priority accounts") carry a "★" in the rank column and
are bold. In the share-safe view (app.share_safe) the factor and priority columns are hidden unless the
session marks "scores" / "priority" shareable; rank, ★ and the bold tell the priority, so they go with
it, and the rows are then in name order.

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
from textual.widgets import DataTable, Input, Static

from acctmap_tui.commands import ScreenCommands
from acctmap_tui.core.categorize import category_of
from acctmap_tui.core.model import CATEGORY_BY_KEY, OURS, PARTNER, SESSION_SIDE
from acctmap_tui.core.score import max_priority
from acctmap_tui.core.workbench import Change, ChangeKind
from acctmap_tui.screens.base import PhaseScreen, skip_while_typing
from acctmap_tui.screens.dialogs import FieldInput
from acctmap_tui.screens.prioritize_level import LevelPicker
from acctmap_tui.screens.prioritize_weights import FactorsScreen
from acctmap_tui.views.prioritize import FACTOR_PREFIX, SORT_NAMES, ColumnSpec, PrioritizeView
from acctmap_tui.widgets.account_table import PAGE_SIZE, AccountTable, FitsTableWidth
from acctmap_tui.widgets.agenda_header import AgendaFooter, AgendaHeader


class PrioritizeScreen(FitsTableWidth, PhaseScreen):
    """Score the overlap; rank and priority follow every key press."""

    AUTO_FOCUS = "#prio-table"  # the table, so letter and digit keys act at once (never a filter box)

    PAGE_SIZE = PAGE_SIZE  # rows in the table at once (sort and filter see the whole overlap)
    COMMANDS = {ScreenCommands}
    PALETTE = (
        ("Prioritize: level up", "Raise the factor level under the cursor (+)", "bump", (1,)),
        ("Prioritize: level down", "Lower the factor level under the cursor (-)", "bump", (-1,)),
        ("Prioritize: pick a level", "Choose the level of the factor under the cursor (enter, l)",
         "pick_level", ()),
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
        # The footer (80 columns) shows enter, +/-, s and /; the status and detail lines say o, [ ],
        # f and w when they matter, and help (?) lists every key.
        Binding("plus,equals_sign", "bump(1)", "Step", key_display="+/-"),
        Binding("minus", "bump(-1)", "Level down", show=False),
        # priority: the table's own enter would hide it; off a factor cell (or in the filter box)
        # check_action declines it and enter goes on to the focused widget
        Binding("enter", "pick_level", "Level", priority=True),
        Binding("l", "pick_level", "Level", show=False),
        Binding("s", "sort", "Sort"),
        Binding("slash", "filter", "Filter", key_display="/", priority=True),  # see skip_while_typing
        Binding("o", "rerank", "Re-rank", show=False),
        Binding("f", "cycle_category", "Category", show=False),
        Binding("w", "weights", "Factors", show=False),
        Binding("left_square_bracket", "page(-1)", "Prev page", key_display="[", show=False),
        Binding("right_square_bracket", "page(1)", "Next page", key_display="]", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._view: PrioritizeView | None = None

    # --- shortcuts ---------------------------------------------------------------------------

    @property
    def view(self) -> PrioritizeView:
        """What the screen shows (rows, columns, ranks, filters), as plain Python."""
        if self._view is None:
            self._view = PrioritizeView(self.session, self.shows)
        return self._view

    @property
    def _ranks(self):  # the bench reads ranks through the screen
        return self.view.ranks

    @property
    def table(self) -> AccountTable:
        return self.query_one("#prio-table", AccountTable)

    @property
    def scores_shown(self) -> bool:
        return self.view.scores_shown

    # --- compose and first draw -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AgendaHeader()
        with Vertical(id="prio-body"):
            yield Static(id="prio-status")
            yield AccountTable(self.view.cell, id="prio-table", fixed_columns=2,
                               page_size=self.PAGE_SIZE)
            yield Static(id="prio-detail")
            box = FieldInput(id="prio-filter", placeholder="Filter by name, domain or owner  "
                             "(enter: keep, esc: clear)")
            box.leave_to = lambda: self.table  # at enter: a `p` typed behind it is the view's
            yield box
        yield AgendaFooter()

    def on_mount(self) -> None:
        self.query_one("#prio-filter", Input).display = False
        self.view.load()
        self._lay_out_columns()
        self._apply_view(first=True)
        self.table.focus()

    def on_screen_resume(self) -> None:
        self.table.focus()  # PhaseScreen catches up with changes made meanwhile

    def _columns(self) -> list[ColumnSpec]:
        return self.view.columns(self._layout_width)

    def is_top(self, account, rank: int | None = None) -> bool:
        """A priority account: scored, and within the top N of the rank."""
        return self.view.is_top(account, rank)

    # --- drawing -----------------------------------------------------------------------------

    def _apply_view(self, first: bool = False) -> None:
        focus = None if first else self.table.cursor_account
        self.table.show(self.view.rows(), focus)
        if first and self.scores_shown and self.session.scoring.factors:
            self.table.move_to(column=FACTOR_PREFIX + self.session.scoring.factors[0].key)
        self._update_status()
        self._update_detail()

    def _after_score(self, account) -> None:
        """One account's priority may have moved: its row, and the ranks that shifted."""
        table = self.table
        moved = self.view.score_moved(account, table.is_shown)
        table.refresh_rows(moved.whole_rows)
        table.refresh_rows(moved.rank_only, ["rank"])
        self._update_status()
        self._update_detail()

    def _sync_all(self) -> None:
        """Bring every shown cell up to date (weights, undo, matches, a load)."""
        done = self.view.resync()
        if done.columns_changed:
            self.table.set_columns(self._columns())
        if done.rows_changed:
            self._apply_view()
            return
        self.table.refresh_rows()
        self._update_status()
        self._update_detail()

    def sync(self, change: Change | None) -> None:
        """Redraw what one workbench change touched (None: anything may have changed)."""
        kind = change.kind if change else None
        account = change.account if change else None
        if kind is ChangeKind.SCORE and account is not None and account.pair_id in self.view.overlap:
            self._after_score(account)
        elif kind is ChangeKind.CATEGORY and account is not None:
            self.table.refresh_cells(account)
            self._update_detail()  # the line under the table says the category too
        elif kind in (ChangeKind.ASSIGN, ChangeKind.NOTES, ChangeKind.SAVE, ChangeKind.AGENDA,
                      ChangeKind.LISTS):
            pass  # nothing this screen shows
        elif kind is ChangeKind.SHARING:
            self.share_safe_changed(self.share_safe)
        else:
            self._sync_all()

    def share_safe_changed(self, share_safe: bool) -> None:
        if not self.is_mounted:
            return
        if not self.shows(SESSION_SIDE, "category"):
            self.view.category = None  # a category filter in force would tell the categories
        self.table.set_columns(self._columns())
        self._apply_view()  # the row order follows whether the rank may show
        self.refresh_bindings()

    # --- status and detail lines -------------------------------------------------------------

    def _update_status(self) -> None:
        table = self.table
        total = len(self.view.overlap)
        scored = len(self.view.scored)
        column, descending = self.view.shown_sort()
        name = SORT_NAMES.get(column) or self.view.factor_label(column)
        code = CATEGORY_BY_KEY[self.view.category].code if self.view.category else "all"
        parts = [f"[b]Prioritize[/b]  overlap {total:,}",
                 *([f"scored {scored:,}"] if self.scores_shown else []),
                 *([f"★ bold = top {self.session.scoring.top_n}"] if self.view.rank_shown else []),
                 f"sort {name} {'↓' if descending else '↑'}", f"category {code}"]
        if self.view.text:
            parts.append(f"text “{self.view.text}”")
        shown = len(table.accounts)
        if table.paged:
            parts.append(f"rows {table.page_start + 1:,}–{table.page_end:,} of {shown:,}")
        elif shown != total:
            parts.append(f"{shown:,} of {total:,} shown")
        line = " · ".join(parts)
        if self.view.stale:
            line += ("\n[reverse] order out of date [/reverse] rows keep their place while you score:"
                     " o re-ranks, s re-sorts")
        elif not self.scores_shown:
            line += ("\nShare-safe view: scores and priority hidden (rank order kept)"
                     if self.view.rank_shown else
                     "\nShare-safe view: scores, priority and rank hidden (rows by name)")
        elif table.paged:
            line += f"\nShowing {table.page_size:,} rows at a time: [ ] turn pages, / or f narrow the list"
        self.query_one("#prio-status", Static).update(line, layout=False)  # fixed height

    def _update_detail(self) -> None:
        """Three lines about the cursor: the pair, its play, the factor under the cursor."""
        detail = self.query_one("#prio-detail", Static)
        account = self.table.cursor_account
        if account is None:
            detail.update("No account in the overlap matches the filter." if self.view.overlap
                          else "No overlap yet: accept matches in phase 2 (Review).", layout=False)
            return
        pair = Text()
        if self.scores_shown and self.shows(SESSION_SIDE, "priority"):
            pair.append(f"rank {self.view.ranks.rank(account)} · priority {account.priority}   ",
                        style="bold")
        pair.append_text(Text.assemble((self.name_in(account.ours, OURS), "bold"), "  =  ",
                                       (self.name_in(account.theirs, PARTNER), "bold")))
        if not account.key.startswith("name:") and self.shows(OURS, "domain") and self.shows(PARTNER, "domain"):
            pair.append(f"  ·  {account.key}")
        # The statuses lead the second line (they give the category), so that they still show
        # on an 80-column screen, where the table has no room for their columns.
        play = Text()
        if self.shows(OURS, "status") and self.shows(PARTNER, "status"):
            play.append(f"{account.ours.status or '?'} / {account.theirs.status or '?'}")
            if account.win_back:
                play.append(" · win-back", style="bold")
            play.append(" → ")
        cat = category_of(account)
        if not self.shows(SESSION_SIDE, "category"):
            play = Text(play.plain.removesuffix(" → "))
        elif cat:
            # a category set by hand is not what the statuses before the arrow give: say so
            how_set = " (set by hand)" if account.category_manual else ""
            play.append_text(Text.assemble((cat.code, "bold"), how_set, f"  {cat.label}: {cat.play}"))
        else:
            play.append("No category: a status word was not understood (set one in Review).")
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
            how.append("+/- or enter", style="dim")
        else:
            top = max_priority(self.session.scoring.factors)
            how = Text(f"Move ←/→ onto a factor to score it.  priority = Σ weight × level "
                       f"(max {top});  w edits the factors")
        detail.update(Text("\n").join([pair, play, how]), layout=False)

    @on(DataTable.CellHighlighted, "#prio-table")
    def _cell_moved(self) -> None:
        self._update_detail()
        self.refresh_bindings()

    def help_notes(self) -> list[str]:
        """For help (?): each factor column's header, full name, weight and levels."""
        if not self.scores_shown:
            return []
        headers = {spec.key: str(spec.label) for spec in self._columns()}
        lines = ["Factor columns (header: factor ×weight, levels):"]
        for factor in self.session.scoring.factors:
            levels = " · ".join(f"{i} {name}" for i, name in enumerate(factor.levels, start=1))
            header = headers.get(FACTOR_PREFIX + factor.key, factor.label)
            lines.append(f"  {header}: {factor.label} ×{factor.weight}  ({levels})")
        return lines

    # --- actions ------------------------------------------------------------------------------

    def _factor_at_cursor(self) -> str | None:
        column = self.table.cursor_column_key or ""
        return column[len(FACTOR_PREFIX):] if column.startswith(FACTOR_PREFIX) else None

    def allows(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        if action in ("bump", "pick_level"):
            return (self.scores_shown and self._factor_at_cursor() is not None
                    and self.table.cursor_account is not None and self.focused is self.table)
        if action == "weights":
            return self.scores_shown
        if action == "page":
            return self.table.paged
        if action == "clear_filter":
            return bool(self.view.text) or self.query_one("#prio-filter", Input).display
        return True

    def action_bump(self, delta: int) -> None:
        account, factor = self.table.cursor_account, self._factor_at_cursor()
        if account is None or factor is None:
            return
        self.workbench.bump(account, factor, delta)  # the screen redraws on its notice

    def action_pick_level(self) -> None:
        """The level picker for the factor under the cursor; its answer is one undo step."""
        account, key = self.table.cursor_account, self._factor_at_cursor()
        factor = self.session.scoring.factor(key) if key else None
        if account is None or factor is None:
            return

        def picked(level: int | None) -> None:
            if level is not None and level != factor.level(account):
                self.workbench.set_level(account, factor.key, level)

        self.app.push_screen(LevelPicker(factor, account.name, factor.level(account)), picked)

    def action_sort(self) -> None:
        self.view.sort_by(self.table.cursor_column_key or "rank")
        self._apply_view()

    def action_rerank(self) -> None:
        self.view.rerank()
        self._apply_view()

    def action_cycle_category(self) -> None:
        if not self.shows(SESSION_SIDE, "category"):  # the rows it leaves would tell them
            self.notify("Categories are private: switch the share-safe view off (p) to filter "
                        "by them.", markup=False)
            return
        self.view.next_category()
        self._apply_view()

    def action_filter(self) -> None:
        skip_while_typing(self)
        box = self.query_one("#prio-filter", Input)
        box.display = True
        self.set_focus(box)  # now, not after this key
        self.refresh_bindings()

    def action_clear_filter(self) -> None:
        box = self.query_one("#prio-filter", Input)
        box.value = ""
        box.display = False
        self.view.text = ""
        self.table.focus()
        self._apply_view()
        self.refresh_bindings()

    @on(Input.Changed, "#prio-filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        self.view.text = event.value.strip()
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
        self.app.push_screen(FactorsScreen(self.session.scoring.factors,
                                           self.workbench.set_factors))
