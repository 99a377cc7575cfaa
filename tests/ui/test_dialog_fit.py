"""Dialogs fit their list to the screen (screens.dialogs: lines_left / fit_height for the height,
column_width for the width): at 120x40 and after the terminal is resized to 80x24 with the dialog
open, with a long list and a short one, the row under the cursor (every row, when the list is
short) is on screen whole, on one line, and so are the dialog's keys and buttons: Compare's
session picker and account view, the status words, sharing."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar

import pytest
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, DataTable, OptionList

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.core.categorize import apply_categories
from acctmap_tui.core.model import OURS, PARTNER, SESSION_SIDE
from acctmap_tui.core.score import rescore
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens.compare_account import CompareAccountScreen
from acctmap_tui.screens.compare_pick import ComparePickScreen
from acctmap_tui.screens.icp_status import StatusMapDialog
from acctmap_tui.screens.share_fields import ShareFieldsDialog
from tests.ui.factory import demo_workbench, small_workbench
from tests.ui.test_compare import (
    current_workbench, make_app, open_compare, prior_q3, settle, table_rows,
)
from tests.ui.test_share_safe_everywhere import screen_lines

SMALL, BIG = (80, 24), (120, 40)  # each test opens its dialog at BIG and resizes it to SMALL
CALLS = 30  # earlier sessions of the partnership in the long picker (and the long history)
D = TypeVar("D", bound=Screen)
LONG_WORD = "Channel Partner / Value Added Reseller / Referral Agent (EMEA and APAC)"


@pytest.fixture
def sessions_dir(relative_sessions_dir: Path) -> Path:
    return relative_sessions_dir  # the picker's title names the folder


# --- what is on screen ----------------------------------------------------------------------------


def fully_shown(widget: Widget) -> bool:
    """The whole widget is on screen: not cut by the screen's edge or by the box around it."""
    geometry = widget.screen.find_widget(widget)
    return (geometry.clip.contains_region(geometry.region)
            and widget.screen.region.contains_region(geometry.region))


def drawn_in(widget: Widget) -> str:
    """The screen's text inside the widget's region, line by line."""
    region = widget.region
    lines = screen_lines(widget.app)[region.y:region.bottom]
    return "\n".join(line[region.x:region.right] for line in lines)


def row_text(options: OptionList, index: int) -> str:
    """A row's first line as the list draws it when the row fits (an unreadable session's error
    wraps: its start)."""
    text = str(options.get_option_at_index(index).prompt).splitlines()[0].strip()
    return text if len(text) < options.content_region.width else text[:20]


def rows_in_view(options: OptionList, *indexes: int) -> None:
    """The list is not cut by its box, and each row is drawn in it whole, on one line."""
    assert fully_shown(options), options.region
    drawn = drawn_in(options)
    for index in indexes:
        assert row_text(options, index) in drawn, (index, row_text(options, index), drawn)


def cursor_in_view(options: OptionList) -> None:
    assert options.highlighted is not None
    rows_in_view(options, options.highlighted)


def all_rows_in_view(options: OptionList) -> None:
    rows_in_view(options, *range(options.option_count))


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


# --- Compare: the session picker (5) and an account (enter) ---------------------------------------


def app_with_many_calls(sessions_dir: Path) -> AcctmapApp:
    """Thirty earlier calls of the partnership, one a week (last quarter's accounts), and another
    partner's session."""
    wb = current_workbench()
    earlier = prior_q3(wb.session)
    for week in range(CALLS):
        s = copy.deepcopy(earlier)
        s.date = date(2026, 1, 5) + timedelta(weeks=week)
        s.title = f"Northwind x Globex — call {week + 1:02}"
        s.created = datetime(s.date.year, s.date.month, s.date.day, 10, tzinfo=timezone.utc)
        session_io.save(s, sessions_dir / f"call-{week + 1:02}.toml")
    other = copy.deepcopy(wb.session)
    other.partner, other.title, other.date = "Initech", "Northwind x Initech — Q3", date(2026, 9, 2)
    session_io.save(other, sessions_dir / "initech.toml")
    return AcctmapApp(wb, sessions_dir)


def picker_keys_in_view(picker: ComparePickScreen) -> None:
    assert fully_shown(picker.query_one("#pick-keys"))
    if picker.query_one("#pick-buttons").display:
        assert fully_shown(picker.query_one("#pick-anyway", Button))
        assert fully_shown(picker.query_one("#pick-cancel", Button))


