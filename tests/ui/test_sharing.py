"""Sharing: choosing what the partner sees, and exporting the action list from the app."""

from __future__ import annotations

import csv
from pathlib import Path

from textual.widgets import Checkbox, Input, OptionList, Select, Static

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import OURS
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens.export_dialog import ExportDialog
from acctmap_tui.screens.share_fields import ShareFieldsDialog
from acctmap_tui.widgets.account_table import AccountTable
from tests.ui.factory import small_workbench

SIZE = (120, 40)
EXTRA = "Billing Country"  # an extra column of our list: private until someone shares it


def make_app(sessions_dir: Path, wb: Workbench | None = None, phase: str = "assign") -> AcctmapApp:
    wb = wb or small_workbench()
    wb.session.agenda.current = phase  # start there without an edit (no autosave in snapshots)
    return AcctmapApp(wb, sessions_dir, autosave_delay=600)


def field(wb: Workbench, side: str, name: str):
    return next(f for f in wb.session.fields if f.side == side and f.name == name)


def option_text(dialog: ShareFieldsDialog, side: str, name: str) -> str:
    index = next(i for i, f in enumerate(dialog._fields) if f and (f.side, f.name) == (side, name))
    return str(dialog.query_one("#share-list", OptionList).get_option_at_index(index).prompt)


async def highlight(pilot, side: str, name: str) -> None:
    """Walk the list with the arrow keys to a field, as a person would."""
    dialog = pilot.app.screen
    options = dialog.query_one("#share-list", OptionList)
    await pilot.press("home")
    for _ in range(len(dialog._fields)):
        info = dialog._fields[options.highlighted]
        if info is not None and (info.side, info.name) == (side, name):
            return
        await pilot.press("down")
    raise AssertionError(f"{side} {name} is not in the list")


async def open_sharing(pilot) -> ShareFieldsDialog:
    await pilot.pause()
    await pilot.press("ctrl+o")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ShareFieldsDialog)
    return pilot.app.screen


async def open_export(pilot) -> ExportDialog:
    await pilot.pause()
    await pilot.press("ctrl+e")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ExportDialog)
    return pilot.app.screen


async def export_to(pilot, path: Path, top: str | None = None, fmt: str | None = None) -> None:
    """Fill the export dialog and press enter in the file box."""
    dialog = pilot.app.screen
    if fmt is not None:
        dialog.query_one("#export-format", Select).value = fmt
        await pilot.pause()
    if top is not None:
        dialog.query_one("#export-top", Input).value = top
    name = dialog.query_one("#export-name", Input)
    name.value = str(path)
    name.focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def notices(app: AcctmapApp) -> list[str]:
    return [n.message for n in app._notifications]


# --- choose what the partner sees ------------------------------------------------------------


