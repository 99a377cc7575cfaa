"""Defects found trying the call by keyboard (issue 11): each reproduced by a Pilot test first."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from rich.console import Console
from rich.measure import Measurement

from textual import events
from textual.widgets import Checkbox, DataTable, Input, RadioSet, Static

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.core.categorize import format_rate, overlap_figures
from acctmap_tui.core.model import OURS, REVIEW
from acctmap_tui.core.dates import default_due, describe_due
from acctmap_tui.screens.assign import AssignScreen
from acctmap_tui.screens.export_dialog import ExportDialog
from tests.ui.factory import DAY, small_workbench
from tests.ui.test_assign import (SIZE, assign_app, editing, go_to, open_editor, row_of,
                                  scored_workbench)
from tests.ui.test_compare import make_app as compare_app
from tests.ui.test_compare import choose, current_workbench, open_compare, pick_rows, prior_q3
from tests.ui.test_icp import shown as icp_shown
from tests.ui.test_review import cursor_row, pair_of, review_app, select, status
from tests.ui.test_review import rows as review_rows


def _account(wb, name: str):
    return next(a for a in wb.session.overlap() if a.ours.name == name)


# --- 1. quick edits and the due date ----------------------------------------------------------


async def test_quick_owner_and_action_edits_set_the_default_due(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = assign_app(wb, sessions_dir)
    fjord = _account(wb, "Fjord Systems AS")
    granite = _account(wb, "Granite Payments")
    assert fjord.due is None and granite.due is None
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await go_to(pilot, "Fjord Systems AS")
        await pilot.press("o", *"Lena", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AssignScreen)
        assert fjord.owner == "Lena"
        assert fjord.due == default_due(DAY)  # what the full editor would have pre-filled
        assert row_of(app, "Fjord Systems AS")["due"] == default_due(DAY).isoformat()

        await go_to(pilot, "Granite Payments")
        await pilot.press("o", "backspace", "enter")  # clearing the owner sets no due date
        await pilot.pause()
        assert granite.owner == "" and granite.due is None
        await pilot.press("x", *"Call", "enter")
        await pilot.pause()
        assert granite.next_action == "Call" and granite.due == default_due(DAY)

        # an account that has a due date keeps it; a quick edit that changes nothing sets none
        wb.set_field(granite, "due", date(2026, 12, 1))
        await pilot.press("x", "enter")
        await pilot.pause()
        assert granite.due == date(2026, 12, 1)
        await go_to(pilot, "Blue Harbor Logistics")
        blue = _account(wb, "Blue Harbor Logistics")
        await pilot.press("o", "escape")
        await pilot.pause()
        await pilot.press("o", "enter")
        await pilot.pause()
        assert blue.due is None


async def test_due_field_takes_long_day_words_typed_key_by_key(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = assign_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for typed, expected in (("next friday", date(2026, 11, 27)),
                                ("+2w", DAY + timedelta(days=14)),
                                ("in 10 days", DAY + timedelta(days=10)),
                                ("December 18, 2026", date(2026, 12, 18))):
            dialog = await open_editor(pilot, "Deltaworks Ltd")
            due = dialog.query_one("#assign-due", Input)
            due.focus()
            await pilot.press("home", "ctrl+k", *typed)  # clear the pre-filled date, type
            await pilot.pause()
            assert due.value == typed
            # the whole text is in view (not scrolled out of the box), with the day it is read as
            assert due.content_size.width >= len(typed) + 1
            assert describe_due(expected, DAY) in str(
                dialog.query_one("#assign-due-read", Static).content)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, AssignScreen), typed
            assert _account(wb, "Deltaworks Ltd").due == expected, typed


# --- 2. enter on the status buttons -----------------------------------------------------------


async def test_enter_on_the_status_buttons_saves_the_dialog(sessions_dir: Path) -> None:
    async with editing(sessions_dir, "Deltaworks Ltd") as (app, pilot, wb, dialog):
        dialog.query_one("#assign-status", RadioSet).focus()
        await pilot.pause()
        await pilot.press("right", "enter")  # highlight "done" (after "open"), enter
        await pilot.pause()
        assert isinstance(app.screen, AssignScreen)
        assert _account(wb, "Deltaworks Ltd").action_status == "done"
        assert row_of(app, "Deltaworks Ltd")["action_status"] == "done"

        # enter on the status already pressed saves the other fields as they are
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#assign-action", Input).value = "Send the deck"
        app.screen.query_one("#assign-status", RadioSet).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AssignScreen)
        account = _account(wb, "Deltaworks Ltd")
        assert (account.next_action, account.action_status) == ("Send the deck", "done")


# --- 3. esc clears the review filter ----------------------------------------------------------


async def test_esc_clears_the_review_filter_as_on_prioritize(sessions_dir: Path) -> None:
    app = review_app(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        every = [r[1] for r in review_rows(app)]
        assert len(every) == 3
        box = app.screen.query_one("#review-filter", Input)

        await pilot.press("slash", *"lumen", "enter")  # filter kept, back on the list
        await pilot.pause()
        assert [r[1] for r in review_rows(app)] == ["Lumen Learning Labs"]
        assert isinstance(app.focused, DataTable)
        await pilot.press("escape")
        await pilot.pause()
        assert box.value == ""
        assert [r[1] for r in review_rows(app)] == every
        assert cursor_row(app)[1] == "Lumen Learning Labs"  # still on the pair it found
        assert "filter matches" not in status(app)

        await pilot.press("slash", *"no such company")  # esc while typing in the box
        await pilot.pause()
        assert review_rows(app) == []
        await pilot.press("escape")
        await pilot.pause()
        assert box.value == "" and [r[1] for r in review_rows(app)] == every
        assert isinstance(app.focused, DataTable)


# --- 4. undo brings the cursor back -----------------------------------------------------------


async def test_undo_puts_the_cursor_back_on_the_pair_it_restores(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        queue = [r[1] for r in review_rows(app)]
        first = queue[0]
        await select(pilot, first)
        await pilot.press("r")  # reject: the cursor moves on to the next pair
        await pilot.pause()
        assert cursor_row(app)[1] != first
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert pair_of(wb, first).match.decision == REVIEW
        assert cursor_row(app)[1] == first

        await pilot.press("a", "j")  # accept, then move away
        await pilot.pause()
        await pilot.press("u")  # the screen's own undo key
        await pilot.pause()
        assert cursor_row(app)[1] == first

        await pilot.press("v")  # the overlap: set a category on one pair, move away, undo
        await pilot.pause()
        await select(pilot, "Fjord Systems AS")
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("enter")  # the dialog's first choice
        await pilot.pause()
        await pilot.press("k", "k")
        await pilot.pause()
        assert cursor_row(app)[1] != "Fjord Systems AS"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert cursor_row(app)[1] == "Fjord Systems AS"


# --- 5. a burst of keys (a paste the terminal sends as keys) keeps tab between fields ----------


async def burst(pilot, *keys: str) -> None:
    """Send keys in one go, as a terminal without bracketed paste delivers a paste: pilot.press
    waits for the app to go idle after each key, which hides the race this reproduces."""
    app = pilot.app
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)
    await pilot.pause()


async def test_a_burst_of_keys_keeps_tab_between_the_assign_fields(sessions_dir: Path) -> None:
    async with editing(sessions_dir, "Fjord Systems AS") as (app, pilot, wb, dialog):
        dialog.query_one("#assign-due", Input).value = ""
        await burst(pilot, *"Sam Ito", "tab", *"Call their CTO", "tab", *"+1w", "tab",
                    *"met at the QBR")
        assert dialog.query_one("#assign-owner", Input).value == "Sam Ito"
        assert dialog.query_one("#assign-action", Input).value == "Call their CTO"
        assert dialog.query_one("#assign-due", Input).value == "+1w"
        assert dialog.query_one("#assign-notes", Input).value == "met at the QBR"
        await burst(pilot, "shift+tab", "shift+tab", *"Demo")  # back to the action (selected)
        assert dialog.query_one("#assign-action", Input).value == "Demo"
        assert dialog.query_one("#assign-notes", Input).value == "met at the QBR"
        await pilot.press("enter")
        await pilot.pause()
        fjord = _account(wb, "Fjord Systems AS")
        assert (fjord.owner, fjord.next_action, fjord.due, fjord.notes) == (
            "Sam Ito", "Demo", DAY + timedelta(days=7), "met at the QBR")


async def test_a_burst_of_keys_keeps_tab_in_the_export_dialog(sessions_dir: Path) -> None:
    app = assign_app(scored_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        top = dialog.query_one("#export-top", Input)
        top.focus()
        top.value = ""
        await pilot.pause()
        # A paste holds text, tabs and newlines. (Keys bound on a widget, such as backspace or
        # space on a checkbox, still race the keys behind them: Textual runs those bindings once
        # the key has bubbled up to the app.)
        await burst(pilot, "5", "tab", "tab", *"-q4")
        assert top.value == "5"
        assert dialog.query_one("#export-safe", Checkbox).value is False
        assert dialog.query_one("#export-name", Input).value.endswith("-q4")


async def test_a_pasted_row_with_tabs_fills_the_next_fields(sessions_dir: Path) -> None:
    """A row copied from a spreadsheet comes as one paste with tabs between the cells."""
    async with editing(sessions_dir, "Fjord Systems AS") as (_app, pilot, _wb, dialog):
        dialog.focused.post_message(events.Paste("Sam Ito\tCall their CTO\t+1w\n"))
        await pilot.pause()
        assert dialog.query_one("#assign-owner", Input).value == "Sam Ito"
        assert dialog.query_one("#assign-action", Input).value == "Call their CTO"
        assert dialog.query_one("#assign-due", Input).value == "+1w"
        assert dialog.focused is dialog.query_one("#assign-due", Input)
        notes = dialog.query_one("#assign-notes", Input)
        notes.focus()
        notes.post_message(events.Paste("no tab here"))  # a plain paste as before
        await pilot.pause()
        assert notes.value == "no tab here" and dialog.focused is notes


# --- 6. compare: sessions alike, the history chart, one rate format ----------------------------


async def test_session_chooser_tells_apart_sessions_of_the_same_date_and_title(
        tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = Path("sessions")
    folder.mkdir()
    app = compare_app(folder)
    again = prior_q3(app.workbench.session)
    again.accounts = again.accounts[:-2]  # the same call saved again under another name, later
    session_io.save(again, folder / "q3-copy.toml")
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        rows = pick_rows(app)
        q3 = [r for r in rows if r.startswith("2026-08-20")]
        assert len(q3) == 2
        assert q3[0][:60] == q3[1][:60]  # date, title and partner alike...
        seconds = sorted(r.splitlines()[1].strip() for r in q3)
        assert seconds[0] != seconds[1]  # ...the second says what differs
        assert seconds[0].startswith("2026-Q3-northwind-globex.toml · saved ")
        assert seconds[1].startswith("q3-copy.toml · saved ")
        counts = {len(prior_q3(app.workbench.session).accounts), len(again.accounts)}
        assert {int(s.split(" · ")[2].split()[0]) for s in seconds} == counts
        assert all(len(r.splitlines()) == 1 for r in rows if r not in q3)  # others: one line


def _quarterly_sessions(folder: Path, current, count: int) -> None:
    """`count` earlier sessions of the same partnership, one a quarter back from 2026-Q3."""
    for back in range(count):
        day = date(2026 - (back + 1) // 4, (8, 5, 2, 11)[back % 4], 20)
        earlier = prior_q3(current)
        earlier.date, earlier.title = day, f"Northwind x Globex — {day} mapping"
        session_io.save(earlier, folder / f"s{back}.toml")


def _natural_width(renderable) -> int:
    console = Console(width=400, file=io.StringIO())
    return Measurement.get(console, console.options, renderable).maximum


@pytest.mark.parametrize("sessions", [4, 6])
@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_overlap_by_session_stays_inside_its_border(
        tmp_path: Path, monkeypatch, sessions: int, size: tuple[int, int]) -> None:
    monkeypatch.chdir(tmp_path)
    folder = Path("sessions")
    folder.mkdir()
    wb = current_workbench()
    _quarterly_sessions(folder, wb.session, sessions - 1)
    app = AcctmapApp(wb, folder)
    async with app.run_test(size=size) as pilot:
        await open_compare(pilot)
        await pilot.press("enter")  # the newest earlier session
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        chart = screen.query_one("#compare-history", Static)
        summary = screen.query_one("#compare-summary", Static)
        text = " ".join(_plain_text(summary.content, summary.content_region.width).split())
        assert "71.4% 71.4%" in text and "Change" in text  # every figure of the summary whole
        if size[0] < 100:  # no room beside the summary: the chart gives way (its then/now say it)
            assert not chart.display
            return
        assert chart.region.right <= size[0]  # the box (border included) is on screen
        assert _natural_width(chart.content) <= chart.content_region.width  # the chart in its box
        shown = len(chart.content.columns) - 1
        assert shown >= 2  # then and now, at least
        if shown < sessions:
            assert chart.border_title == f"Overlap, last {shown} of {sessions}"
        if size[0] >= 120 and sessions == 4:
            assert shown == 4


def _plain_text(renderable, width: int) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()


async def test_rates_read_the_same_on_icp_and_compare(tmp_path: Path, monkeypatch) -> None:
    """A rate is written one way everywhere ('24.0%' beside '28.7%', never '24%')."""
    monkeypatch.chdir(tmp_path)
    folder = Path("sessions")
    folder.mkdir()
    app = compare_app(folder)
    wb = app.workbench
    # a whole-number rate next to a fractional one: the "24%" beside "28.7%"
    assert format_rate(0.24) == "24.0%" and format_rate(0.287) == "28.7%"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        icp = icp_shown(app, "#icp-lists")
        fig = overlap_figures(wb.session)
        assert f"{100 * fig.rate(OURS):.1f}%" in icp
        await open_compare(pilot)
        await choose(pilot, app, "2026-08-20")
        screen = app.screen
        texts = [icp] + [_plain_text(screen.query_one(sel, Static).content, 120)
                         for sel in ("#compare-summary", "#compare-history")]
        rates = [r for text in texts for r in re.findall(r"\d+(?:\.\d+)?%", text)]
        assert len(rates) >= 6  # both lists, two rates and the activation, the chart's
        assert all(re.fullmatch(r"\d+\.\d%", r) for r in rates), rates


async def test_compare_columns_follow_a_resize_from_80_to_120_columns(tmp_path: Path,
                                                                      monkeypatch) -> None:
    """A screen shared at 80 columns and widened: the changes table takes the new width."""
    monkeypatch.chdir(tmp_path)
    folder = Path("sessions")
    folder.mkdir()
    app = compare_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_compare(pilot)
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one("#compare-table", DataTable)
        narrow = [c.width for c in table.columns.values()]
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        wide = [c.width for c in table.columns.values()]
        assert wide[1] > narrow[1] and wide[3] > narrow[3]  # Account and What changed
