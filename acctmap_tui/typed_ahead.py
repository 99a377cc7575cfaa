"""Keys typed ahead of a screen change are dropped, not run against the wrong screen.

Textual hands each key, as it arrives, to the widget focused at that moment, and runs a plain
binding only when the key has bubbled back up to the app, against the screen on top *then*.
Keys typed fast after one that opens a dialog (or sent in one burst by a laggy remote terminal,
as on a screen-shared call) were all handed to the screen below before the dialog opened, and
came back to run against the dialog: on Assign, `o` then "Dana" and enter lost the letters and
saved the empty field, and a second enter closed the dialog twice, which stopped the app
(`ScreenStackError`). A key handed on before the screen on top changed, or that arrives while
the new screen is not yet mounted, is now dropped: the dialog opens as if it had not been typed,
and the person types it again into the field they can see.
"""

from __future__ import annotations

import weakref
from typing import Any

from textual import events
from textual.app import App


class TypedAheadKeys(App[None]):
    """The app's base: drops the keys handed to a screen that is no longer on top."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._keys_handed_on: weakref.WeakSet[events.Key] = weakref.WeakSet()
        self._stale_keys: weakref.WeakSet[events.Key] = weakref.WeakSet()

    def _screen_changes(self) -> None:
        self._stale_keys.update(self._keys_handed_on)
        self._keys_handed_on.clear()

    def _screen_ready(self) -> bool:
        try:
            return self.screen.is_mounted
        except Exception:  # no screen yet (starting) or none left (closing)
            return False

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            if not event.is_forwarded:  # just arrived: it goes to the widget focused now
                if not self._screen_ready():
                    return
                self._keys_handed_on.add(event)
            elif event in self._stale_keys:  # back from a screen that is no longer on top
                return
        await super().on_event(event)

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        self._screen_changes()
        return super().push_screen(*args, **kwargs)

    def pop_screen(self) -> Any:
        self._screen_changes()
        return super().pop_screen()

    def switch_screen(self, *args: Any, **kwargs: Any) -> Any:
        self._screen_changes()
        return super().switch_screen(*args, **kwargs)

    def switch_mode(self, *args: Any, **kwargs: Any) -> Any:
        self._screen_changes()
        return super().switch_mode(*args, **kwargs)