async def open_picker(pilot) -> tuple[ComparePickScreen, OptionList]:
    await open_compare(pilot)
    picker = pilot.app.screen
    assert isinstance(picker, ComparePickScreen)
    return picker, picker.query_one("#pick-list", OptionList)


async def resize(pilot, size: tuple[int, int]) -> None:
    """The terminal resized with the dialog open (a screen-share window made smaller)."""
    await pilot.resize_terminal(*size)
    await settle(pilot)


async def test_picker_long_list_keeps_the_cursor_row_the_notice_and_the_keys_in_view(
        sessions_dir: Path) -> None:
    app = app_with_many_calls(sessions_dir)
    async with app.run_test(size=BIG) as pilot:
        picker, options = await open_picker(pilot)
        assert options.option_count == CALLS + 1
        cursor_in_view(options)
        picker_keys_in_view(picker)
        await press(pilot, "end")
        cursor_in_view(options)
        await resize(pilot, SMALL)
        cursor_in_view(options)
        picker_keys_in_view(picker)
        # another partner's session: its notice and buttons take lines from the list
        options.highlighted = next(i for i, info in enumerate(picker.infos)
                                   if info.partner == "Initech")
        await press(pilot, "enter")
        assert fully_shown(picker.query_one("#pick-notice"))
        picker_keys_in_view(picker)
        cursor_in_view(options)
        # three rows at least: at 80x24 the dialog gives up its blank lines for them
        assert options.scrollable_content_region.height >= 3
        await resize(pilot, BIG)
        assert fully_shown(picker.query_one("#pick-notice"))
        picker_keys_in_view(picker)
        cursor_in_view(options)
        await press(pilot, "down")  # the notice goes, the list has its lines back
        assert not picker.query_one("#pick-notice").display
        cursor_in_view(options)
        picker_keys_in_view(picker)


async def test_picker_short_list_shows_every_row_and_the_keys(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)  # three sessions and an unreadable file
    async with app.run_test(size=BIG) as pilot:
        picker, options = await open_picker(pilot)
        assert options.option_count == 4
        for size in (BIG, SMALL):
            await resize(pilot, size)
            all_rows_in_view(options)
            picker_keys_in_view(picker)


async def open_account(pilot, name: str = "Blue Harbor Logistics") -> CompareAccountScreen:
    """Choose the newest earlier session, then open an account of the comparison."""
    picker, options = await open_picker(pilot)
    await press(pilot, "enter")
    screen = pilot.app.screen
    table = screen.query_one("#compare-table", DataTable)
    names = [" ".join(r[1].split()) for r in table_rows(screen)]  # wrapped at 80 columns
    table.move_cursor(row=names.index(name))
    await press(pilot, "enter")
    dialog = pilot.app.screen
    assert isinstance(dialog, CompareAccountScreen)
    return dialog


def account_in_view(dialog: CompareAccountScreen, *days: date) -> None:
    """The body is not cut by the box, the keys are on screen, and each session's history row
    is drawn in the body."""
    body = dialog.query_one("#account-body")
    assert fully_shown(body) and fully_shown(dialog.query_one("#account-keys"))
    drawn = drawn_in(body)
    for day in days:
        assert day.isoformat() in drawn, (day, drawn)


async def test_account_with_a_long_history_scrolls_to_its_last_session(sessions_dir: Path) -> None:
    app = app_with_many_calls(sessions_dir)
    async with app.run_test(size=BIG) as pilot:
        dialog = await open_account(pilot)
        assert len(dialog.timeline) == CALLS + 1
        account_in_view(dialog)
        assert "Fields then and now" in drawn_in(dialog.query_one("#account-body"))
        await press(pilot, "end")
        account_in_view(dialog, dialog.timeline[-1].date)
        await resize(pilot, SMALL)
        await press(pilot, "home", "end")
        account_in_view(dialog, dialog.timeline[-1].date)


async def test_account_with_a_short_history_shows_it_and_the_keys(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=BIG) as pilot:
        dialog = await open_account(pilot)
        days = [s.date for s in dialog.timeline]
        assert len(days) == 3
        account_in_view(dialog, *days)  # all of it, without scrolling
        await resize(pilot, SMALL)
        await press(pilot, "end")
        account_in_view(dialog, *days)


# --- status words (m on ICP) ----------------------------------------------------------------------


