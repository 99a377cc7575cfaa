"""`FastTable`: Textual's `DataTable` with in-place row writes and a render cache keyed by content.

The only module that touches Textual's private internals: DataTable's (the names in
`DATATABLE_INTERNALS`), a node's watcher lists (`drop_detached_watchers`), and how a strip is
written to the terminal (`guard_terminal_text`, at the end); tests/ui/test_fast_table.py fails
loudly when a Textual release renames or re-shapes one of them, and pyproject pins Textual to the
minor version these were checked against.

Why not the public API: DataTable adds rows one at a time (each re-checks the cursor and is
measured for column widths) and removes them one at a time (each re-numbers every row), so a
1,000-row view switch costs most of a second; `update_cell` repaints the whole table per cell; and
its render cache is keyed on a table-wide counter, so one changed cell re-renders every visible
cell on the next full repaint. Every column here has a fixed width and every row is one line
high, which makes three cheaper operations safe:

- `write_rows(keys, cells)`: show exactly these rows in this order in one pass, keeping rows that
  did not change (the way DataTable's own `sort` re-orders them);
- `stage_cell` + `repaint_rows`: change cells without a repaint, then repaint only the changed rows
  that are on screen;
- `refit_columns()`: re-measure after column widths were changed by hand.

Rendered cells are kept by what they show (text, style, justification, width, cursor state), not
by the counter, so a cell that only moved to another row costs a re-write of the row number it
carries for mouse clicks, not a new render.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rich.color import ColorSystem
from rich.console import Console
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.coordinate import Coordinate
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import Row, RowKey

# Every private DataTable name this module relies on (checked by tests/ui/test_fast_table.py).
DATATABLE_INTERNALS = (
    "_data",  # dict[RowKey, dict[ColumnKey, cell]]
    "_row_locations",  # TwoWayDict[RowKey, int]
    "_column_locations",  # TwoWayDict[ColumnKey, int]
    "_update_count",  # int, part of every render-cache key
    "_updated_cells",  # set[CellKey] waiting for a width update
    "_new_rows",  # set[RowKey] not yet measured
    "_require_update_dimensions",  # bool
    "_update_dimensions",  # (new_rows: Iterable[RowKey]) -> None
    "_clear_caches",  # () -> None
    "_render_cell",  # (row_index, column_index, base_style, width, cursor=False, hover=False)
    "_show_hover_cursor",  # bool
    "_pseudo_class_state",  # PseudoClasses, part of the render-cache key
)
RENDER_CELL_PARAMETERS = ("row_index", "column_index", "base_style", "width", "cursor", "hover")


class FastTable(DataTable):
    """A DataTable whose rows are written in one pass and whose cells render from a content cache."""

    CONTENT_CACHE_LIMIT = 20_000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._content_cache: dict[tuple, tuple[int, list]] = {}  # before DataTable's init
        self._dirty_rows: set[str] = set()
        super().__init__(*args, **kwargs)

    # --- writing rows ---------------------------------------------------------------------

    def write_rows(self, keys: list[str], cells: Mapping[str, Iterable[object]]) -> None:
        """Show the rows `keys` in this order.

        `cells` holds the cells (in column order) of every row that is new or changed; rows not
        in it keep what they show, rows not in `keys` are removed.
        """
        wanted = set(keys)
        for row_key in [k for k in self.rows if k.value not in wanted]:
            del self.rows[row_key]
            del self._data[row_key]
        if self._updated_cells:
            self._updated_cells = {c for c in self._updated_cells if c.row_key.value in wanted}
        columns = [column.key for column in self.ordered_columns]
        for key, row_cells in cells.items():
            row_key = RowKey(key)
            self._data[row_key] = dict(zip(columns, row_cells))
            if row_key not in self.rows:
                self.rows[row_key] = Row(row_key, 1)
        self._row_locations = TwoWayDict({RowKey(key): i for i, key in enumerate(keys)})
        # What add_row / remove_row do after their change, once: new render caches, the cursor
        # kept on a row, the virtual size (now rather than when idle, so that moving the cursor
        # right after scrolls in this frame).
        self._update_count += 1
        if self.cursor_row >= len(keys):
            self.cursor_coordinate = Coordinate(max(len(keys) - 1, 0), self.cursor_column)
        self.hover_coordinate = self.hover_coordinate
        new_rows = set(self._new_rows)
        self._new_rows.clear()
        self._require_update_dimensions = False
        self._update_dimensions(new_rows)
        self.refresh()

    def stage_cell(self, row_key: str, column_key: str, cell: object) -> None:
        """Change one cell without repainting (`repaint_rows` shows the staged rows)."""
        self._data[RowKey(row_key)][column_key] = cell  # type: ignore[index]  # a ColumnKey hashes as its str
        self._dirty_rows.add(row_key)

    def repaint_rows(self) -> None:
        """Repaint the rows staged since the last call, those on screen only (one line each)."""
        if not self._dirty_rows:
            return
        self._update_count += 1  # invalidates DataTable's render caches
        top = int(self.scroll_y)
        bottom = top + self.size.height
        visible = []
        for key in self._dirty_rows:
            index = self._row_locations.get(RowKey(key))
            if index is not None and top <= index <= bottom:
                visible.append(index)
        self._dirty_rows.clear()
        if len(visible) > 8:
            self.refresh()
        else:
            for index in visible:
                self.refresh_row(index)

    def forget_staged(self) -> None:
        self._dirty_rows.clear()

    def refit_columns(self) -> None:
        """Re-measure after column widths were set by hand (DataTable has no public call; these
        are what add_column does after changing a column)."""
        self._require_update_dimensions = True
        self._clear_caches()
        self.refresh()

    # --- rendering ------------------------------------------------------------------------

    def _render_cell(self, row_index: int, column_index: int, base_style: RichStyle, width: int,
                     cursor: bool = False, hover: bool = False) -> list:
        row_key = self._row_locations.get_key(row_index) if row_index >= 0 else None
        column_key = self._column_locations.get_key(column_index) if column_index >= 0 else None
        cell = self._data.get(row_key, {}).get(column_key) if row_key and column_key else None
        if not isinstance(cell, Text) or cell.spans or not isinstance(cell.style, str):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        key = (column_index, cell.plain, cell.style, cell.justify, cell.overflow, cell.no_wrap,
               base_style, width, cursor, hover,
               self.show_cursor, self._show_hover_cursor, self._pseudo_class_state)
        cached = self._content_cache.get(key)
        if cached is None:
            if len(self._content_cache) > self.CONTENT_CACHE_LIMIT:
                self._content_cache.clear()
            lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
            self._content_cache[key] = (row_index, lines)
            return lines
        rendered_for, lines = cached
        if rendered_for == row_index:
            return lines
        # The same cell on another row: only the row in the click metadata differs.
        meta = RichStyle.from_meta({"row": row_index, "column": column_index})
        return [[Segment(text, style + meta if style else meta, control)
                 for text, style, control in line] for line in lines]

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._content_cache.clear()

    def notify_style_update(self) -> None:
        self._content_cache.clear()
        super().notify_style_update()


# --- a node's watchers (Textual issue #6666) ---------------------------------------------------

WATCHERS = "__watchers"  # the attribute `textual.reactive._watch` keeps a node's watchers in


def drop_detached_watchers(node: object, attribute: str) -> int:
    """Forget the watchers of `node`'s reactive `attribute` whose widget is gone; returns how
    many. A Footer recomposes on every change of the keys (each phase switch) and each new key
    binds its `compact` to the footer's (`data_bind`): Textual keeps every old key's watcher,
    and the key with it, until `compact` changes, which at a fixed width it never does. A call
    that switched phases 350 times grew by 200 MB."""
    watchers = getattr(node, WATCHERS, {}).get(attribute)
    if not watchers:
        return 0
    kept = [(owner, callback) for owner, callback in watchers
            if getattr(owner, "is_attached", True)]
    dropped = len(watchers) - len(kept)
    watchers[:] = kept
    return dropped


# --- what reaches the terminal ----------------------------------------------------------------
# Textual writes a strip's text to the terminal as it is, and the terminal reads a control
# character in it: ESC ]0; sets the window title, ESC [2J clears the screen, OSC 52 writes the
# clipboard. Lists are cleaned of them as they are read, but a hand-edited or a colleague's
# session can hold one in a name, a title or notes (the CLI writes them as escapes:
# core.export.shown). Every screen update goes through `Strip.render`; there they are dropped.
# They are zero cells wide, so the layout does not change. Segments carrying a control code
# (none in Textual's strips today) pass as they are.

STRIP_INTERNALS = ("_render_cache", "_segments", "render_style")  # checked by the loud test
TEXTUAL_STRIP_RENDER = Strip.render  # Textual's own, which `_guarded_render` mirrors
_TERMINAL_CONTROLS = dict.fromkeys([*range(0x20), 0x7F, *range(0x80, 0xA0)])


def _without_controls(text: str) -> str:
    return text if text.isprintable() else text.translate(_TERMINAL_CONTROLS)


def _guarded_render(self: Strip, console: Console) -> str:
    """`Strip.render` with the control characters of its text dropped."""
    if self._render_cache is None:
        color_system = console._color_system or ColorSystem.TRUECOLOR
        render = self.render_style
        self._render_cache = "".join([
            text if control else
            _without_controls(text) if style is None else
            render(style, _without_controls(text), color_system=color_system)
            for text, style, control in self._segments
        ])
    return self._render_cache


def guard_terminal_text() -> None:
    """Drop control characters from what every screen writes to the terminal (see above)."""
    Strip.render = _guarded_render  # type: ignore[method-assign]
