"""Command palette (ctrl+p) entries: every app-level action, and each screen's own.

`AppCommands` lists what the app itself does; a screen lists its actions in `PALETTE` and sets
`COMMANDS = {ScreenCommands}`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from acctmap_tui.core.model import PHASE_LABELS

_PHASES = ("icp", "review", "prioritize", "assign")

# (title, help, action name, action parameters) — each runs `action_<name>(*parameters)` on the app
APP_COMMANDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    *(
        (f"Phase {i}: {PHASE_LABELS[key]}", f"Go to the {PHASE_LABELS[key]} phase (key {i})",
         "phase", (key,))
        for i, key in enumerate(_PHASES, start=1)
    ),
    ("Next phase", "Move the agenda to the next phase (n)", "next_phase", ()),
    ("Start / pause the clock", "Run or pause the agenda clock (t)", "toggle_clock", ()),
    ("Save", "Save the session (ctrl+s)", "save", ()),
    ("Save as…", "Save the session under a new file name", "save_as", ()),
    ("Undo", "Undo the last change (ctrl+z)", "undo", ()),
    ("Share-safe view on / off", "Hide every field the partner did not agree to see (p)",
     "toggle_share_safe", ()),
    ("Sharing: choose what the partner sees", "Mark each field shared or private (ctrl+o)",
     "share_fields", ()),
    ("Export action list…", "Write the action list as CSV or Markdown, partner-safe or internal "
     "(ctrl+e)", "export", ()),
    ("Open lists…", "Start a new session from two account lists (ctrl+n)", "open_lists", ()),
    ("Help: keys and agenda", "The keys of this screen and the call's agenda (? or F1)", "help", ()),
    ("Quit", "Quit acctmap; asks first when there are unsaved changes (q)", "quit", ()),
)


class ListedCommands(Provider):
    """A provider over a list of (title, help, callback): subclasses say what the list is."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for title, help_text, run in self._commands():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._commands():
            if (score := matcher.match(title)) > 0:
                yield Hit(score, matcher.highlight(title), run, text=title, help=help_text)


class AppCommands(ListedCommands):
    """Every app action that can run right now, searchable by name."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.app
        return [(title, help_text, partial(getattr(app, f"action_{name}"), *params))
                for title, help_text, name, params in APP_COMMANDS
                if app.check_action(name, params)]


class ScreenCommands(ListedCommands):
    """Command palette entries from the screen's `PALETTE`: (title, help, action, parameters).

    Only actions the screen's `check_action` allows right now are listed.
    """

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        return [(title, help_text, partial(getattr(screen, f"action_{action}"), *params))
                for title, help_text, action, params in getattr(screen, "PALETTE", ())
                if screen.check_action(action, params)]
