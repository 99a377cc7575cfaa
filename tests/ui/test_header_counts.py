"""The header's category counts in the share-safe view: left out while the Category field is
marked private (ctrl+o), on every screen, and back once it is shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core.model import CATEGORIES, SESSION_SIDE
from tests.ui.factory import small_workbench
from tests.ui.test_share_safe_everywhere import screen_lines

CODES = tuple(c.code for c in CATEGORIES)


def header(app: AcctmapApp) -> str:
    """The header's two lines and the agenda strip under them, as rendered."""
    return "\n".join(screen_lines(app)[:3])


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
@pytest.mark.parametrize("phase", ["icp", "review", "prioritize", "assign", "compare"])
async def test_private_category_counts_leave_the_header(sessions_dir: Path, phase: str,
                                                        size: tuple[int, int]) -> None:
    wb = small_workbench()
    wb.set_shareable(SESSION_SIDE, "category", False)
    wb.session.agenda.current = "icp" if phase == "compare" else phase
    app = AcctmapApp(wb, sessions_dir, autosave_delay=600)
    async with app.run_test(size=size) as pilot:
        if phase == "compare":
            await pilot.press("5")
            await settle(pilot)
            await pilot.press("escape")  # its picker: no earlier session saved
        await settle(pilot)
        assert "SHARED 2" in header(app) and "review 3" in header(app)  # the check can fail
        await pilot.press("p")
        await settle(pilot)
        assert app.share_safe
        text = header(app)
        assert not [code for code in CODES if code in text], text
        assert "review 3" in text and "SHARE-SAFE" in text
        wb.set_shareable(SESSION_SIDE, "category", True)  # shared from ctrl+o: shown again
        await settle(pilot)
        assert "SHARED 2" in header(app)
