"""Company names, owners and notes are user text: Rich markup in them (`Acme [/] Corp`, `[bold]`,
`[link=x]`) is shown as typed on every screen and dialog, never parsed (a MarkupError crashed the
app, and the crash exited with status 0)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from acctmap_tui import cli
from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens.assign import AssignScreen
from acctmap_tui.screens.assign_edit import AssignEditScreen
from acctmap_tui.screens.compare_pick import ComparePickScreen
from acctmap_tui.screens.dialogs import SaveAsDialog, UnsavedChangesDialog
from acctmap_tui.screens.export_dialog import ExportDialog
from acctmap_tui.screens.icp_status import StatusMapDialog
from acctmap_tui.screens.prioritize import PrioritizeScreen
from acctmap_tui.screens.prioritize_weights import FactorsScreen
from acctmap_tui.screens.review import ReviewScreen
from acctmap_tui.screens.review_category import CategoryDialog
from acctmap_tui.screens.review_pair import PairDialog
from acctmap_tui.screens.share_fields import ShareFieldsDialog
from tests.ui.factory import small_workbench

SIZE = (120, 40)
MARKUP = ["Acme [/] Corp", "[bold]Bold[/bold] Ltd", "[link=x]Linked", "[/]", "[b", "x[/link]"]


def hostile_workbench() -> Workbench:
    wb = small_workbench()
    s = wb.session
    s.ours, s.partner = "North [/] wind", "[link=x]Globex"
    s.title = "[bold] title [/]"
    s.icp_notes = "[/] notes"
    for i, account in enumerate(s.accounts):
        bad = MARKUP[i % len(MARKUP)]
        account.ours.name = f"{account.ours.name} {bad}"
        account.theirs.name = f"{bad} {account.theirs.name}"
        account.ours.owner = account.theirs.owner = f"[link=x]{bad}"
        account.owner, account.next_action, account.notes = bad, f"call {bad}", f"note {bad}"
        account.ours.extra = {k: f"{v} {bad}" for k, v in account.ours.extra.items()}
    for src in s.sources:
        src.company = f"{src.company} [/]"
        src.problems = ["x.csv, row 3: [/] bad [bold]"]
    return wb


async def _visit(pilot, key: str, shows: type | None = None) -> None:
    await pilot.press(key)
    await pilot.pause()
    if shows is not None:
        assert isinstance(pilot.app.screen, shows), (key, pilot.app.screen)
    await pilot.pause()  # toasts and tables render: markup in them would raise here


async def test_every_phase_and_dialog_shows_markup_names_as_typed(sessions_dir: Path) -> None:
    wb = hostile_workbench()
    wb.ours = wb.theirs = None  # the pair dialog then says why, naming the lists
    wb.lists_note = "[/]x.csv: not found"
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        companies = str(app.screen.query_one("#agenda-companies").render())
        assert "North [/] wind" in companies and "[link=x]Globex" in companies
        await _visit(pilot, "m", StatusMapDialog)
        await _visit(pilot, "escape")
        await _visit(pilot, "2", ReviewScreen)
        await _visit(pilot, "g", CategoryDialog)
        await _visit(pilot, "escape")
        await _visit(pilot, "m", PairDialog)
        assert "[/]x.csv: not found" in str(app.screen.query_one("#pair-not-loaded").render())
        await _visit(pilot, "escape")
        await _visit(pilot, "a")  # accept or reject: the toast names the records
        wb.set_field(wb.session.accounts[0], "owner", "[/] [bold]")
        await _visit(pilot, "ctrl+z")  # undo: "Undid: <name>: owner [/] [bold]"
        assert any("[/] [bold]" in n.message for n in app._notifications)
        await _visit(pilot, "3", PrioritizeScreen)
        await _visit(pilot, "w", FactorsScreen)
        await _visit(pilot, "escape")
        app.action_phase("assign")  # digits score accounts on this screen
        await pilot.pause()
        assert isinstance(app.screen, AssignScreen)
        await _visit(pilot, "enter", AssignEditScreen)
        await _visit(pilot, "escape")
        await _visit(pilot, "ctrl+o", ShareFieldsDialog)
        await _visit(pilot, "escape")
        await _visit(pilot, "ctrl+e", ExportDialog)
        await _visit(pilot, "escape")
        await _visit(pilot, "5", ComparePickScreen)  # no earlier session picked yet: it asks
        await _visit(pilot, "escape")
        await _visit(pilot, "1")
        await _visit(pilot, "ctrl+s", SaveAsDialog)
        await _visit(pilot, "escape")
        await _visit(pilot, "q", UnsavedChangesDialog)
        assert app.is_running
        await _visit(pilot, "escape")


async def test_a_restore_dialog_names_markup_companies_as_typed(sessions_dir: Path) -> None:
    crashed = hostile_workbench()
    crashed.set_icp_notes("x")
    crashed.autosave(sessions_dir)
    app = AcctmapApp(hostile_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = str(app.screen.query_one("#restore-message").render())
        assert "North [/] wind × [link=x]Globex" in text


# --- a crash exits non-zero and says where the work is ---------------------------------------------


def test_a_crash_exits_non_zero_and_names_the_recovery_file(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    mounted = AcctmapApp.on_mount

    def crash_after_an_edit(self: AcctmapApp) -> None:
        mounted(self)
        self.workbench.set_icp_notes("typed just before the crash")

        def boom() -> None:
            raise RuntimeError("simulated bug")

        self.call_later(boom)

    monkeypatch.setattr(AcctmapApp, "on_mount", crash_after_an_edit)
    monkeypatch.setattr(AcctmapApp, "run", lambda self: App.run(self, headless=True, size=SIZE))
    code = cli.main(["demo"])
    err = capsys.readouterr().err
    assert code == 1
    (recovery,) = (tmp_path / "sessions").glob(".unsaved-*.recovery.toml")
    assert str(recovery) in err or str(recovery.relative_to(tmp_path)) in err
    assert session_io.load(recovery).icp_notes == "typed just before the crash"
