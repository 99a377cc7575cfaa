"""The header on a narrow shared screen: both companies stay readable when the phase runs over
(the clock says less first, then each name is cut to its share, never one dropped)."""

from __future__ import annotations

from pathlib import Path

import pytest

from acctmap_tui.app import AcctmapApp
from acctmap_tui.widgets.agenda_header import companies_text
from tests.ui.factory import small_workbench
from tests.ui.test_share_safe_everywhere import screen_lines


async def over_by_16s(pilot, ours: str = "", partner: str = "") -> str:
    """The header's first line once ICP (5 minutes) ran 16 s over; the clock is ticked by hand
    (its interval set far off), never waited for."""
    app = pilot.app
    wb = app.workbench
    wb.session.ours = ours or wb.session.ours
    wb.session.partner = partner or wb.session.partner
    wb.tick(5 * 60 + 15)
    await pilot.press("t")
    app.clock_tick()
    await pilot.pause()
    await pilot.pause()
    return screen_lines(app)[0]


def clock_by_hand(app: AcctmapApp) -> AcctmapApp:
    app.CLOCK_TICK_S = 3600
    return app


@pytest.mark.parametrize("size", [(80, 24), (90, 30)])
async def test_both_companies_stay_when_the_phase_runs_over(sessions_dir: Path,
                                                            size: tuple[int, int]) -> None:
    app = clock_by_hand(AcctmapApp(small_workbench(), sessions_dir, autosave_delay=600))
    async with app.run_test(size=size) as pilot:
        line = await over_by_16s(pilot)
        assert "Northwind × Globex" in line, line
        assert "OVER" in line and "+00:16" in line and "1/4 ICP" in line and "call" in line


async def test_at_120_columns_the_clock_says_it_all(sessions_dir: Path) -> None:
    app = clock_by_hand(AcctmapApp(small_workbench(), sessions_dir, autosave_delay=600))
    async with app.run_test(size=(120, 40)) as pilot:
        line = await over_by_16s(pilot)
        assert "Northwind × Globex" in line and "phase +00:16 over" in line, line
        assert "call 54:44 left · clock running" in line


async def test_long_company_names_are_each_cut_to_their_share(sessions_dir: Path) -> None:
    app = clock_by_hand(AcctmapApp(small_workbench(), sessions_dir, autosave_delay=600))
    async with app.run_test(size=(80, 24)) as pilot:
        line = await over_by_16s(pilot, "Northwind Traders International",
                                 "Globex Corporation Europe")
        assert "Northwind Tr" in line and "× Globex Co" in line, line
        assert "OVER" in line and "+00:16" in line


def test_companies_text_cuts_the_longer_name_first() -> None:
    assert companies_text("Northwind", "Globex", 40) == "Northwind × Globex"
    assert companies_text("Northwind Traders International", "Globex", 24) == \
        "Northwind Trad… × Globex"
    assert companies_text("Acme", "Globex Corporation Europe", 18) == "Acme × Globex Cor…"
    assert companies_text("Northwind Traders International", "Globex Corporation Europe", 30) == \
        "Northwind Tr… × Globex Corpor…"
