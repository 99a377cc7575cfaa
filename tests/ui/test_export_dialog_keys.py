"""The export dialog's keys do what its words say (usability audit F5, F9).

Enter on the partner-safe checkbox exports, as enter in a text box and the Export button do: it
used to flip the box back to internal and write nothing. ctrl+o, which the dialog names for
choosing the shared fields, opens the sharing dialog over it; once that closes, the columns and
Top N are drawn for the new marks, and what was typed in the dialog is kept.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, Label, Select, Static

from acctmap_tui.core.model import OURS, SESSION_SIDE
from acctmap_tui.screens.export_dialog import ExportDialog
from acctmap_tui.screens.share_fields import ShareFieldsDialog
from tests.ui.test_sharing import EXTRA, SIZE, highlight, make_app, notices, open_export, read_csv

MARKER = "PRIVATE-PLAN-7731"  # a next action, marked private: never in a partner-safe file


def columns_line(dialog: ExportDialog) -> str:
    return str(dialog.query_one("#export-columns", Static).content)


async def test_enter_on_the_partner_safe_checkbox_exports_a_partner_safe_file(
        sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    wb = app.workbench
    wb.set_shareable(SESSION_SIDE, "next_action", False)
    wb.set_fields(wb.session.overlap()[0], next_action=MARKER)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(pilot)
        target = Path(dialog.query_one("#export-name", Input).value)
        fmt = dialog.query_one("#export-format", Select)
        assert fmt.has_focus
        await pilot.press("enter")  # on the format: opens its list, writes nothing
        await pilot.pause()
        assert fmt.expanded and app.screen is dialog and not target.exists()
        await pilot.press("escape")  # closes the list, not the dialog
        await pilot.pause()
        assert not fmt.expanded and app.screen is dialog

        await pilot.press("tab", "tab", "space")
        await pilot.pause()
        safe = dialog.query_one("#export-safe", Checkbox)
        assert safe.has_focus and safe.value  # space ticks it
        await pilot.press("enter")
        await pilot.pause()

        assert not isinstance(app.screen, ExportDialog)  # enter exported, as the button does
        text = target.read_text(encoding="utf-8-sig")
        assert MARKER not in text and "next action" not in read_csv(target)[0]
        assert any("partner-safe" in n and target.name in n for n in notices(app))


async def test_ctrl_o_opens_sharing_over_the_dialog_which_then_shows_the_new_marks(
        sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(pilot)
        top = dialog.query_one("#export-top", Input)
        name = dialog.query_one("#export-name", Input)
        top.value = "7"
        name.value = str(sessions_dir / "kept-name.csv")
        name.focus()
        await pilot.pause()
        dialog.query_one("#export-safe", Checkbox).value = True  # partner-safe: Top N not offered
        await pilot.pause()
        assert top.disabled and EXTRA not in columns_line(dialog)

        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ShareFieldsDialog)
        await highlight(pilot, OURS, EXTRA)
        await pilot.press("space")
        await highlight(pilot, SESSION_SIDE, "priority")
        await pilot.press("space", "escape")
        await pilot.pause()

        assert app.screen is dialog
        assert EXTRA in columns_line(dialog) and "priority" in columns_line(dialog)
        aside = str(dialog.query_one("#export-top-aside", Static).content)
        assert not top.disabled and top.value == "7" and "not offered" not in aside
        assert name.value == str(sessions_dir / "kept-name.csv")
        assert dialog.query_one("#export-safe", Checkbox).value
        assert "ctrl+o" in str(dialog.query_one("#export-keys", Label).content)  # said there
