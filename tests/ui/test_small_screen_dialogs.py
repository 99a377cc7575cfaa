"""Dialogs at 80x24: every value and key hint is on screen (or scrolls into view), nothing wraps
under the box edge; at 120x40 the snapshots of each dialog show them as before."""

from __future__ import annotations

from pathlib import Path

from textual.widget import Widget
from textual.widgets import Button, Input, OptionList

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core.model import PROSPECT
from acctmap_tui.screens.icp_status import StatusMapDialog
from acctmap_tui.screens.prioritize_weights import FactorRow, FactorsScreen
from acctmap_tui.screens.review_pair import PairDialog
from acctmap_tui.screens.share_fields import ShareFieldsDialog
from tests.ui.factory import demo_workbench
from tests.ui.test_share_safe_everywhere import screen_lines

SMALL = (80, 24)


def demo_on(phase: str, sessions_dir: Path) -> AcctmapApp:
    wb = demo_workbench()
    wb.session.agenda.current = phase
    return AcctmapApp(wb, sessions_dir, autosave_delay=600)


async def settle(pilot) -> None:
    for _ in range(4):
        await pilot.pause()


async def opened(pilot, key: str, dialog: type):
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, dialog)
    return pilot.app.screen


def fully_shown(widget: Widget) -> bool:
    """The whole widget is on screen: not cut by the screen's edge or a box around it."""
    geometry = widget.screen.find_widget(widget)
    return (geometry.clip.contains_region(geometry.region)
            and widget.screen.region.contains_region(geometry.region))


def text(app: AcctmapApp) -> str:
    return "".join(screen_lines(app))


# --- status words (m on ICP) ----------------------------------------------------------------------


async def test_each_status_word_and_its_mapping_are_on_one_line(sessions_dir: Path) -> None:
    app = demo_on("icp", sessions_dir)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        dialog = await opened(pilot, "m", StatusMapDialog)
        await pilot.press("p", "o", "c", "x")
        await settle(pilot)
        lines = screen_lines(app)
        for mapping in ("= prospect", "= open deal", "= customer", "= churned"):
            row = next(line for line in lines if mapping in line)
            assert "' — " in row  # the word and its count on the same line
        assert "▶" in next(line for line in lines if "= churned" in line)  # the last word, in view
        assert fully_shown(dialog.query_one("#status-map-help"))


async def test_undo_in_the_status_dialog_puts_the_cursor_on_the_word_restored(sessions_dir: Path) -> None:
    app = demo_on("icp", sessions_dir)
    wb = app.workbench
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        dialog = await opened(pilot, "m", StatusMapDialog)
        options = dialog.query_one(OptionList)
        first = dialog.rows[0]
        await pilot.press("p")  # maps the first word, the cursor moves on
        assert options.highlighted == 1
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert options.highlighted == 0
        assert "▶" in next(line for line in screen_lines(app) if f"'{first.word}'" in line)
        await pilot.press("c")  # the word restored, not the one after it
        await settle(pilot)
        statuses = {r.status for r in wb.records(first.side) if r.raw_status.strip() == first.word}
        assert statuses == {"customer"}
        second = dialog.rows[1]
        assert PROSPECT not in {r.status for r in wb.records(second.side)
                                if r.raw_status.strip() == second.word}


# --- sharing (ctrl+o) -----------------------------------------------------------------------------


async def test_sharing_dialog_keeps_its_keys_and_each_mark_on_its_field_line(sessions_dir: Path) -> None:
    app = demo_on("icp", sessions_dir)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        dialog = await opened(pilot, "ctrl+o", ShareFieldsDialog)
        assert fully_shown(dialog.query_one("#share-keys"))
        assert fully_shown(dialog.query_one("#share-close", Button))
        rows = [line for line in screen_lines(app) if "column '" in line]
        assert len(rows) >= 8
        assert all(" shared " in row or " private " in row for row in rows)
        assert "partner sees" in text(app)


# --- scoring factors (w on Prioritize) ------------------------------------------------------------


async def test_factors_dialog_shows_levels_buttons_and_the_header(sessions_dir: Path) -> None:
    app = demo_on("prioritize", sessions_dir)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        dialog = await opened(pilot, "w", FactorsScreen)
        for button in dialog.query(Button):
            assert fully_shown(button), button.id
        for row in dialog.query(FactorRow):
            assert fully_shown(row)
            levels = row.field("factor-levels")
            assert len(levels.value) < levels.content_region.width, levels.value
        box = dialog.query_one("#factors-box")
        assert box.region.y >= 3  # the header (phase, clock) stays in view
        lines = screen_lines(app)
        assert "Prioritize" in lines[0] and "Strong competitor, Weak competitor, None" in text(app)


async def test_factors_dialog_at_120x40_keeps_its_spacing(sessions_dir: Path) -> None:
    app = demo_on("prioritize", sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dialog = await opened(pilot, "w", FactorsScreen)
        assert not dialog.has_class("-short") and not dialog.has_class("-narrow")
        assert dialog.query_one("#factors-save", Button).region.height == 3


# --- pair by hand (m on Review) -------------------------------------------------------------------


async def test_pair_by_hand_hint_is_read_to_its_end(sessions_dir: Path) -> None:
    app = demo_on("review", sessions_dir)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        dialog = await opened(pilot, "m", PairDialog)
        assert fully_shown(dialog.query_one("#pair-help"))
        assert "cancels" in text(app)  # it wraps, rather than ending "esc cance"
        assert isinstance(app.focused, Input)
