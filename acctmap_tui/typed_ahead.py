"""Keys typed ahead of a screen change reach the screen they were typed for, in order.

Textual hands each key, as it arrives, to the widget focused at that moment, and runs a plain
binding only when the key has bubbled back up to the app, against the screen on top *then*.
Keys typed fast after one that opens a dialog (or sent in one burst by a laggy remote terminal,
as on a screen-shared call) were all handed to the screen below before the dialog opened, and
came back to run against the dialog without ever reaching its field: on Assign, `o` then
"Dana" and enter lost the letters and saved the empty field, and a second enter closed the
dialog twice, which stopped the app (`ScreenStackError`).

Now a key handed to a screen that is no longer on top when it comes back, or that arrives
while the screen on top is not yet mounted, is held, and handed again, in the order typed, to
the screen on top once it is mounted: "o", "Dana", enter fills the owner dialog and saves it;
"l3" opens the level picker and picks 3; "2ar" accepts and rejects on the review queue.

A key with a priority binding (`p`, the share-safe view, from any screen) runs as it arrives,
before the keys typed ahead of it have: "xplan" switched the view and saved "lan". While keys
are on their way, it is held behind them too, and runs (or is typed) against what is on top
once they have. Keys the terminal hands over while held keys are handed on again wait behind
them: they are queued ahead of the keys handed on again, and went straight through
("typed just before the signal" went into the notes as "tye signalped just befor...").

A question whose answer loses work (`ANSWERS_KEYS_TYPED_AHEAD = False` on its screen: discard
recovered work) drops the keys typed before it was asked: "2 d a" typed while a session loaded
discarded the unsaved work for good.
"""

from __future__ import annotations

import bisect
import time
import weakref
from typing import Any

from textual import events
from textual.app import App
from textual.binding import Binding


WAIT_MOST_S = 1.0  # how long held keys wait for the keys typed before them to have run


class TypedAheadKeys(App[None]):
    """The app's base: holds the keys of a screen that is no longer on top for the one that is."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._handed_on: weakref.WeakSet[events.Key] = weakref.WeakSet()  # not back yet
        self._stale: weakref.WeakSet[events.Key] = weakref.WeakSet()  # handed to a screen gone
        self._held: list[events.Key] = []  # to hand on again, in the order typed
        self._again: weakref.WeakSet[events.Key] = weakref.WeakSet()  # handed on again now
        # when each key arrived: a key handed to a screen gone comes back after keys typed
        # later were held for the new one ("mbelhelyorpartners" searched "partnersbelhelyor")
        self._typed: weakref.WeakKeyDictionary[events.Key, int] = weakref.WeakKeyDictionary()
        self._arrived = 0
        # the app's priority keys (ctrl+q, p): a dialog's `active_bindings` leave them out
        self._priority_keys = frozenset(
            key.strip() for klass in type(self).__mro__ for b in klass.__dict__.get("BINDINGS", ())
            if isinstance(b, Binding) and b.priority for key in b.key.split(","))

    def hold_keys_in_flight(self) -> None:
        """The keys already handed on wait for the screen on top once it is ready: on every
        screen change, and for a change that moves the cursor when its notice arrives (undo
        puts it on the pair restored: `r`, ctrl+z, `a` in one burst accepted the next pair)."""
        self._stale.update(self._handed_on)
        self._handed_on.clear()

    def typed_before_the_change(self, key: events.Key) -> bool:
        """A key handed on before the last `hold_keys_in_flight`: it is held, when it comes back,
        for the screen on top once that is ready."""
        return key in self._stale

    def _screen_ready(self) -> bool:
        try:
            return self.screen.is_mounted
        except Exception:  # no screen yet (starting) or none left (closing)
            return False

    def _jumps_ahead(self, key: events.Key) -> bool:
        """A priority key arriving while keys typed before it are still on their way: the
        screen's, or the app's (a dialog's bindings leave the app's out, and ctrl+q, run over
        the Assign editor ahead of the letters still going into it, asked about "de" of
        "delta", and the `d` answered "quit without saving")."""
        if not self._handed_on:
            return False
        if key.key in self._priority_keys:
            return True
        active = self.screen.active_bindings.get(key.key)
        return active is not None and active.binding.priority

    def _held_before(self, key: events.Key) -> bool:
        """Whether a key typed before `key` is held (`key` then waits behind it)."""
        return bool(self._held) and self._typed[self._held[0]] < self._typed[key]

    def _hold(self, key: events.Key) -> None:
        if not self._held:
            self.call_after_refresh(self._hand_on_held)
        held = events.Key(key.key, key.character)  # a new key: not handed on yet
        self._typed[held] = self._typed.get(key, self._arrived)
        bisect.insort(self._held, held, key=self._typed.__getitem__)  # in the order typed

    def _hand_on_held(self, since: float | None = None) -> None:
        if not self._held:
            return
        # wait for the screen on top, and for the keys typed before these to have run (the
        # `x` that opens the field a held `p` is typed into, a name still going into its field
        # when ctrl+q came); a key some widget kept alive would seem to be on its way for
        # ever: after WAIT_MOST_S they go anyway (a count of refreshes ran out in a few ms)
        since = time.monotonic() if since is None else since
        if not self._screen_ready() or (self._handed_on
                                        and time.monotonic() - since < WAIT_MOST_S):
            self.call_after_refresh(self._hand_on_held, since)
            return
        self._handed_on.clear()  # what is left after the wait is not on its way
        held, self._held = self._held, []
        seen_after = getattr(self.screen, "keys_seen_after", None)
        if seen_after is not None:  # a question answers only keys typed once it was asked
            held = [key for key in held if self._typed.get(key, seen_after + 1) > seen_after]
        for key in held:
            self._again.add(key)
            self.post_message(key)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            if not event.is_forwarded:  # arriving: it goes to the widget focused now
                if event not in self._typed:
                    self._typed[event] = self._arrived = self._arrived + 1
                if event in self._again:
                    self._again.discard(event)
                    if self._held_before(event) or self._jumps_ahead(event):  # the rest wait
                        self._hold(event)
                        return
                elif (self._held or self._again or not self._screen_ready()
                      or self._jumps_ahead(event)):
                    # behind the keys held or being handed on again (those are queued behind
                    # any key the terminal handed over meanwhile), or for a screen still mounting
                    self._hold(event)
                    return
                self._handed_on.add(event)
            elif event in self._stale:  # back from a screen no longer on top
                self._stale.discard(event)
                self._hold(event)
                return
        await super().on_event(event)

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        self.hold_keys_in_flight()
        screen = args[0] if args else kwargs.get("screen")
        if getattr(screen, "ANSWERS_KEYS_TYPED_AHEAD", True) is False:
            screen.keys_seen_after = self._arrived  # type: ignore[union-attr]
        return super().push_screen(*args, **kwargs)

    def pop_screen(self) -> Any:
        self.hold_keys_in_flight()
        return super().pop_screen()

    def switch_screen(self, *args: Any, **kwargs: Any) -> Any:
        self.hold_keys_in_flight()
        return super().switch_screen(*args, **kwargs)

    def switch_mode(self, *args: Any, **kwargs: Any) -> Any:
        self.hold_keys_in_flight()
        return super().switch_mode(*args, **kwargs)
