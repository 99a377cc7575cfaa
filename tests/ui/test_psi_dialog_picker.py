"""The exchange dialog's file picker shows files that came after it opened: the round file a step
wrote, and the partner's file received during the call (audit 14 L4: it was read once)."""

from __future__ import annotations

from acctmap_tui.app import AcctmapApp
from acctmap_tui.screens.psi_dialog import ExchangeFilePicker
from tests.ui.test_psi_app import SIZE, open_dialog, run_step


async def picker_names(pilot, picker: ExchangeFilePicker, wanted: str) -> list[str]:
    """The picker's top-level names, once `wanted` is among them (or after a while)."""
    for _ in range(40):
        names = [str(node.label) for node in picker.root.children]
        if wanted in names:
            break
        await pilot.pause(0.05)
    return names


async def test_the_picker_shows_the_round_file_written_and_a_file_received(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "northwind.csv").write_text("name,domain,status\nAcme,acme.com,Customer\n")
    app = AcctmapApp(sessions_dir=tmp_path / "sessions")
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog(app, pilot, ours_path="northwind.csv", ours_name="Northwind")
        picker = dialog.query_one(ExchangeFilePicker)
        assert "northwind.csv" in await picker_names(pilot, picker, "northwind.csv")
        await run_step(app, pilot, dialog, "psi-start")
        assert "northwind-round1.psi" in await picker_names(pilot, picker, "northwind-round1.psi")
        (tmp_path / "globex-round1.psi").write_text("{}")  # the partner's file arrives
        picker.focus()
        await pilot.pause()
        assert "globex-round1.psi" in await picker_names(pilot, picker, "globex-round1.psi")
