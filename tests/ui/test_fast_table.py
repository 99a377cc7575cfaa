"""FastTable, the one module that touches DataTable internals: fails loudly when Textual changes them."""

from __future__ import annotations

import inspect
from importlib.metadata import version

from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.app import App, ComposeResult
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from acctmap_tui.widgets import fast_table
from acctmap_tui.widgets.fast_table import FastTable


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield FastTable(id="t", cursor_type="row")


def test_textual_is_the_minor_version_the_internals_were_checked_against():
    major, minor = (int(part) for part in version("textual").split(".")[:2])
    assert (major, minor) == (8, 2), (
        "FastTable relies on DataTable internals checked on Textual 8.2: re-check "
        "acctmap_tui/widgets/fast_table.py, then move the pin in pyproject.toml")


def test_the_datatable_internals_fast_table_uses_still_exist():
    table = DataTable()
    missing = [name for name in fast_table.DATATABLE_INTERNALS if not hasattr(table, name)]
    assert not missing, f"DataTable no longer has {missing}: FastTable must be re-checked"
    assert isinstance(table._row_locations, TwoWayDict)
    assert isinstance(table._column_locations, TwoWayDict)
    assert isinstance(table._data, dict) and isinstance(table._update_count, int)
    assert callable(TwoWayDict.get_key) and callable(TwoWayDict.get)
    render = list(inspect.signature(DataTable._render_cell).parameters)[1:]
    assert tuple(render) == fast_table.RENDER_CELL_PARAMETERS, render
    assert list(inspect.signature(DataTable._update_dimensions).parameters)[1:] == ["new_rows"]
    assert list(inspect.signature(DataTable._clear_caches).parameters)[1:] == []


async def test_rows_written_in_one_pass_keep_order_cursor_and_cells():
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(FastTable)
        table.add_column("Name", key="name", width=10)
        table.add_column("N", key="n", width=4)
        table.write_rows(["a", "b", "c"], {k: [Text(k.upper()), Text(str(i))]
                                           for i, k in enumerate("abc")})
        await pilot.pause()
        assert [table.get_row_at(i)[0].plain for i in range(table.row_count)] == ["A", "B", "C"]
        table.move_cursor(row=2)
        # "a" removed, "b" kept as it was, "d" added, order changed
        table.write_rows(["c", "d", "b"], {"d": [Text("D"), Text("9")]})
        await pilot.pause()
        assert [table.get_row_at(i)[0].plain for i in range(table.row_count)] == ["C", "D", "B"]
        assert table.row_count == 3 and table.cursor_row == 2
        assert table.get_row_index(RowKey("b")) == 2

        table.stage_cell("d", "n", Text("10"))
        table.repaint_rows()
        await pilot.pause()
        assert table.get_row_at(1)[1].plain == "10"
        # A cell rendered on one row and shown on another carries the new row for clicks.
        lines = table._render_cell(0, 0, table.rich_style, 10)
        again = table._render_cell(0, 0, table.rich_style, 10)
        assert again is lines
        moved = table._render_cell(2, 0, table.rich_style, 10)
        assert all(seg.style and seg.style.meta.get("row") == 2 for line in moved for seg in line)


async def test_textual_keeps_a_footers_key_watchers_where_they_are_dropped():
    """`drop_detached_watchers` edits the list `textual.reactive._watch` keeps: fails loudly when
    Textual keeps watchers elsewhere (then re-check it, and whether issue #6666 is fixed)."""
    from textual.widgets import Footer

    class FooterApp(App[None]):
        BINDINGS = [("x", "bell", "Bell")]

        def compose(self) -> ComposeResult:
            yield Footer()

    app = FooterApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        footer = app.query_one(Footer)
        watchers = getattr(footer, fast_table.WATCHERS)["compact"]
        assert watchers and all(isinstance(pair, tuple) and len(pair) == 2 for pair in watchers)
        app.screen.refresh_bindings()  # the footer composes its keys anew
        for _ in range(3):
            await pilot.pause()
        assert fast_table.drop_detached_watchers(footer, "compact") > 0
        assert all(owner.is_attached for owner, _ in watchers)


async def test_switching_phases_keeps_no_old_footer_keys(sessions_dir):
    """Each phase switch left the footer's old keys alive (26 a switch, the whole call long:
    audit 12, memory grew 0.7 MB a switch)."""
    import gc

    from textual.widgets._footer import FooterKey

    from acctmap_tui.app import AcctmapApp
    from tests.ui.factory import small_workbench

    def keys_alive() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if isinstance(o, FooterKey))

    app = AcctmapApp(small_workbench(), sessions_dir, autosave_delay=600)
    async with app.run_test(size=(120, 40)) as pilot:
        for phase in "2323":  # each phase built once
            await pilot.press(phase)
            await pilot.pause()
        before = keys_alive()
        for phase in "23" * 15:
            await pilot.press(phase)
            await pilot.pause()
        assert keys_alive() <= before + 30, (before, keys_alive())


# --- what reaches the terminal ----------------------------------------------------------------


def _strips():
    from rich.segment import Segment
    from rich.style import Style
    from textual.strip import Strip

    bold, link = Style(bold=True, color="red"), Style(link="https://example.com", underline=True)
    return [Strip([Segment("Acme Corp", bold), Segment("  "), Segment("Globex", None)]),
            Strip([Segment("Ünïcode · ✓ 東京", link), Segment("x" * 40, Style(bgcolor="blue"))]),
            Strip([])]


def test_the_guarded_render_writes_what_textuals_own_writes():
    """The guard mirrors `Strip.render`: on text with no control character both write the same
    bytes. If a Textual release changes how a strip is written, this fails: re-check the guard."""
    from rich.console import Console
    from textual.strip import Strip

    strip = Strip([])
    missing = [name for name in fast_table.STRIP_INTERNALS if not hasattr(strip, name)]
    assert not missing, f"Strip no longer has {missing}: the terminal guard must be re-checked"
    for color_system in ("truecolor", "256", "standard"):
        console = Console(color_system=color_system, force_terminal=True)
        for strip in _strips():  # one strip each way: a link's style carries a random id
            theirs = fast_table.TEXTUAL_STRIP_RENDER(strip, console)
            strip._render_cache = None
            assert fast_table._guarded_render(strip, console) == theirs
            strip._render_cache = None


def test_control_characters_in_a_name_never_reach_the_terminal():
    """A hand-edited session's partner name wiped the screen, set the window title and wrote the
    clipboard (OSC 52) through the header (audit 14 H2): the app drops them as it writes."""
    from rich.console import Console
    from rich.segment import Segment
    from rich.style import Style
    from textual.strip import Strip

    from acctmap_tui.app import AcctmapApp

    AcctmapApp()  # the app puts the guard in place
    name = "Glo\x1b]0;pwned\x07bex\x1b[2J\x1b]52;c;Y3VybA==\x07 Inc\x9b31m"
    strip = Strip([Segment(name, Style(bold=True)), Segment(name)])
    written = strip.render(Console(force_terminal=True))
    for sequence in ("\x1b]", "\x1b[2J", "\x07", "\x9b"):
        assert sequence not in written
    assert "Glo]0;pwnedbex[2J]52;c;Y3VybA== Inc31m" in written  # the text stays, harmless
    assert strip.cell_length == Strip([Segment("Glo]0;pwnedbex[2J]52;c;Y3VybA== Inc31m")]).cell_length * 2
