"""The load screen paints before the lists are read: the reading thread holds the interpreter
for most of its time, and at 50k the terminal stayed blank for 2 s (audit 12)."""

from __future__ import annotations

import threading
from pathlib import Path

from acctmap_tui.app import AcctmapApp
from acctmap_tui.screens import load
from acctmap_tui.screens.load import LoadRequest, LoadScreen
from tests.ui.factory import write_lists
from tests.ui.test_share_safe_everywhere import screen_lines


async def test_the_load_screen_is_drawn_before_the_reading_starts(tmp_path: Path, sessions_dir: Path,
                                                                   monkeypatch) -> None:
    ours, theirs = write_lists(tmp_path)
    drawn_when_reading: list[bool] = []
    release = threading.Event()
    real = load.open_workbench

    def reading(request, progress=None):
        screen = app.screen
        drawn_when_reading.append(isinstance(screen, LoadScreen)
                                  and screen.query_one("#load-title").region.height > 0)
        release.wait(10)
        return real(request, progress=progress)

    monkeypatch.setattr(load, "open_workbench", reading)
    app = AcctmapApp(sessions_dir=sessions_dir, load=LoadRequest(ours, theirs), autosave_delay=600)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(20):
            await pilot.pause()
            if drawn_when_reading:
                break
        assert "Loading" in "\n".join(screen_lines(app))
        release.set()
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "load"])
    assert drawn_when_reading == [True]
