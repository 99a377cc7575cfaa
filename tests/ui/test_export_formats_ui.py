"""The export dialog offers Excel and CRM import files, and the file name follows the format.

Top N goes by the priority: while the priority is private it is not offered for a list that keeps
to the shared fields (partner-safe on, or a CRM import file), and such a list is the whole overlap.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from textual.widgets import Checkbox, Input, Select, Static

from acctmap_tui.core.model import SESSION_SIDE
from tests.ui.test_sharing import SIZE, export_to, make_app, notices, open_export, read_csv


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
        # a CRM file keeps to the shared fields: with the priority private, no top N, the overlap
        assert len(rows) == len(app.workbench.session.overlap()) and "Company name" in rows[0]


def top_field(dialog) -> tuple[bool, str, str]:
    """Top N as the dialog offers it: (offered, value, the words beside it)."""
    top = dialog.query_one("#export-top", Input)
    return (not top.disabled, top.value, str(dialog.query_one("#export-top-aside", Static).content))


async def test_top_n_is_not_offered_for_a_partner_safe_list_while_the_priority_is_private(
        sessions_dir: Path) -> None:
    """ctrl+e with partner-safe on (the share-safe view) wrote the top 15 scored accounts, which
    told the private priority: now the file and the toast's count are the whole overlap,
    whichever accounts are scored; Top N comes back for an internal list, or once the priority
    is marked shared."""
    written = []
    for scored in (slice(0, 3), slice(5, 7), slice(0, 0)):
        app = make_app(sessions_dir)
        overlap = app.workbench.session.overlap()
        for account in overlap[scored]:
            app.workbench.set_level(account, "relationship", 3)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.share_safe = True
            await pilot.pause()
            dialog = await open_export(pilot)
            assert dialog.query_one("#export-safe", Checkbox).value
            offered, value, aside = top_field(dialog)
            assert not offered and value == ""
            assert "not offered" in aside and "private priority" in aside and "ctrl+o" in aside
            assert f"all {len(overlap)} in the overlap" in aside
            await export_to(pilot, sessions_dir / "safe.csv")
            written.append(([r["account"] for r in read_csv(sessions_dir / "safe.csv")],
                            [n for n in notices(app) if "Exported" in n]))
            assert f"Exported {len(overlap)} accounts" in written[-1][1][0]

            dialog = await open_export(pilot)
            dialog.query_one("#export-safe", Checkbox).value = False  # internal: offered again
            await pilot.pause()
            assert top_field(dialog)[:2] == (True, "15")
            dialog.query_one("#export-format", Select).value = "salesforce"  # shared fields only
            await pilot.pause()
            assert top_field(dialog)[:2] == (False, "")
            await pilot.press("escape")
            await pilot.pause()

            app.workbench.set_shareable(SESSION_SIDE, "priority", True)  # what ctrl+o marks
            dialog = await open_export(pilot)
            assert top_field(dialog)[:2] == (True, "15")
            (sessions_dir / "shared.csv").unlink(missing_ok=True)
            await export_to(pilot, sessions_dir / "shared.csv")
            if overlap[scored]:  # today's top N: the scored accounts, with their rank
                rows = read_csv(sessions_dir / "shared.csv")
                assert len(rows) == len(overlap[scored]) and "rank" in rows[0]
            else:
                assert not (sessions_dir / "shared.csv").exists()
                assert "No account is scored" in str(dialog.query_one("#export-error", Static).content)
    assert written[0] == written[1] == written[2]  # the same whatever the priorities
