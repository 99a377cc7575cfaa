"""Compare with an earlier session where a filter lists nothing: the table says so, read whole at
80, 100 and 120 columns (audit 10 F12: "(no accounts of this k" at 120 columns)."""

from __future__ import annotations

import copy
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from textual.widgets import DataTable

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from tests.ui.test_compare import choose, current_workbench, open_compare, settle
from tests.ui.test_share_safe_everywhere import screen_lines

EARLIER = "2026-08-20"


def app_with_an_unchanged_earlier_session(sessions_dir: Path) -> AcctmapApp:
    """Last quarter's session: the same overlap, and no next actions agreed."""
    wb = current_workbench()
    earlier = copy.deepcopy(wb.session)
    earlier.title = "Northwind x Globex — 2026-Q3 mapping"
    earlier.date = date(2026, 8, 20)
    earlier.created = datetime(2026, 8, 20, 10, 0, tzinfo=timezone.utc)
    for account in earlier.accounts:
        account.owner = account.next_action = ""
        account.due = None
    session_io.save(earlier, sessions_dir / "2026-Q3-northwind-globex.toml")
    return AcctmapApp(wb, sessions_dir)


@pytest.mark.parametrize("width,height", [(80, 24), (100, 30), (120, 40)])
async def test_an_empty_filter_says_so_in_a_whole_sentence(tmp_path: Path, width: int,
                                                           height: int) -> None:
    app = app_with_an_unchanged_earlier_session(tmp_path)
    async with app.run_test(size=(width, height)) as pilot:
        await open_compare(pilot)
        await choose(pilot, app, EARLIER)
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#compare-table", DataTable)
        for kind in ("new", "gone"):
            screen.action_set_filter(kind)
            await settle(pilot)
            text = "\n".join(screen_lines(app))
            assert "(no accounts of this kind)" in text, text
            assert table.virtual_size.width <= table.size.width
        screen.action_set_filter("actions")
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "(no next actions were agreed last time)" in text, text
        await pilot.press("enter")  # the sentence is no account: nothing opens
        await pilot.pause()
        assert app.screen is screen
