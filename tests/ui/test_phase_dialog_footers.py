"""Under a dialog, the footer of the phase screen below offers none of that screen's keys.

A dialog gets every key that is not a priority binding: Review's `a Accept`, Prioritize's
`s Sort` or Assign's `e Edit` do nothing while it is up, so the footer left showing under it must
not offer them (one rule, in `PhaseScreen.check_action`)."""

from __future__ import annotations

import pytest

from acctmap_tui.app import AcctmapApp
from acctmap_tui.screens.base import PhaseScreen
from acctmap_tui.screens.dialogs import Dialog
from acctmap_tui.widgets.agenda_header import AgendaFooter
from tests.ui.factory import demo_workbench, run_command
from tests.ui.test_footers import shown_keys

SIZE = (120, 40)


@pytest.mark.parametrize(("phase", "keys"), [("2", ("m",)), ("3", ("w",)), ("4", ("enter",))])
async def test_the_footer_under_a_dialog_offers_none_of_the_screens_keys(phase: str,
                                                                         keys: tuple) -> None:
    app = AcctmapApp(workbench=demo_workbench())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(phase)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PhaseScreen)
        footer = screen.query_one(AgendaFooter)
        before = shown_keys(footer)
        own = [key for key in before if not key.endswith(("Phase", "Save", "Undo", "Help", "Quit"))]
        assert own, before  # the screen offers keys of its own
        await pilot.press(*keys)
        await pilot.pause()
        assert isinstance(app.screen, Dialog), app.screen
        under = shown_keys(footer)
        assert not set(own) & set(under), under
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and shown_keys(footer) == before  # back, all offered again


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_palette_over_a_dialog_cannot_switch_the_share_safe_view(size) -> None:
    """A dialog is drawn once, for the view it opened in: switched on from the palette over the
    Assign editor, the view left the notes showing under a header saying SHARE-SAFE (audit 4,
    N1). Over a dialog the palette offers none of the app's commands, as the keys there."""
    from textual.command import CommandPalette

    app = AcctmapApp(workbench=demo_workbench())
    async with app.run_test(size=size) as pilot:
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, Dialog)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"share-safe")
        await pilot.pause(0.5)  # the palette gathers its hits in a worker
        await pilot.press("enter")
        await pilot.pause()
        assert not app.share_safe
        if isinstance(app.screen, CommandPalette):
            await pilot.press("escape")
            await pilot.pause()
        assert app.screen is dialog
        await pilot.press("escape")  # closed, the same command works
        await pilot.pause()
        await run_command(pilot, "share-safe")
        assert app.share_safe


async def test_the_palette_over_a_dialog_offers_no_widget_commands() -> None:
    """Textual's Maximize, run from the palette over the export dialog, blanked it down to one
    checkbox until esc (call re-audit F6)."""
    app = AcctmapApp(workbench=demo_workbench())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, Dialog)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Maximize" not in titles and "Keys" not in titles and "Theme" in titles
        await pilot.press("escape")
        await pilot.pause()
        assert "Keys" in {c.title for c in app.get_system_commands(app.screen)}  # back: all again
