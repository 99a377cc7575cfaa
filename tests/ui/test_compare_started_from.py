"""Compare in a session started from a prior one (`acctmap new --from`, the load form's prior):
5 shows the comparison with that session at once; the picker stays one key away (c), on it.

Audit 16 L4: the prior the session was started from had to be chosen again in the picker, which
offered the newest saved session of the partnership first (not always the one carried forward).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from textual.widgets import OptionList

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.core import start
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens.compare import CompareScreen
from acctmap_tui.screens.compare_pick import ComparePickScreen, started_from
from acctmap_tui.views.compare import SessionShelf
from tests.ui.test_compare import settle

SIZE = (100, 30)
STARTED_FROM, LATER = date(2026, 8, 20), date(2026, 10, 1)


def saved_sessions(sessions_dir: Path) -> Path:
    """The session to start from (Q3), and a later one of the same partnership saved beside it
    (the picker's first offer): the file of the first."""
    for day, name in ((STARTED_FROM, "2026-Q3-northwind-globex.toml"),
                      (LATER, "2026-Q4-early-northwind-globex.toml")):
        session_io.save(start.open_workbench(start.demo_request(day)).session, sessions_dir / name)
    return sessions_dir / "2026-Q3-northwind-globex.toml"


def started(prior: Path | object) -> Workbench:
    return start.open_workbench(replace(start.demo_request(date(2026, 11, 25)), prior=prior))


async def compare(app: AcctmapApp, pilot) -> CompareScreen:
    await pilot.press("5")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, CompareScreen), type(screen)  # no picker over it
    return screen


async def test_compare_shows_the_session_it_was_started_from(sessions_dir: Path) -> None:
    prior = saved_sessions(sessions_dir)
    app = AcctmapApp(started(prior), sessions_dir, autosave_delay=600)
    async with app.run_test(size=SIZE) as pilot:
        screen = await compare(app, pilot)
        assert screen.showing and screen.prior is not None
        assert screen.prior.date == STARTED_FROM and screen.prior_path == prior
        assert f"then {STARTED_FROM}" in str(screen.query_one("#compare-title").content)
        await pilot.press("c")  # the picker, one key away, on the session started from
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ComparePickScreen)
        highlighted = picker.query_one("#pick-list", OptionList).highlighted
        assert highlighted is not None and picker.infos[highlighted].path == prior


async def test_a_prior_read_before_the_start_is_found_by_its_id(sessions_dir: Path) -> None:
    """`acctmap new --from` reads the prior before the app starts: no file name comes with it;
    the session saved in the sessions folder with its id is the one compared with."""
    prior = saved_sessions(sessions_dir)
    wb = started(session_io.load(prior))
    assert wb.started_from is not None and wb.started_from.path is None
    app = AcctmapApp(wb, sessions_dir, autosave_delay=600)
    async with app.run_test(size=SIZE) as pilot:
        screen = await compare(app, pilot)
        assert screen.prior is not None and screen.prior.date == STARTED_FROM
        assert screen.prior_path is not None and screen.prior_path.samefile(prior)


async def test_without_a_prior_the_picker_opens_on_its_own(sessions_dir: Path) -> None:
    saved_sessions(sessions_dir)
    app = AcctmapApp(start.open_workbench(start.demo_request(date(2026, 11, 25))), sessions_dir,
                     autosave_delay=600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, ComparePickScreen)


def test_the_session_started_from_is_found_by_its_id_only_in_this_partnership(
        sessions_dir: Path, tmp_path: Path) -> None:
    """A file is taken only while it holds that session (by its id): the file named at the
    start, else one in the sessions folder. Its file overwritten since by another session (and
    none in the folder holds it), or a prior of another partnership (carried anyway): none, the
    picker asks."""
    prior = saved_sessions(sessions_dir)
    wb = started(prior)
    moved = tmp_path / "elsewhere.toml"
    moved.write_bytes(prior.read_bytes())
    session_io.save(start.open_workbench(start.demo_request(STARTED_FROM)).session, prior)
    shelf = SessionShelf()
    infos = shelf.scan(sessions_dir)
    assert started_from(infos, shelf, wb.session, wb.started_from) is None  # not in the folder
    ref = replace(wb.started_from, path=moved)
    pick = started_from(infos, shelf, wb.session, ref)
    assert pick is not None and pick.path == moved and not pick.force
    other = replace(wb.session, partner="Initech")
    assert started_from(infos, shelf, other, ref) is None
