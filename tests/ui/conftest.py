"""Shared fixtures for the UI tests: no blinking cursors (stable snapshots), a temp sessions folder;
Textual's parsed CSS shared between the apps of one test process, and each app's garbage collected
when its test ends (see tests/conftest.py)."""

from __future__ import annotations

import gc
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual._styles_cache import StylesCache
from textual.css.stylesheet import Stylesheet
from textual.widgets import Input, TextArea


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs and text areas blink on a wall-clock timer, which makes snapshots flaky."""
    monkeypatch.setattr(Input.cursor_blink, "_default", False)
    monkeypatch.setattr(TextArea.cursor_blink, "_default", False)


@pytest.fixture(autouse=True, scope="session")
def css_parsed_once() -> Iterator[None]:
    """Every app parses the CSS of every widget class again (about a sixth of a short Pilot test);
    the rules parsed from the same CSS text with the same theme variables are the same, so one
    process keeps them. Textual keeps them itself within an app (`Stylesheet._parse_cache`); CSS
    with an error is still refused each time (`Stylesheet.parse` checks the rules' errors)."""
    parse_rules = Stylesheet._parse_rules
    parsed: dict[tuple, list] = {}

    def _parse_rules(self: Stylesheet, css: str, read_from, is_default_rules: bool = False,
                     tie_breaker: int = 0, scope: str = "") -> list:
        key = (css, read_from, is_default_rules, tie_breaker, scope,
               tuple(sorted(self._variables.items())))
        if key not in parsed:
            parsed[key] = parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
        return parsed[key]

    Stylesheet._parse_rules = _parse_rules  # type: ignore[method-assign]
    yield
    Stylesheet._parse_rules = parse_rules  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def collect_the_apps_garbage(request: pytest.FixtureRequest) -> Iterator[None]:
    """An app's widgets, screens and timers form reference cycles: free them when the test ends,
    in one full collection, rather than in the automatic ones during the next tests.

    Textual memoises `StylesCache.get_inner_outer` per widget in a class-wide lru_cache(1024),
    which keeps the last 1,024 widgets' rendered lines alive after their app ends (over 100,000
    objects that every later collection walks): emptied first."""
    yield
    if inspect.iscoroutinefunction(request.function) or "snap_compare" in request.fixturenames:
        StylesCache.get_inner_outer.cache_clear()
        gc.collect()


@pytest.fixture
def sessions_dir(tmp_path: Path) -> Path:
    """An empty folder the app saves sessions and recovery files into."""
    folder = tmp_path / "sessions"
    folder.mkdir()
    return folder


@pytest.fixture
def relative_sessions_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty `sessions` folder named relative to a temp working directory, as a user in their
    own folder sees it (paths on screen stay the same from run to run)."""
    monkeypatch.chdir(tmp_path)
    folder = Path("sessions")
    folder.mkdir()
    return folder
