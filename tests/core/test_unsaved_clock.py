"""`Workbench.unsaved_clock_minutes`: the call clock's minutes a session's file does not hold."""

from __future__ import annotations

from pathlib import Path

from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import AcctmapError
from tests.ui.factory import opened, small_workbench


def test_minutes_count_from_the_open_and_then_from_each_save(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    first = small_workbench()
    first.tick(600)  # ten minutes already in the file
    first.save(path)
    wb = opened(path)
    assert wb.unsaved_clock_minutes() == 0
    wb.tick(59)
    assert wb.unsaved_clock_minutes() == 0
    wb.tick(1)
    assert wb.unsaved_clock_minutes() == 1
    wb.set_phase("review")
    wb.tick(125)
    assert wb.unsaved_clock_minutes() == 3
    wb.save()
    assert wb.unsaved_clock_minutes() == 0
    assert sum(session_io.load(path).agenda.elapsed_s.values()) == 600 + 185
    assert not wb.dirty  # never an edit


def test_a_failed_save_keeps_the_minutes_unsaved(tmp_path: Path) -> None:
    wb = small_workbench()
    wb.tick(240)
    (tmp_path / "a-file").write_text("not a folder")
    try:
        wb.save(tmp_path / "a-file" / "s.toml")
    except AcctmapError:
        pass
    else:
        raise AssertionError("the save was expected to fail")
    assert wb.unsaved_clock_minutes() == 4
