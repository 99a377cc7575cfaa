"""The autosave's snapshot in steps: the screen and the keys run between them, and a change made
between two steps never reaches the recovery file half-made."""

from __future__ import annotations

from pathlib import Path

import pytest

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from tests.ui.factory import small_workbench

SIZE = (100, 30)


@pytest.fixture
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three accounts a step: the 10-pair test session takes several."""
    monkeypatch.setattr(session_io, "SNAPSHOT_STEP", 3)


def autosaves(app: AcctmapApp) -> list:
    return [w for w in app.workers if w.group == "autosave"]


async def test_the_autosave_hands_the_screen_back_between_steps(sessions_dir: Path, small_steps: None) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, sessions_dir, autosave_delay=600)
    async with app.run_test(size=SIZE) as pilot:
        wb.set_icp_notes("mid-market, EMEA first")
        app._autosave_due()  # the timer fires
        assert not autosaves(app)  # one step taken, the rest wait behind the screen's messages
        for _ in range(10):
            await pilot.pause()
        await app.workers.wait_for_complete(autosaves(app))
        recovery = wb.recovery_file(sessions_dir)
        assert session_io.load(recovery).icp_notes == "mid-market, EMEA first"
        assert len(session_io.load(recovery).accounts) == len(wb.session.accounts)


async def test_a_change_between_steps_drops_that_snapshot_and_the_next_one_has_it(
        sessions_dir: Path, small_steps: None) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, sessions_dir, autosave_delay=600)
    async with app.run_test(size=SIZE) as pilot:
        wb.set_icp_notes("first thought")
        app._autosave_due()
        review = next(a for a in wb.session.accounts if a.match.decision == "review")
        wb.reject(review)  # between two steps of the snapshot
        for _ in range(10):
            await pilot.pause()
        await app.workers.wait_for_complete(autosaves(app))
        assert not wb.recovery_file(sessions_dir).exists()  # nothing half-made was written
        app._autosave_due()  # the timer the reject set fires
        for _ in range(10):
            await pilot.pause()
        await app.workers.wait_for_complete(autosaves(app))
        saved = session_io.load(wb.recovery_file(sessions_dir))
        assert saved.icp_notes == "first thought"
        assert next(a for a in saved.accounts if a.pair_id == review.pair_id).match.decision == "rejected"
