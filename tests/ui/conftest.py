"""Shared fixtures for the UI tests: no blinking cursors (stable snapshots), a temp sessions folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, TextArea


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs and text areas blink on a wall-clock timer, which makes snapshots flaky."""
    monkeypatch.setattr(Input.cursor_blink, "_default", False)
    monkeypatch.setattr(TextArea.cursor_blink, "_default", False)


@pytest.fixture
def sessions_dir(tmp_path: Path) -> Path:
    """An empty folder the app saves sessions and recovery files into."""
    folder = tmp_path / "sessions"
    folder.mkdir()
    return folder
