"""Every phase screen (ICP, Review, Prioritize, Assign, Compare) on the demo at 120×40, 100×30 and
80×24: the pictures that show nothing a user needs is cut (footer keys, the Prio column, headers).

Each picture is the screen as a phase key opens it; the demo has three accounts scored (Prioritize
and Assign show real priorities) and an earlier quarter saved (Compare shows changes).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from acctmap_tui.app import AcctmapApp
from acctmap_tui.screens.compare import CompareScreen
from tests.ui.factory import demo_workbench, save_earlier_demo

SIZES = [(120, 40), (100, 30), (80, 24)]
PHASES = {"icp": "1", "review": "2", "prioritize": "3", "assign": "4", "compare": "5"}
# (factor levels in factor order) for the first three accounts of the demo overlap
SCORES = [(3, 3, 3, 3, 3), (3, 2, 1, 2, 1), (1, 2, 0, 0, 0)]


def demo_app(sessions_dir: Path) -> AcctmapApp:
    wb = demo_workbench()
    for account, levels in zip(wb.session.overlap(), SCORES):
        for factor, level in zip(wb.session.scoring.factors, levels):
            if level:
                wb.set_level(account, factor.key, level)
    save_earlier_demo(wb, sessions_dir)
    return AcctmapApp(wb, sessions_dir, autosave_delay=600)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("phase", PHASES)
def test_phase_screen(snap_compare, sessions_dir: Path, phase: str, size: tuple[int, int]) -> None:
    async def open_phase(pilot) -> None:
        await pilot.pause()
        await pilot.press(PHASES[phase])
        await pilot.pause()
        if phase == "compare":  # the chooser opens on the first visit: take the earlier quarter
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            if not isinstance(pilot.app.screen, CompareScreen):
                await pilot.press("enter")
            await pilot.pause()
        await pilot.pause()

    assert snap_compare(demo_app(sessions_dir), terminal_size=size, run_before=open_phase)
