"""A table of overlap accounts that edits in place, plus the helpers the Prioritize and Assign screens share.

`AccountTable` is a `DataTable` keyed by `Account.pair_id`. The screen hands it a list of accounts
(already filtered and sorted) and a cell renderer; the table shows one page of that list (at most
`page_size` rows, so a 10,000-account overlap opens fast) and, on a change, re-renders only the cells
whose text or style changed and repaints only the rows on screen that changed, never the whole table.

The column specs (`ColumnSpec`) and the rank bookkeeping live in `acctmap_tui.views.prioritize`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.text import Text
from textual.coordinate import Coordinate

from acctmap_tui.core.model import Account
from acctmap_tui.views.prioritize import ColumnSpec, Pager
from acctmap_tui.widgets.fast_table import FastTable

__all__ = ["PAGE_SIZE", "AccountTable", "CellRenderer", "ColumnSpec", "FitsTableWidth"]

PAGE_SIZE = 500


class FitsTableWidth:
    """Screen mixin: lay the table's columns out again when the terminal width changes.

    The screen has `self.table` (an `AccountTable`) and `_columns()` (specs for `_layout_width`).
    """

    _layout_width = 0

    def _table_width(self) -> int:
        return max(self.size.width, 60) - 2  # the vertical scrollbar and a margin

    def _lay_out_columns(self) -> None:
        self._layout_width = self._table_width()
        self.table.set_columns(self._columns())

    def on_resize(self) -> None:
        if self._table_width() != self._layout_width:
            self._lay_out_columns()


CellRenderer = Callable[[Account, str], Text]


def _signature(cell: Text) -> tuple:
    return (cell.plain, str(cell.style), cell.justify, tuple(cell.spans))


class AccountTable(FastTable):
    """One page of a list of accounts; cells are re-rendered in place when they change."""

    def __init__(self, render_cell: CellRenderer, *, page_size: int = PAGE_SIZE, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "cell")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.render_cell = render_cell
        self.pager = Pager(page_size)
        self.specs: list[ColumnSpec] = []
        self.accounts: list[Account] = []  # the whole (filtered, sorted) list
        self._shown: dict[str, Account] = {}  # pair_id -> account, for the rows on this page
        self._cells: dict[tuple[str, str], tuple] = {}  # (pair_id, column) -> signature drawn

    # --- columns and rows ---------------------------------------------------------------

    def set_columns(self, specs: list[ColumnSpec]) -> None:
        """Replace the columns (e.g. when privacy hides some) and redraw the current page."""
        focus = self.cursor_account
        column = self.cursor_column_key
        self.specs = list(specs)
        self.clear(columns=True)
        for spec in self.specs:
            self.add_column(spec.label, width=spec.width, key=spec.key)
        self._fill(focus, column)

    def show(self, accounts: list[Account], focus: Account | None = None) -> None:
        """Show a new list (after a sort or filter); the page and cursor follow `focus`."""
        focus = focus or self.cursor_account
        column = self.cursor_column_key
        self.accounts = list(accounts)
        index = None
        if focus is not None and self.pager.size < len(self.accounts):
            wanted = focus.pair_id
            index = next((i for i, a in enumerate(self.accounts) if a.pair_id == wanted), None)
        self.pager.show(len(self.accounts), index)
        self._fill(focus, column)

    def turn_page(self, delta: int) -> bool:
        """Show the next (+1) or previous (-1) page; False when there is none."""
        if not self.pager.turn(delta):
            return False
        self._fill(None, self.cursor_column_key)
        return True

    @property
    def page_size(self) -> int:
        return self.pager.size

    @property
    def page_start(self) -> int:
        return self.pager.start

    @property
    def page_end(self) -> int:
        return self.pager.end

    @property
    def paged(self) -> bool:
        return self.pager.paged

    def _fill(self, focus: Account | None, column: str | None) -> None:
        self.clear()
        self._shown.clear()
        self._cells.clear()
        self.forget_staged()
        keys = [spec.key for spec in self.specs]
        for account in self.accounts[self.page_start:self.page_end]:
            cells = [self.render_cell(account, key) for key in keys]
            self.add_row(*cells, key=account.pair_id)
            self._shown[account.pair_id] = account
            for key, cell in zip(keys, cells):
                self._cells[(account.pair_id, key)] = _signature(cell)
        row = 0
        if focus is not None and focus.pair_id in self._shown:
            row = self.get_row_index(focus.pair_id)
        col = keys.index(column) if column in keys else self.cursor_coordinate.column
        if self.row_count:
            self.move_cursor(row=row, column=min(col, max(len(keys) - 1, 0)), scroll=True)

    # --- in-place updates ---------------------------------------------------------------

    def is_shown(self, account: Account) -> bool:
        return account.pair_id in self._shown

    @property
    def shown_accounts(self) -> list[Account]:
        return list(self._shown.values())

    def update_cell(self, row_key, column_key, value, *, update_width: bool = False) -> None:
        """DataTable's own cell update; forgets what was drawn so the content cache cannot lie."""
        self._cells.pop((str(getattr(row_key, "value", row_key)),
                         str(getattr(column_key, "value", column_key))), None)
        super().update_cell(row_key, column_key, value, update_width=update_width)

    def refresh_cells(self, account: Account, columns: Iterable[str] | None = None) -> int:
        """Re-render one row's cells (all, or the named columns); returns how many changed."""
        changed = self._restage(account, columns)
        self._flush()
        return changed

    def refresh_rows(self, accounts: Iterable[Account] | None = None,
                     columns: Iterable[str] | None = None) -> int:
        """Re-render the given accounts' rows (default: every row on the page)."""
        targets = self.shown_accounts if accounts is None else accounts
        cols = None if columns is None else list(columns)
        changed = sum(self._restage(a, cols) for a in targets)
        self._flush()
        return changed

    def _restage(self, account: Account, columns: Iterable[str] | None) -> int:
        pid = account.pair_id
        if pid not in self._shown:
            return 0
        keys = [spec.key for spec in self.specs]
        wanted = keys if columns is None else [c for c in columns if c in keys]
        changed = 0
        for key in wanted:
            cell = self.render_cell(account, key)
            signature = _signature(cell)
            if self._cells.get((pid, key)) != signature:
                self._cells[(pid, key)] = signature
                self.stage_cell(pid, key, cell)
                changed += 1
        return changed

    def _flush(self) -> None:
        # DataTable.update_cell repaints the whole table per cell; a score key changes a handful
        # of cells, so they are staged and only the changed rows on screen repaint.
        self.repaint_rows()

    # --- the cursor ---------------------------------------------------------------------

    @property
    def cursor_account(self) -> Account | None:
        if not self.row_count or not self.is_valid_coordinate(self.cursor_coordinate):
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return self._shown.get(row_key.value or "")

    @property
    def cursor_column_key(self) -> str | None:
        if not self.columns or not self.specs:
            return None
        column = min(self.cursor_coordinate.column, len(self.specs) - 1)
        return self.specs[column].key

    def move_to(self, account: Account | None = None, column: str | None = None) -> None:
        """Put the cursor on an account's row and/or a column, when shown."""
        row = col = None
        if account is not None and account.pair_id in self._shown:
            row = self.get_row_index(account.pair_id)
        keys = [spec.key for spec in self.specs]
        if column in keys:
            col = keys.index(column)
        if self.row_count:
            self.cursor_coordinate = Coordinate(
                self.cursor_coordinate.row if row is None else row,
                self.cursor_coordinate.column if col is None else col,
            )
