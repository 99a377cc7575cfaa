"""The start screen's sessions are listed latest call first: by the date each file records, not
by when the file was written (call audit 5, F10)."""

from __future__ import annotations

import os
import re
import time
from datetime import date, datetime
from pathlib import Path

from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import Session
from acctmap_tui.core.start import start_offer


def _saved(folder: Path, name: str, day: date, age_hours: float, partner: str = "Globex") -> Path:
    """A session dated `day` whose file was last written `age_hours` ago."""
    path = session_io.save(Session(ours="Northwind", partner=partner, date=day), folder / name)
    when = time.time() - age_hours * 3600
    os.utime(path, (when, when))
    return path


def test_sessions_are_listed_by_their_date_whatever_their_file_time(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    _saved(sessions, "2026-Q4-northwind-initech.toml", date(2026, 11, 30), 48, "Initech")
    _saved(sessions, "2026-Q4-northwind-globex.toml", date(2026, 11, 25), 24)
    _saved(sessions, "older-globex.toml", date(2026, 9, 1), 0)  # last quarter's, written last
    offer = start_offer(tmp_path, sessions)
    assert [p.name for p in offer.sessions] == [
        "2026-Q4-northwind-initech.toml", "2026-Q4-northwind-globex.toml", "older-globex.toml"]


def test_on_one_date_the_later_save_comes_first_as_in_the_compare_picker(tmp_path: Path) -> None:
    """Ties go by the save time the file records (a copy keeps it), as `list_sessions` orders."""
    sessions = tmp_path / "sessions"
    for name, saved, age_hours in (("morning.toml", "09:00", 0), ("afternoon.toml", "15:00", 5)):
        path = _saved(sessions, name, date(2026, 11, 30), 0)
        text = re.sub(r"(?m)^saved = .*$", f"saved = 2026-11-30 {saved}:00+00:00",
                      path.read_text(encoding="utf-8"), count=1)
        path.write_text(text, encoding="utf-8")
        when = time.time() - age_hours * 3600
        os.utime(path, (when, when))
    offer = start_offer(tmp_path, sessions)
    assert [p.name for p in offer.sessions] == ["afternoon.toml", "morning.toml"]
    assert offer.sessions == [i.path for i in session_io.list_sessions(sessions)]


def test_a_file_with_no_readable_date_goes_after_the_sessions_by_its_file_time(tmp_path: Path) -> None:
    """A stray or broken file touched today is not the "latest call" enter opens (audit 6)."""
    sessions = tmp_path / "sessions"
    _saved(sessions, "q4.toml", date(2026, 11, 30), 0)
    _saved(sessions, "q3.toml", date(2026, 9, 1), 0)
    for name, text, written in (("broken-in-december.toml", "this is = = not toml", "2026-12-01"),
                                ("broken-in-spring.toml", "this is = = not toml", "2026-04-01"),
                                ("no-date.toml", 'date = "last Tuesday"\n', "2026-10-01")):
        (sessions / name).write_text(text, encoding="utf-8")
        when = datetime.fromisoformat(f"{written}T12:00:00+00:00").timestamp()
        os.utime(sessions / name, (when, when))
    names = [p.name for p in start_offer(tmp_path, sessions).sessions]
    assert names == ["q4.toml", "q3.toml", "broken-in-december.toml", "no-date.toml",
                     "broken-in-spring.toml"]


def test_each_session_file_is_read_once_for_the_order_and_its_line(
        tmp_path: Path, monkeypatch) -> None:
    sessions = tmp_path / "sessions"
    _saved(sessions, "q4.toml", date(2026, 11, 30), 1)
    read: list[str] = []
    peek = session_io.peek
    monkeypatch.setattr(session_io, "peek", lambda path: read.append(Path(path).name) or peek(path))
    offer = start_offer(tmp_path, sessions)
    assert read == ["q4.toml"] and offer.heads[sessions / "q4.toml"]["partner"] == "Globex"
