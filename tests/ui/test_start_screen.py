"""The start screen `acctmap` offers with no arguments in a folder that holds exports or sessions."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from textual.widgets import Footer, OptionList, Static

from acctmap_tui import cli
from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.core.start import start_offer
from acctmap_tui.screens.base import PhaseScreen
from acctmap_tui.screens.load import LoadScreen
from acctmap_tui.screens.start import StartScreen
from tests.ui.factory import small_workbench, wait_for_load, write_lists

SIZE = (100, 30)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with two list exports, a saved session and things that are neither."""
    monkeypatch.chdir(tmp_path)
    write_lists(tmp_path)
    (tmp_path / "notes.txt").write_text("not a list")
    (tmp_path / ".hidden.csv").write_text("a,b\n")
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    older = small_workbench().session
    older.title = "Northwind x Globex — 2026-Q3 mapping"
    session_io.save(older, sessions / "q3.toml")
    past = time.time() - 3600
    os.utime(sessions / "q3.toml", (past, past))
    session_io.save(small_workbench().session, sessions / "q4.toml")
    (sessions / ".q4.recovery.toml").write_text("")
    return tmp_path


def test_the_offer_lists_exports_and_sessions_newest_first(folder: Path, tmp_path: Path) -> None:
    offer = start_offer(folder, folder / "sessions")
    assert sorted(p.name for p in offer.lists) == ["globex.csv", "northwind.csv"]
    assert [p.name for p in offer.sessions] == ["q4.toml", "q3.toml"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert not start_offer(empty, empty / "sessions")  # nothing: the demo opens


def test_acctmap_without_arguments_offers_the_start_screen_only_where_there_is_something(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: dict = {}
    monkeypatch.setattr(cli, "_run_app", lambda **kwargs: opened.update(kwargs) or 0)
    assert cli.main([]) == 0
    assert "workbench" not in opened and opened["start_offer"].sessions
    empty = folder / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    opened.clear()
    assert cli.main([]) == 0
    assert "start_offer" not in opened and opened["workbench"].session.ours == "Northwind"


def options(app: AcctmapApp) -> list[tuple[str | None, str]]:
    listed = app.screen.query_one("#start-list", OptionList)
    return [(o.id, str(o.prompt)) for o in (listed.get_option_at_index(i)
                                            for i in range(listed.option_count))]


def highlighted(app: AcctmapApp) -> str | None:
    option = app.screen.query_one("#start-list", OptionList).highlighted_option
    return option.id if option is not None else None


async def settle(pilot) -> None:
    await pilot.pause()
    start_workers = [w for w in pilot.app.workers if w.group in ("start", "load")]
    if start_workers:
        await pilot.app.workers.wait_for_complete(start_workers)
    await wait_for_load(pilot.app)
    await pilot.pause()
    await pilot.pause()


async def choose(pilot, option_id: str) -> None:
    """Move the start list's cursor to `option_id` and press enter."""
    listed = pilot.app.screen.query_one("#start-list", OptionList)
    listed.highlighted = [i for i, _ in options(pilot.app)].index(option_id)
    await pilot.press("enter")
    await pilot.pause()


def list_id(folder: Path, name: str) -> str:
    return f"list:{start_offer(folder, 'sessions').lists.index(folder / name)}"


async def test_enter_opens_the_newest_session(folder: Path) -> None:
    offer = start_offer(folder, "sessions")
    app = AcctmapApp(sessions_dir="sessions", start_offer=offer)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        shown = options(app)
        assert highlighted(app) == "session:0" and "(q4.toml)" in dict(shown)["session:0"]
        assert "2026-Q3" in dict(shown)["session:1"]
        assert [i for i, _ in shown if i and i.startswith("list:")] == ["list:0", "list:1"]
        assert "ctrl+n" in {key for key, b in app.screen.active_bindings.items()
                            if b.binding.show}  # the load form's key is in the footer
        assert app.screen.query(Footer)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PhaseScreen)
        assert app.workbench is not None and app.workbench.path == Path("sessions/q4.toml")


async def test_two_lists_picked_start_a_new_session(folder: Path) -> None:
    app = AcctmapApp(sessions_dir="sessions", start_offer=start_offer(folder, "sessions"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        ours = list_id(folder, "northwind.csv")
        await choose(pilot, ours)
        assert "[ours] northwind.csv" in dict(options(app))[ours]
        listed = app.screen.query_one("#start-list", OptionList)
        assert listed.get_option("new").disabled  # one list is not a mapping
        await choose(pilot, list_id(folder, "globex.csv"))  # the partner's
        assert highlighted(app) == "new"
        assert "northwind.csv (ours) with globex.csv (the partner's)" in dict(options(app))["new"]
        await pilot.press("enter")
        await settle(pilot)
        assert app.workbench is not None and isinstance(app.screen, PhaseScreen)
        sources = {s.side: Path(s.path).name for s in app.workbench.session.sources}
        assert sources == {"ours": "northwind.csv", "partner": "globex.csv"}
        assert app.workbench.session.overlap()  # matched: acme.com and blueharbor.io


async def test_demo_and_the_load_form_from_the_start_screen_and_its_palette(folder: Path) -> None:
    app = AcctmapApp(sessions_dir="sessions", start_offer=start_offer(folder, "sessions"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")  # the load form for any two files; esc comes back here
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"open the demo")
        await pilot.pause(0.5)  # the palette gathers its hits in a worker
        await pilot.press("enter")
        await settle(pilot)
        assert app.workbench is not None and app.workbench.session.ours == "Northwind"
        assert isinstance(app.screen, PhaseScreen) and not app.workbench.dirty


async def test_a_session_that_cannot_be_read_is_said_so_on_the_start_screen(folder: Path) -> None:
    (folder / "sessions" / "q4.toml").write_text("title = \"half a file\nschema = ")
    app = AcctmapApp(sessions_dir="sessions", start_offer=start_offer(folder, "sessions"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # listed after the session that can be read, though its file is newer: not the one
        # enter on the first line opens
        assert "cannot be read" in dict(options(app))["session:1"]
        assert "cannot be read" not in dict(options(app))["session:0"]
        await choose(pilot, "session:1")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen) and app.workbench is None
        notice = app.screen.query_one("#start-notice", Static)
        assert notice.display and "q4.toml" in str(notice.content)


async def test_the_load_form_holds_the_lists_picked_on_the_start_screen(folder: Path) -> None:
    """One list picked, then "Open the load form" (the line a Down lands on once the new-session
    line is skipped): the form used to open empty, the pick lost."""
    from textual.widgets import Input

    app = AcctmapApp(sessions_dir="sessions", start_offer=start_offer(folder, "sessions"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose(pilot, list_id(folder, "northwind.csv"))  # ours
        await choose(pilot, "form")
        assert isinstance(app.screen, LoadScreen)
        field = lambda name: app.screen.query_one(f"#{name}", Input)  # noqa: E731
        assert field("ours-path").value == "northwind.csv"  # as typed: the folder acctmap runs in
        assert field("theirs-path").value == "" and app.focused is field("theirs-path")
        await pilot.press("escape")
        await pilot.pause()
        await choose(pilot, list_id(folder, "globex.csv"))  # the partner's: both picked
        await pilot.press("ctrl+n")  # the key does the same
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        assert field("ours-path").value == "northwind.csv"
        assert field("theirs-path").value == "globex.csv"
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert app.workbench is not None and isinstance(app.screen, PhaseScreen)
        sources = {s.side: Path(s.path).name for s in app.workbench.session.sources}
        assert sources == {"ours": "northwind.csv", "partner": "globex.csv"}
