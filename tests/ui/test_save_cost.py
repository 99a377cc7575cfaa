"""Saving from the app never turns the session into text other than the file itself.

Textual describes a worker by the repr of its arguments unless given a description; for the
save and autosave workers that repr was the whole session (7 s of a 50,000-row ctrl+s).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import model
from tests.ui.factory import small_workbench

SIZE = (120, 40)


@pytest.fixture
def counted_reprs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count every repr of a session or an account while the test runs."""
    calls: list[str] = []
    for cls in (model.Session, model.Account):
        real = cls.__repr__

        def counting(self, real=real, name=cls.__name__) -> str:
            calls.append(name)
            return real(self)

        monkeypatch.setattr(cls, "__repr__", counting)
    return calls


async def autosave_then_save(app: AcctmapApp, pilot, folder: Path) -> None:
    """An edit the autosave writes, a save to folder/x.toml, then another edit saved with ctrl+s."""
    wb = app.workbench
    assert wb is not None
    wb.set_icp_notes("autosaved")
    app._autosave_due()  # the autosave timer fires now (no race with a wall-clock delay)
    await app.workers.wait_for_complete([w for w in app.workers if w.group == "autosave"])
    assert wb.recovery_file(folder).is_file()
    app.save_to(folder / "x.toml")
    await app.wait_for_save()
    wb.set_icp_notes("saved with ctrl+s")
    await pilot.press("ctrl+s")
    await app.wait_for_save()
    assert "saved with ctrl+s" in (folder / "x.toml").read_text(encoding="utf-8")


async def test_ctrl_s_and_autosave_write_the_file_without_a_repr_of_the_session(
        tmp_path: Path, counted_reprs: list[str]) -> None:
    app = AcctmapApp(small_workbench(), tmp_path, autosave_delay=600)
    async with app.run_test(size=SIZE) as pilot:
        await autosave_then_save(app, pilot, tmp_path)
    assert counted_reprs == []


async def test_a_big_session_s_first_save_writes_only_the_account_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once a big session is open (here: big from 10 accounts), its account texts are made a
    step at a time between the app's events: the first save after an edit writes that one
    account anew, and the file holds it."""
    from acctmap_tui.core import session as session_io

    monkeypatch.setattr(session_io, "AHEAD_ACCOUNTS", 10)
    monkeypatch.setattr(session_io, "AHEAD_CHUNK", 4)
    monkeypatch.setattr(session_io, "_LAST_WRITTEN", {})
    wb = small_workbench()
    made: list[tuple] = []
    account_text = session_io._account_text
    monkeypatch.setattr(session_io, "_account_text", lambda v: made.append(v) or account_text(v))
    app = AcctmapApp(wb, tmp_path, autosave_delay=600)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):  # a step whenever the app is idle
            await pilot.pause(0.02)
            if len(session_io._LAST_WRITTEN) == len(wb.session.accounts):
                break
        assert len(made) == len(wb.session.accounts) >= 10  # made ahead, each once
        made.clear()
        wb.set_field(wb.session.accounts[2], "next_action", "Send the joint deck")
        app.save_to(tmp_path / "x.toml")  # what ctrl+s does for a session saved before
        await app.wait_for_save()
        assert [v[0][5] for v in made] == ["Send the joint deck"]
    assert 'next_action = "Send the joint deck"' in (tmp_path / "x.toml").read_text(encoding="utf-8")