async def test_every_field_is_listed_with_its_column_and_a_shared_or_private_word(
        sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_sharing(pilot)
        listed = [(f.side, f.name) for f in dialog._fields if f is not None]
        assert listed == [(f.side, f.name) for f in app.workbench.session.fields]
        assert "'Billing Country'" in option_text(dialog, OURS, EXTRA)
        assert "private" in option_text(dialog, OURS, EXTRA)
        assert "shared" in option_text(dialog, OURS, "domain")
        assert "private" in option_text(dialog, "session", "notes")
        explain = str(dialog.query_one("#share-explain", Static).content)
        assert "private ones never leave this machine" in explain


async def test_toggling_a_field_changes_the_session_and_survives_save_and_load(
        sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    wb = app.workbench
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_sharing(pilot)
        await highlight(pilot, OURS, EXTRA)
        await pilot.press("space")
        await pilot.pause()
        assert field(wb, OURS, EXTRA).shareable
        assert "shared" in option_text(dialog, OURS, EXTRA)
        await highlight(pilot, "session", "action_status")
        await pilot.press("enter")  # enter flips too: a shared field goes private
        await pilot.pause()
        assert not field(wb, "session", "action_status").shareable
        assert "private" in option_text(dialog, "session", "action_status")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ShareFieldsDialog)
        assert wb.dirty
        assert app.save_to(sessions_dir / "shared.toml")
        await app.wait_for_save()  # saving runs in a thread
        await pilot.press("ctrl+z")  # each flip is one undo step
        await pilot.pause()
        assert field(wb, "session", "action_status").shareable
    loaded = session_io.load(sessions_dir / "shared.toml")
    marks = {(f.side, f.name): f.shareable for f in loaded.fields}
    assert marks[(OURS, EXTRA)] is True
    assert marks[("session", "action_status")] is False


async def test_sharing_a_field_while_share_safe_shows_it_at_once(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.share_safe = True
        await pilot.pause()

        def columns() -> list[str]:
            return [spec.key for spec in app.screen.query_one("#assign-table", AccountTable).specs]

        assert "notes" not in columns()
        await open_sharing(pilot)
        await highlight(pilot, "session", "notes")
        await pilot.press("space", "escape")
        await pilot.pause()
        assert "notes" in columns()


async def test_palette_reaches_sharing_and_export(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        for query, screen in (("choose what the partner", ShareFieldsDialog),
                              ("export action", ExportDialog)):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*("space" if c == " " else c for c in query))
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, screen)
            await pilot.press("escape")
            await pilot.pause()


# --- export ----------------------------------------------------------------------------------


async def test_a_shared_extra_column_goes_into_the_partner_safe_export_only_once_shared(
        sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    wb = app.workbench
    countries = {a.ours.name: a.ours.extra[EXTRA] for a in wb.session.overlap()}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.share_safe = True
        await pilot.pause()
        dialog = await open_export(pilot)
        assert dialog.query_one("#export-safe", Checkbox).value  # share-safe view: partner-safe
        await export_to(pilot, sessions_dir / "before.csv", top="")
        before = read_csv(sessions_dir / "before.csv")
        assert len(before) == len(countries)
        assert not any(EXTRA in column for column in before[0])
        assert not any(country in row.values() for row in before for country in countries.values())
        assert "notes" not in before[0] and "priority" not in before[0]

        await open_sharing(pilot)
        await highlight(pilot, OURS, EXTRA)
        await pilot.press("space", "escape")
        await pilot.pause()
        await open_export(pilot)
        await export_to(pilot, sessions_dir / "after.csv", top="")
        after = read_csv(sessions_dir / "after.csv")
        column = next(c for c in after[0] if EXTRA in c)
        assert {row["account"]: row[column] for row in after} == countries
        assert any("partner-safe: only shared fields" in n for n in notices(app))


async def test_export_writes_csv_and_markdown_with_the_chosen_top_n(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    overlap = len(app.workbench.session.overlap())
    for account in app.workbench.session.overlap()[:4]:
        app.workbench.set_level(account, "relationship", 2)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(pilot)
        assert not dialog.query_one("#export-safe", Checkbox).value  # share-safe view is off
        assert dialog.query_one("#export-top", Input).value == str(app.workbench.session.scoring.top_n)
        await export_to(pilot, sessions_dir / "top3", top="3")
        rows = read_csv(sessions_dir / "top3.csv")  # the format's suffix is added
        assert [r["rank"] for r in rows] == ["1", "2", "3"]
        assert "priority" in rows[0]  # an internal list keeps the private columns
        assert any("3 accounts" in n and "top3.csv" in n for n in notices(app))

        await open_export(pilot)
        await export_to(pilot, sessions_dir / "all.md", top="", fmt="md")
        text = (sessions_dir / "all.md").read_text(encoding="utf-8")
        assert text.startswith("# ")
        table = [line for line in text.splitlines() if line.startswith("|")]
        assert len(table) == 2 + overlap  # header, rule, one line per account


async def test_the_suggested_file_sits_next_to_the_session_and_follows_the_format(
        sessions_dir: Path) -> None:
    wb = small_workbench()
    wb.set_field(wb.session.overlap()[0], "owner", "Dana")
    wb.save(sessions_dir / "q4-call.toml")
    app = make_app(sessions_dir, wb)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(pilot)
        name = dialog.query_one("#export-name", Input)
        assert Path(name.value) == sessions_dir / "q4-call.actions.csv"
        dialog.query_one("#export-format", Select).value = "md"
        await pilot.pause()
        assert Path(name.value) == sessions_dir / "q4-call.actions.md"
        name.value = "for-globex.csv"  # a typed suffix picks the format
        await pilot.pause()
        assert dialog.query_one("#export-format", Select).value == "csv"
        name.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert read_csv(sessions_dir / "for-globex.csv")[0]["rank"] == "1"


async def test_export_problems_stay_in_the_dialog(sessions_dir: Path) -> None:
    blocker = sessions_dir / "not-a-folder"
    blocker.write_text("a file, not a folder")
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await export_to(pilot, sessions_dir / "x.csv", top="0")
        assert isinstance(app.screen, ExportDialog)
        assert "Top N" in str(app.screen.query_one("#export-error", Static).content)
        assert not (sessions_dir / "x.csv").exists()

        await export_to(pilot, sessions_dir / "x.csv", top="5")  # nothing scored or planned yet
        assert "No account is scored" in str(app.screen.query_one("#export-error", Static).content)
        assert not (sessions_dir / "x.csv").exists()

        app.workbench.set_level(app.workbench.session.overlap()[0], "relationship", 2)
        await export_to(pilot, blocker / "out.csv", top="5")
        assert isinstance(app.screen, ExportDialog)
        error = app.screen.query_one("#export-error", Static)
        assert error.display and "Could not export" in str(error.content)
        assert not any("Exported" in n for n in notices(app))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)


# --- snapshots -------------------------------------------------------------------------------


def test_snapshot_share_fields(snap_compare) -> None:
    app = make_app(Path("exports-snapshot"))

    async def run_before(pilot) -> None:
        await open_sharing(pilot)
        await highlight(pilot, OURS, EXTRA)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_export_dialog(snap_compare) -> None:
    app = make_app(Path("exports-snapshot"))

    async def run_before(pilot) -> None:
        await pilot.pause()
        app.share_safe = True
        await pilot.pause()
        app.clear_notifications()
        await open_export(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
