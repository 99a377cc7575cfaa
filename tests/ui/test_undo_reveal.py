"""An undo that takes back a "private" mark shows the field again: in the share-safe view it asks
first, as turning the view off does (`y` only). ctrl+z used to show the hidden names at once,
with the toast "Undid: name private" (audit 4, N3)."""

from __future__ import annotations

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core.model import OURS
from acctmap_tui.core.sharing import is_shareable
from acctmap_tui.screens.dialogs import ShowPrivateDialog
from tests.ui.factory import demo_workbench

SIZE = (100, 30)


def test_the_workbench_says_which_undo_would_show_a_private_field() -> None:
    wb = demo_workbench()
    wb.set_shareable(OURS, "name", False)
    assert wb.undo_reveals() == ((OURS, "name"),)
    wb.set_shareable(OURS, "name", True)  # marking shared: its undo hides, reveals nothing
    assert wb.undo_reveals() == ()
    wb.undo()
    assert wb.undo_reveals() == ((OURS, "name"),)


async def test_in_the_share_safe_view_undoing_a_private_mark_asks_first() -> None:
    wb = demo_workbench()
    app = AcctmapApp(workbench=wb)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "p")
        await pilot.pause()
        assert app.share_safe
        wb.set_shareable(OURS, "name", False)  # what ctrl+o, then enter on our names, does
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert isinstance(app.screen, ShowPrivateDialog)
        said = " ".join(str(s.content) for s in app.screen.query("Static"))
        assert "marking Account name (Northwind) private" in said, said
        await pilot.press("z")  # any other key: kept private, nothing undone
        await pilot.pause()
        assert not isinstance(app.screen, ShowPrivateDialog)
        assert not is_shareable(wb.session, OURS, "name") and wb.undo_reveals()
        await pilot.press("ctrl+z")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert is_shareable(wb.session, OURS, "name") and app.share_safe


async def test_outside_the_share_safe_view_the_undo_runs_at_once() -> None:
    wb = demo_workbench()
    app = AcctmapApp(workbench=wb)
    async with app.run_test(size=SIZE) as pilot:
        wb.set_shareable(OURS, "name", False)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert not isinstance(app.screen, ShowPrivateDialog)
        assert is_shareable(wb.session, OURS, "name")


def test_the_undo_toast_names_the_field_as_the_sharing_dialog_does() -> None:
    """It said "name private", the dialog "Account name (Northwind)" (call re-audit F8)."""
    wb = demo_workbench()
    wb.set_shareable(OURS, "name", False)
    assert wb.undo() == "Account name (Northwind) private"
