"""The export dialog offers Excel and CRM import files, and the file name follows the format."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from textual.widgets import Input, Select, Static

from tests.ui.test_sharing import SIZE, make_app, notices, open_export, read_csv


async def test_choosing_excel_then_a_crm_file_renames_and_writes_them(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    for account in app.workbench.session.overlap()[:3]:
        app.workbench.set_level(account, "relationship", 3)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(pilot)
        name = dialog.query_one("#export-name", Input)
        dialog.query_one("#export-format", Select).value = "xlsx"
        await pilot.pause()
        assert name.value.endswith(".actions.xlsx")
        name.focus()
        await pilot.press("enter")
        await pilot.pause()
        written = Path(name.value)
        assert load_workbook(written).active.max_row == 1 + 3
        assert any("Excel" in n and written.name in n for n in notices(app))

        dialog = await open_export(pilot)
        name = dialog.query_one("#export-name", Input)
        dialog.query_one("#export-format", Select).value = "salesforce"
        await pilot.pause()
        assert name.value.endswith(".actions.salesforce.csv")
        columns = str(dialog.query_one("#export-columns", Static).content)
        assert "Account Name" in columns and "priority" not in columns
        name.value = str(sessions_dir / "for-crm.hubspot.csv")  # the ending picks the format
        await pilot.pause()
        assert dialog.query_one("#export-format", Select).value == "hubspot"
        name.focus()
        await pilot.press("enter")
        await pilot.pause()
        rows = read_csv(sessions_dir / "for-crm.hubspot.csv")
        assert len(rows) == 3 and "Company name" in rows[0]
