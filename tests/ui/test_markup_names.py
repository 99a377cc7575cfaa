"""Company names, owners and notes are user text: Rich markup in them (`Acme [/] Corp`, `[bold]`,
`[link=x]`) is shown as typed on every screen and dialog, never parsed (a MarkupError crashed the
app, and the crash exited with status 0)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

from acctmap_tui import cli
from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import REVIEW
from acctmap_tui.core.workbench import Workbench
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


async def _visit(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


async def test_every_phase_and_dialog_shows_markup_names_as_typed(sessions_dir: Path) -> None:
    wb = hostile_workbench()
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        companies = str(app.screen.query_one("#agenda-companies").render())
        assert "North [/] wind" in companies and "[link=x]Globex" in companies
        await _visit(pilot, "m", "escape")  # status words
        await _visit(pilot, "2")  # review: the diff pane shows both records
        await _visit(pilot, "g", "escape")  # category dialog
        await _visit(pilot, "m", "escape")  # pair by hand
        await _visit(pilot, "a")  # accept: notifies the names
        await _visit(pilot, "ctrl+z")  # undo: notifies the names again
        await _visit(pilot, "3", "w", "escape")  # prioritize + factors dialog
        await _visit(pilot, "4", "enter", "escape")  # assign + edit dialog
        await _visit(pilot, "ctrl+o", "escape")  # sharing
        await _visit(pilot, "ctrl+e", "escape")  # export
        await _visit(pilot, "5")  # compare
        await _visit(pilot, "ctrl+s")  # save as: the suggested name is from the companies
        await _visit(pilot, "escape", "q")  # unsaved changes
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
