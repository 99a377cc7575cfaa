"""Review at 80x24: everything the pair pane says (match, flags, category, play, other candidates)
can be read with the keyboard, and the review keys still act on the list's pair."""

from __future__ import annotations

from pathlib import Path

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core.model import ACCEPTED, REVIEW
from acctmap_tui.core.review_order import review_priority
from acctmap_tui.screens.review import ReviewScreen
from acctmap_tui.widgets.diff_pane import DiffPane
from tests.ui.factory import demo_workbench
from tests.ui.test_share_safe_everywhere import screen_lines

SMALL = (80, 24)
SECTIONS = ("Match", "Flags", "Category", "Play", "Other candidates")


def review_demo(sessions_dir: Path) -> AcctmapApp:
    wb = demo_workbench()
    wb.session.agenda.current = "review"
    return AcctmapApp(wb, sessions_dir, autosave_delay=600)


async def settle(pilot) -> None:
    for _ in range(4):
        await pilot.pause()


def pane_lines(app: AcctmapApp) -> list[str]:
    """The screen's rows the pair pane covers (below the list, at 80 columns)."""
    region = app.screen.query_one(DiffPane).region
    return screen_lines(app)[region.y:region.bottom]


async def test_tab_then_page_down_reads_the_whole_pair_pane(sessions_dir: Path) -> None:
    app = review_demo(sessions_dir)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        pane = app.screen.query_one(DiffPane)
        first = sorted(app.workbench.session.review_queue(), key=review_priority)[0]
        shown = pane_lines(app)
        assert not any(line.lstrip().startswith("Match") for line in shown)  # below the fold
        assert "more below: tab" in "\n".join(shown)

        await pilot.press("tab")
        assert app.focused is pane
        for _ in range(4):
            await pilot.press("pagedown")
            await pilot.pause()
            shown += pane_lines(app)
        starts = {line.strip().split("  ")[0] for line in shown}
        assert set(SECTIONS) <= starts

        await pilot.press("a")  # the review keys act on the list's pair, from the pane too
        await settle(pilot)
        assert first.match.decision == ACCEPTED
        assert pane.scroll_y == 0  # the next pair is read from its top


async def test_j_and_k_move_the_list_while_the_pane_has_the_focus(sessions_dir: Path) -> None:
    app = review_demo(sessions_dir)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        queue = sorted(app.workbench.session.review_queue(), key=review_priority)
        await pilot.press("tab", "j", "r")
        await settle(pilot)
        assert queue[0].match.decision == REVIEW and queue[1].match.decision != REVIEW


async def test_a_pane_that_fits_is_left_out_of_tab(sessions_dir: Path) -> None:
    app = review_demo(sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(DiffPane)
        assert pane.max_scroll_y == 0 and not pane.border_title
        await pilot.press("tab")
        assert app.focused is not pane