def on_icp(wb: Workbench, sessions_dir: Path) -> AcctmapApp:
    wb.session.agenda.current = "icp"
    return AcctmapApp(wb, sessions_dir, autosave_delay=600)


def many_unknown_words() -> Workbench:
    """Every record of both lists with a status word of its own nobody understood, one long."""
    wb = small_workbench()
    for side, records in ((OURS, wb.ours.records), (PARTNER, wb.theirs.records)):
        for n, rec in enumerate(records):
            rec.status, rec.raw_status = None, f"{side} tier {n:02}"
    wb.ours.records[0].raw_status = LONG_WORD
    apply_categories(wb.session)
    rescore(wb.session)
    return wb


async def open_list_dialog(pilot, key: str, kind: type[D], rows: str) -> tuple[D, OptionList]:
    """The dialog `key` opens, and its list."""
    await press(pilot, key)
    dialog = pilot.app.screen
    assert isinstance(dialog, kind)
    return dialog, dialog.query_one(rows, OptionList)


async def open_status_words(pilot) -> tuple[StatusMapDialog, OptionList]:
    return await open_list_dialog(pilot, "m", StatusMapDialog, "#status-map-rows")


async def test_status_words_long_list_keeps_the_cursor_word_its_mapping_and_the_keys_in_view(
        sessions_dir: Path) -> None:
    app = on_icp(many_unknown_words(), sessions_dir)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        dialog, options = await open_status_words(pilot)
        assert len(dialog.rows) == 28
        cursor_in_view(options)
        await press(pilot, "end")
        assert options.highlighted == 27
        cursor_in_view(options)
        await resize(pilot, SMALL)  # the list shorter: the cursor's word stays in view
        cursor_in_view(options)
        long_row = row_text(options, 0)  # cut in its middle, its count and mapping on its line
        assert LONG_WORD[:8] in long_row and LONG_WORD[-5:] in long_row and "…" in long_row
        assert "— 1 account" in long_row and "not mapped" in long_row
        await press(pilot, "c")  # maps the last word, the cursor wraps round to the first
        cursor_in_view(options)
        assert "= customer" in row_text(options, 27)
        assert fully_shown(dialog.query_one("#status-map-help"))


async def test_status_words_short_list_shows_every_word_and_the_keys(sessions_dir: Path) -> None:
    app = on_icp(demo_workbench(), sessions_dir)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        dialog, options = await open_status_words(pilot)
        assert len(dialog.rows) == 4
        for size in (BIG, SMALL):
            await resize(pilot, size)
            all_rows_in_view(options)
            assert fully_shown(dialog.query_one("#status-map-help"))


# --- sharing (ctrl+o) -----------------------------------------------------------------------------


def sharing_in_view(dialog: ShareFieldsDialog) -> None:
    assert fully_shown(dialog.query_one("#share-keys"))
    assert fully_shown(dialog.query_one("#share-close", Button))


async def open_sharing(pilot) -> tuple[ShareFieldsDialog, OptionList]:
    return await open_list_dialog(pilot, "ctrl+o", ShareFieldsDialog, "#share-list")


async def test_sharing_long_list_keeps_the_cursor_field_its_mark_and_the_keys_in_view(
        sessions_dir: Path) -> None:
    app = on_icp(demo_workbench(), sessions_dir)  # 24 fields under three headings
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        dialog, options = await open_sharing(pilot)
        assert options.option_count == 27
        cursor_in_view(options)
        sharing_in_view(dialog)
        await press(pilot, "end")
        assert options.highlighted == 26
        cursor_in_view(options)
        await resize(pilot, SMALL)  # the list shorter: the cursor's field stays in view
        cursor_in_view(options)
        sharing_in_view(dialog)
        await press(pilot, "space")  # the mark flips on the row, still on its line
        cursor_in_view(options)
        sharing_in_view(dialog)


async def test_sharing_short_list_shows_every_field_and_the_keys(sessions_dir: Path) -> None:
    wb = small_workbench()
    keep = {(OURS, "name"), (OURS, "domain"), (PARTNER, "name"), (SESSION_SIDE, "notes")}
    wb.session.fields = [f for f in wb.session.fields if (f.side, f.name) in keep]
    app = on_icp(wb, sessions_dir)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        dialog, options = await open_sharing(pilot)
        assert options.option_count == 7
        for size in (BIG, SMALL):
            await resize(pilot, size)
            all_rows_in_view(options)
            sharing_in_view(dialog)
