"""Help on screen: ? and F1 list the live keys of the screen on display and the call's agenda."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from acctmap_tui.app import AcctmapApp
from acctmap_tui.screens.help import HelpScreen
from tests.ui.factory import small_workbench


def _text(screen: HelpScreen) -> str:
    return "\n".join(str(s.content) for s in screen.query(Static))


def app_on(phase: str, sessions_dir: Path) -> AcctmapApp:
    """The app on the small session, on `phase`."""
    wb = small_workbench()
    wb.session.agenda.current = phase
    return AcctmapApp(wb, sessions_dir, autosave_delay=600)


@pytest.mark.parametrize("phase, own_key", [
    ("review", "Accept"), ("prioritize", "Sort"), ("assign", "Edit"), ("icp", "Edit notes"),
])
async def test_help_lists_the_keys_of_the_screen_on_display(sessions_dir: Path, phase, own_key):
    app = app_on(phase, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = _text(app.screen)
        assert own_key in text and "Save" in text and "Quit" in text
        assert "▶" in text and "Prioritize · 20 min" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_the_palette_finds_help(sessions_dir: Path):
    from acctmap_tui.commands import APP_COMMANDS

    assert any(name == "help" for _, _, name, _ in APP_COMMANDS)
    app = AcctmapApp(small_workbench(), sessions_dir, autosave_delay=600)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.action_help()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_prioritize_help_names_each_short_factor_header(sessions_dir: Path):
    app = app_on("prioritize", sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        text = _text(app.screen)
        assert "Relat.: Partner relationship ×3  (1 Awareness · 2 User · 3 Champion)" in text
        assert "Comp.: Competition ×1" in text
        for key in ("⏎ l", "+/-", "Re-rank", "Category", "Factors"):  # keys the footer leaves out
            assert key in text


@pytest.mark.parametrize("phase", ["icp", "assign"])
async def test_at_80x24_help_scrolls_to_its_last_line_and_its_closing_line_shows(sessions_dir: Path,
                                                                                 phase):
    """The body scrolls in what the box leaves it: the arrows reach the agenda's last phase,
    and the line that says how to close stays on screen (both were cut off at 80x24)."""
    from tests.ui.test_share_safe_everywhere import screen_lines

    app = app_on(phase, sessions_dir)
    app.animation_level = "none"  # the scroll jumps: no timer to wait out
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.pause()
        assert "esc, ? or F1 closes" in "\n".join(screen_lines(app))
        for _ in range(40):  # the arrow keys scroll the keys at once, no tab first
            await pilot.press("down")
        await pilot.pause()
        seen = "\n".join(screen_lines(app))
        assert "4 Assign · 15 min" in seen and "esc, ? or F1 closes" in seen, seen


async def test_bracket_keys_are_listed_with_their_keys(sessions_dir: Path):
    """`[` and `]` on two lines were read as one markup tag and lost (audit 10 F6)."""
    lines = ("[ Prev other", "] Next other")
    app = app_on("review", sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        drawn = "\n".join(str(s.render()) for s in app.screen.query(Static))  # markup read
        rows = [" ".join(line.split()) for line in drawn.splitlines()]
        for line in lines:
            assert line in rows, rows


async def test_a_screens_own_keys_come_before_its_tables_cursor_keys(sessions_dir: Path):
    """At 80x24 help opened on the table's cursor keys (up, down, page left...), the screen's own
    (Edit, Owner) below the fold."""
    from tests.ui.test_share_safe_everywhere import screen_lines

    app = app_on("assign", sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        shown = "\n".join(screen_lines(app))
        assert "On this screen" in shown and "Edit" in shown and "Owner" in shown, shown
        text = _text(app.screen)
        assert text.index("Next action") < text.index("Moving around") < text.index("Cursor up")
        # Textual's own screen key (copy) is listed with the app's, not as Assign's
        assert text.index("Everywhere") < text.index("Copy selected text")
