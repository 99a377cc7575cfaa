"""Compare with no earlier session chosen: what the picker says when this call's session is the
only one saved, the keys offered before a comparison shows, and help's title."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.screens.compare import CompareScreen
from acctmap_tui.screens.compare_pick import ComparePickScreen
from acctmap_tui.screens.help import HelpScreen
from tests.ui.test_compare import (
    SIZE, _plain, choose, current_workbench, make_app, open_compare, other_partner, settle,
)
from tests.ui.test_footers import footer_line


@pytest.fixture
def sessions_dir(relative_sessions_dir: Path) -> Path:
    return relative_sessions_dir


def saved_alone(sessions_dir: Path) -> AcctmapApp:
    """This call's session saved in the sessions folder, and nothing else there."""
    wb = current_workbench()
    wb.path = session_io.save(wb.session, sessions_dir / "2026-Q4-northwind-globex.toml")
    return AcctmapApp(wb, sessions_dir)


def picker_notice(app: AcctmapApp) -> str:
    picker = app.screen
    assert isinstance(picker, ComparePickScreen)
    return " ".join(_plain(picker.query_one("#pick-notice", Static).content).split())


def footer_keys(app: AcctmapApp) -> set[str]:
    return {active.binding.description for active in app.screen.active_bindings.values()
            if active.binding.show}


# --- the picker's notice --------------------------------------------------------------------


async def test_a_saved_session_alone_in_the_folder_is_not_asked_to_be_saved(
        sessions_dir: Path) -> None:
    app = saved_alone(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        notice = picker_notice(app)
        assert "The only session saved in sessions/ is this one" in notice
        assert "the next call's session can be compared with it" in notice
        assert "ctrl+s" not in notice


async def test_share_safe_says_it_of_this_partnership_and_names_no_other_file(
        sessions_dir: Path) -> None:
    app = saved_alone(sessions_dir)
    initech = sessions_dir / "2026-Q3-northwind-initech.toml"
    session_io.save(other_partner(app.workbench.session), initech)
    app.share_safe = True
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        notice = picker_notice(app)
        assert "The only session of this partnership saved in sessions/ is this one" in notice
        assert "initech" not in notice.casefold()


async def test_a_session_not_saved_yet_is_asked_to_be_saved(sessions_dir: Path) -> None:
    app = AcctmapApp(current_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        notice = picker_notice(app)
        assert "No earlier session saved in sessions/ yet" in notice and "ctrl+s" in notice


# --- keys before a comparison shows ---------------------------------------------------------


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_filter_and_actions_are_offered_only_once_a_session_is_chosen(
        sessions_dir: Path, size: tuple[int, int]) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=size) as pilot:
        await open_compare(pilot)
        await pilot.press("escape")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.diff is None
        keys = footer_keys(app)
        assert "Choose earlier" in keys
        assert "Filter" not in keys and "Actions" not in keys
        await pilot.press("f", "a", "f")  # they change nothing: the table opens on "all"
        await pilot.pause()
        assert screen.filter == "all"
        await pilot.press("c")
        await settle(pilot)
        await choose(pilot, app, "2026-08-20")
        await settle(pilot)
        assert app.screen is screen and screen.showing and screen.filter == "all"
        assert {"Filter", "Actions"} <= footer_keys(app)
        line = footer_line(app)
        assert "f Filter" in line and "a Actions" in line  # whole, at 80 columns too
        await pilot.press("a")
        await pilot.pause()
        assert screen.filter == "actions"


# --- help -----------------------------------------------------------------------------------


async def test_help_on_compare_is_titled_compare(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        await choose(pilot, app, "2026-08-20")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and app.screen.title_text == "Compare"
