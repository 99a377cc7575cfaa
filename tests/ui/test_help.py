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


@pytest.mark.parametrize("phase, own_key", [
    ("review", "Accept"), ("prioritize", "Sort"), ("assign", "Edit"), ("icp", "Edit notes"),
])
async def test_help_lists_the_keys_of_the_screen_on_display(sessions_dir: Path, phase, own_key):
    wb = small_workbench()
    wb.session.agenda.current = phase
    app = AcctmapApp(wb, sessions_dir, autosave_delay=600)
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
    wb = small_workbench()
    wb.session.agenda.current = "prioritize"
    app = AcctmapApp(wb, sessions_dir, autosave_delay=600)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        text = _text(app.screen)
        assert "Relat.: Partner relationship ×3  (1 Awareness · 2 User · 3 Champion)" in text
        assert "Comp.: Competition ×1" in text
        for key in ("⏎ l", "+/-", "Re-rank", "Category", "Factors"):  # keys the footer leaves out
            assert key in text
