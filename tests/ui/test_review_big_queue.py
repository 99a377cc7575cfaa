"""Review of a big session (a queue over the table's 1,000 rows): the line under the tabs says the
table shows only the first rows and how many the filter matches, on screen at 80x24 and 120x40,
and the table and the keys stay on screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core.categorize import apply_categories
from acctmap_tui.core.model import (
    AUTO, CUSTOMER, OURS, PARTNER, PROSPECT, REVIEW, Account, AccountList, MatchInfo, Record,
    Session, Source,
)
from acctmap_tui.core.normalize import name_key
from acctmap_tui.core.score import rescore
from acctmap_tui.core.sharing import default_field_policy
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens import review as review_screen
from tests.ui.factory import DAY
from tests.ui.test_share_safe_everywhere import screen_lines

IN_REVIEW = 7_918
MATCHED = 13_496  # decided by the matcher: the overlap


def _record(name: str, domain: str, status: str, index: int) -> Record:
    return Record(name=name, domain=domain, status=status, raw_status=status, owner="Rep 1",
                  raw_domain=domain, name_key=name_key(name), rows=[index + 2])


def big_workbench() -> Workbench:
    """7,918 pairs to review and 13,496 matched by domain (names "Company 00000" on, Belhelyor
    Foods the one a filter finds)."""
    accounts = []
    for i in range(IN_REVIEW + MATCHED):
        name = "Belhelyor Foods" if i == 4_321 else f"Company {i:05d}"
        ours = _record(name, f"c{i}.com", CUSTOMER, i)
        theirs = _record(f"{name} Inc", f"c{i}.com" if i >= IN_REVIEW else f"c{i}.net",
                         PROSPECT, i)
        match = (MatchInfo("name", 90.0, REVIEW, ["different-domains"]) if i < IN_REVIEW
                 else MatchInfo("domain", 100.0, AUTO, []))
        accounts.append(Account(ours, theirs, match))
    ours_list = AccountList(OURS, "Ours", "ours.csv", rows_read=len(accounts),
                            columns={"name": "Name", "domain": "Domain", "status": "Status"},
                            records=[a.ours for a in accounts])
    theirs_list = AccountList(PARTNER, "Theirs", "theirs.csv", rows_read=len(accounts),
                              columns={"name": "Name", "domain": "Domain", "status": "Status"},
                              records=[a.theirs for a in accounts])
    session = Session(ours="Ours", partner="Theirs", title="Ours x Theirs", date=DAY,
                      sources=[Source(OURS, "Ours", "ours.csv", rows=len(accounts),
                                      accounts=len(accounts), columns=dict(ours_list.columns)),
                               Source(PARTNER, "Theirs", "theirs.csv", rows=len(accounts),
                                      accounts=len(accounts), columns=dict(theirs_list.columns))],
                      accounts=accounts)
    session.fields = default_field_policy(session)
    session.agenda.current = "review"
    apply_categories(session)
    rescore(session)
    return Workbench(session, ours_list, theirs_list)


def status_line(app: AcctmapApp) -> str:
    """The screen's row the status line is drawn on, within the list's pane."""
    region = app.screen.query_one("#review-status").region
    return screen_lines(app)[region.y][region.x:region.right]


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_the_first_1000_and_the_filter_count_are_on_screen(sessions_dir: Path,
                                                                 size: tuple[int, int]) -> None:
    app = AcctmapApp(big_workbench(), sessions_dir, autosave_delay=600)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, review_screen.ReviewScreen)
        assert len(screen._row_keys) == review_screen.MAX_ROWS
        line = status_line(app)
        assert "first 1,000 of 7,918 shown: / finds the rest" in line, line

        await pilot.press("slash", *"belhelyor", "enter")
        await pilot.pause(0.5)  # the filter waits for a pause in the typing
        await pilot.pause()
        assert screen._row_keys and len(screen._row_keys) == 1
        line = status_line(app)
        assert "filter matches 1" in line and "shown" not in line, line

        await pilot.press("escape", "slash", *"company 0", "enter")  # 1,000 of 9,999 more
        await pilot.pause(0.5)
        await pilot.pause()
        line = status_line(app)
        assert "filter matches 7,917 · first 1,000 shown" in line, line

        lines = screen_lines(app)  # the table's rows, the pair pane and the keys stay
        table = screen.query_one("#review-table").region
        assert table.height >= 3 and table.bottom <= size[1] - 1
        assert "a Accept" in lines[-1]
