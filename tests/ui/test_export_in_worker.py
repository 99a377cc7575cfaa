"""The export dialog writes its file in a worker thread (an Excel file of a 50k session took
~2 s of a frozen screen): meanwhile it says "Exporting…", offers no cancel, and a second enter or esc does nothing;
then it closes with the same notification, or shows why the file could not be written."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.widgets import Button, Input, Static
from textual.worker import WorkerCancelled

from acctmap_tui.core import export
from acctmap_tui.screens import export_dialog
from acctmap_tui.screens.export_dialog import ExportDialog
from tests.ui.test_sharing import SIZE, export_to, make_app, notices, open_export


class SlowWrite:
    """`write_export` held until the test lets it go, counting its calls (from the worker)."""

    def __init__(self, fail: OSError | None = None) -> None:
        self.go = threading.Event()
        self.calls = 0
        self.fail = fail

    def __call__(self, *args, **kwargs) -> Path:
        self.calls += 1
        assert self.go.wait(10)
        if self.fail is not None:
            raise self.fail
        return export.write_export(*args, **kwargs)


async def written(app) -> None:
    """Wait for the export's worker (cancelled once its done closes the dialog it belongs to)."""
    try:
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "export"])
    except WorkerCancelled:
        pass


def hint(dialog: ExportDialog) -> str:
    return str(dialog.query_one("#export-hint", Static).content)


async def test_the_dialog_says_exporting_ignores_a_second_enter_then_closes(
        sessions_dir: Path, monkeypatch) -> None:
    slow = SlowWrite()
    monkeypatch.setattr(export_dialog, "write_export", slow)
    app = make_app(sessions_dir)
    target = sessions_dir / "actions.xlsx"
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(pilot)
        await export_to(pilot, target, top="")  # every account
        assert app.screen is dialog and slow.calls == 1
        assert "Exporting 10 accounts to" in hint(dialog)
        assert str(dialog.query_one("#export-write", Button).label) == "Exporting…"
        # nothing offers a cancel it cannot do: neither the button nor the footer's esc
        assert not dialog.query_one("#export-cancel", Button).display
        assert "escape" not in dialog.active_bindings

        await pilot.press("enter")  # a second enter, and esc, while it is written
        await pilot.click("#export-write")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dialog and slow.calls == 1

        slow.go.set()
        await written(app)
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)
        assert target.exists() and slow.calls == 1
        assert any(n.startswith("Exported 10 accounts (Excel") and target.name in n
                   for n in notices(app))


async def test_a_write_that_fails_shows_why_in_the_dialog_which_can_try_again(
        sessions_dir: Path, monkeypatch) -> None:
    slow = SlowWrite(PermissionError(13, "Permission denied"))
    monkeypatch.setattr(export_dialog, "write_export", slow)
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(pilot)
        await export_to(pilot, sessions_dir / "locked.csv", top="")  # every account
        slow.go.set()
        await written(app)
        await pilot.pause()
        assert app.screen is dialog
        error = str(dialog.query_one("#export-error", Static).content)
        assert error == "Could not export: Permission denied"
        assert "Exporting" not in hint(dialog)
        assert dialog.query_one("#export-cancel", Button).display and "escape" in dialog.active_bindings
        name = dialog.query_one("#export-name", Input)
        assert name.has_focus and not name.disabled  # back to the field, to try another name

        slow.fail = None  # the second try writes it
        await export_to(pilot, sessions_dir / "other.csv", top="")  # every account
        await written(app)
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog) and (sessions_dir / "other.csv").exists()
        assert slow.calls == 2
