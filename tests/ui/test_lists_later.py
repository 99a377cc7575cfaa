"""`acctmap SESSION.toml` shows the session first and re-reads its lists after (start.open_saved
with lists_later): pairing by hand waits for them, and a list that cannot be read is named."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import start
from acctmap_tui.core.model import OURS, PARTNER
from acctmap_tui.core import session as session_io
from acctmap_tui.screens.review_pair import READING, PairDialog

SIZE = (120, 40)


def _saved_demo(tmp_path: Path) -> Path:
    fresh = start.open_workbench(start.demo_request(day=date(2026, 11, 25)))
    return fresh.save(tmp_path / "demo.toml")


def _held_reader(monkeypatch) -> threading.Event:
    """Lists are read only once the returned event is set (the test decides when they arrive)."""
    release = threading.Event()
    reader_of = start.lists_reader

    def held(session):
        read = reader_of(session)
        return lambda: release.wait(10) and read()

    monkeypatch.setattr(start, "lists_reader", held)
    return release


async def test_pairing_by_hand_waits_for_the_lists_then_searches_them(tmp_path, monkeypatch):
    release = _held_reader(monkeypatch)
    wb = start.open_saved(_saved_demo(tmp_path), lists_later=True)
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, PairDialog)
        assert READING in str(app.screen.query_one("#pair-not-loaded").render())
        release.set()  # the lists arrive while the dialog is open: it becomes the search
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not wb.lists_pending and wb.ours is not None and wb.theirs is not None
        assert isinstance(app.screen, PairDialog) and not app.screen.query("#pair-not-loaded")
        assert app.screen.query_one("#pair-search").has_focus
        assert app.screen.query_one("#pair-results").option_count > 0  # the candidates


async def test_the_status_words_of_unpaired_accounts_count_once_the_lists_arrive(tmp_path):
    path = _saved_demo(tmp_path)
    expected = start.open_saved(path).unknown_status_words()
    wb = start.open_saved(path, lists_later=True)
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert wb.unknown_status_words() == expected
        assert {len(wb.records(side)) for side in (OURS, PARTNER)} == {
            wb.session.source(side).accounts for side in (OURS, PARTNER)}
        assert not wb.dirty


async def test_a_list_gone_since_the_save_is_named_once_the_others_are_read(tmp_path):
    path = _saved_demo(tmp_path)
    session = session_io.load(path)
    session.sources[1].path = str(tmp_path / "moved.csv")
    session_io.save(session, path)
    wb = start.open_saved(path, lists_later=True)
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert any(m.startswith("Source lists not loaded:") and "moved.csv: not found" in m
                   for m in notes)
        assert wb.ours is not None and wb.theirs is None
