"""The acctmap Textual app: one mode per agenda phase, driven by a `Workbench`.

App-level actions only: phases, the agenda clock, save / save as / autosave, undo, the share-safe
switch, choosing what the partner sees, the action-list export, quit. Each phase screen owns its
own feature code.
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerCancelled

from acctmap_tui.commands import AppCommands
from acctmap_tui.core import session as session_io
from acctmap_tui.core import start
from acctmap_tui.core.model import PHASE_LABELS, AcctmapError
from acctmap_tui.core.sharing import field_named
from acctmap_tui.core.workbench import (Change, ChangeKind, ChangedOnDisk, PendingSave, Workbench,
                                        free_file)
from acctmap_tui.messages import ListsChosen, ListsLoaded, LoadCancelled, SessionChanged
from acctmap_tui.screens.base import PhaseScreen, skip_while_typing
from acctmap_tui.screens.dialogs import Dialog, dialog_on_top
from acctmap_tui.screens.worker_report import report_back
from acctmap_tui.typed_ahead import TypedAheadKeys
from acctmap_tui.widgets.fast_table import guard_terminal_text

if TYPE_CHECKING:
    from acctmap_tui.screens.export_dialog import ExportDone
    from acctmap_tui.screens.load import LoadRequest

__all__ = ["AcctmapApp", "PHASE_MODES"]

PHASE_MODES = ("icp", "review", "prioritize", "assign")
# The signals that end a run politely: the terminal window closed or its tmux or ssh session gone
# (SIGHUP), `kill` (SIGTERM). Caught: the unsaved edits are written and the terminal put back.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
PHASE_KEYS = Binding.Group("Phase", compact=True)
# Actions that need a session on screen (hidden on the load screen and behind dialogs).
SHARE_SAFE_ACTIONS = frozenset({"toggle_share_safe", "share_safe_key"})
SESSION_ACTIONS = {"phase", "next_phase", "toggle_clock", "toggle_share_safe", "share_safe_key", "save",
                   "save_as", "undo", "share_fields", "export"}


def _screen(module: str, name: str) -> Callable[[], Screen]:
    """A mode's screen, its module imported when the mode is first shown: before the first frame
    only the first screen's modules load (the other screens and dialogs took 0.06-0.09 s)."""

    def make() -> Screen:
        return getattr(import_module(f"acctmap_tui.screens.{module}"), name)()

    return make


class AcctmapApp(TypedAheadKeys):
    """Runs a mapping call on a workbench (session + lists), or loads one first."""

    CSS_PATH = "acctmap.tcss"
    TITLE = "acctmap"
    MODES = {
        "icp": _screen("icp", "IcpScreen"),
        "review": _screen("review", "ReviewScreen"),
        "prioritize": _screen("prioritize", "PrioritizeScreen"),
        "assign": _screen("assign", "AssignScreen"),
        "load": _screen("load", "LoadScreen"),
        "compare": _screen("compare", "CompareScreen"),
    }
    COMMANDS = App.COMMANDS | {AppCommands}
    BINDINGS = [
        Binding("1", "phase('icp')", "ICP", group=PHASE_KEYS),
        Binding("2", "phase('review')", "Review", group=PHASE_KEYS),
        Binding("3", "phase('prioritize')", "Prioritize", group=PHASE_KEYS),
        Binding("4", "phase('assign')", "Assign", group=PHASE_KEYS),
        Binding("5", "switch_mode('compare')", "Compare", group=PHASE_KEYS),
        # The footer fits 80 columns: the phase keys, save, undo, help and quit, plus each screen's
        # main keys. The rest are in help (?) and the palette. `n` is said by the time-up notice;
        # the header shows "(t)" and "(p)" beside the clock and the share state.
        Binding("n", "next_phase", "Next", show=False),
        Binding("t", "toggle_clock", "Clock", show=False),
        # priority, so it runs in the order typed with the priority keys that move the focus
        # into a field (`e`, `/`): "p e" typed fast opened the notes with the view still off
        Binding("p", "share_safe_key", "Share-safe", show=False, priority=True),
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+z", "undo", "Undo"),
        Binding("ctrl+n", "open_lists", "New lists", show=False),  # o is each screen's own (owner, re-rank)
        Binding("ctrl+o", "share_fields", "Sharing", show=False),
        Binding("ctrl+e", "export", "Export", show=False),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        # two actions, one for each key: `q` does nothing on a dialog (it is not shown under one),
        # ctrl+q, a priority key, quits from anywhere
        Binding("q", "quit_key", "Quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    CLOCK_TICK_S = 1.0  # the agenda clock's interval (tests that tick by hand set it far off)
    # The cycle collector's thresholds while the app runs: each frame leaves cyclic garbage
    # (Textual's strips and their caches) that the default young threshold (700) promotes
    # before it dies, to be found by full collections of 160-420 ms in the middle of a key
    # press. Collected young instead: worst review key 300-650 -> 100-121 ms (review_bench).
    COLLECTOR_THRESHOLDS = (10_000, 20, 20)

    # The share-safe view: every private field hidden everywhere (screens and header watch it).
    share_safe: reactive[bool] = reactive(False, init=False)
    clock_running: reactive[bool] = reactive(False, init=False)
    # Seconds on the agenda clock (all phases): the header watches it between session changes.
    clock_seconds: reactive[float] = reactive(0.0, init=False)
    saving: reactive[bool] = reactive(False, init=False)  # a save is being written (header: "saving…")
    # why the last autosave failed, until one works: the header says "autosave off" meanwhile
    autosave_off: reactive[str] = reactive("", init=False)
    leaving = False  # exit() was called: no key runs an action any more
    stopped_by: signal.Signals | None = None  # the stop signal that ended the run (`STOP_SIGNALS`)
    stop_recovery: Path | None = None  # where the unsaved edits went then (None: there were none)

    def __init__(
        self,
        workbench: Workbench | None = None,
        sessions_dir: Path | str = Path("sessions"),
        *,
        load: LoadRequest | None = None,
        start_offer: start.StartOffer | None = None,
        autosave_delay: float = 2.0,
    ) -> None:
        super().__init__()
        guard_terminal_text()  # a control character in a name never reaches the terminal
        self.workbench: Workbench | None = None
        self.sessions_dir = Path(sessions_dir)
        self._load_request = load
        self._start_offer = start_offer  # what the start screen offers (`acctmap` with no arguments)
        self.autosave_delay = autosave_delay
        self._autosave_timer: Timer | None = None
        self._autosave_worker: Worker | None = None
        self._autosave_failed = False
        # Recovery and session files are written in threads, one at a time; a discard bumps the
        # epoch so an autosave snapshotted before it is never written after it.
        self._io_lock = threading.Lock()
        self._recovery_epoch = 0
        # a recovery file's usual name -> this run's own, once another acctmap wrote the usual
        # one (`_own_recovery_target`)
        self._recovery_moved: dict[Path, Path] = {}
        self._after_save: list[Callable[[], object]] = []
        self._warned_over: set[str] = set()
        self._return_mode: str | None = None
        self._collector_before = gc.get_threshold()
        if workbench is not None:
            self._set_workbench(workbench)

    # --- start-up -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._catch_stop_signals()
        self._collector_before = gc.get_threshold()
        gc.set_threshold(*self.COLLECTOR_THRESHOLDS)
        self._clock = self.set_interval(self.CLOCK_TICK_S, self.clock_tick, pause=True)
        if self.workbench is None and self._start_offer and self._load_request is None:
            from acctmap_tui.screens.start import StartScreen

            self.add_mode("start", partial(StartScreen, self._start_offer))
            self.switch_mode("start")
        elif self.workbench is None:
            self._show_load(self._load_request)
        elif not self._offer_recovery():
            self._show_phase()
        if self.workbench is not None:
            self._lists_note()
            self._read_lists_if_pending()

    def on_unmount(self) -> None:
        gc.set_threshold(*self._collector_before)  # the process's own, as before the app ran
        self._release_stop_signals()

    def _set_workbench(self, workbench: Workbench) -> None:
        self.workbench = workbench
        workbench.on_change = self._on_workbench_change
        self._warned_over.clear()

    def install_workbench(self, workbench: Workbench, mode: str | None = None) -> None:
        """Make a freshly loaded workbench the current one and show its phase.

        Call it while no phase screen is showing (from the load screen): phase screens built for
        the previous workbench are dropped and rebuilt on demand. Recovered work is offered
        before any phase screen is built: a restore replaces the workbench, and a screen built
        for the one it replaces kept showing it (edits made there were lost at the next save).
        """
        self._set_workbench(workbench)
        for name, screen in self.MODES.items():
            if name not in (self.current_mode, "load"):
                self.remove_mode(name)
                self.add_mode(name, screen)
        # no autosave before the first edit: a new session is unsaved, but the lists make it
        # again, and its recovery file (14 MB at 50k) offered "unsaved work" that never was
        if not self._offer_recovery():  # else the answer shows the phase (`_restore_choice`)
            self._show_phase(mode)
        self._lists_note()
        self._read_lists_if_pending()

    # --- a saved session's lists, read after it is shown ---------------------------------------

    def _lists_note(self) -> None:
        if self.workbench is not None and self.workbench.lists_note:
            self.notify(f"Source lists not loaded: {self.workbench.lists_note}", severity="warning",
                        timeout=15, markup=False)
        if self.workbench is not None and self.workbench.start_notes:  # said once, at the start
            notes, self.workbench.start_notes = self.workbench.start_notes, []
            self.notify("\n".join(notes), title="Started", timeout=15, markup=False)

    def _read_lists_if_pending(self) -> None:
        """Start re-reading the lists once the session is on screen (reading takes a core)."""
        self.call_after_refresh(self._start_reading_lists)

    def _start_reading_lists(self) -> None:
        wb = self.workbench
        if wb is not None and wb.lists_pending:
            self._read_lists(wb.session.session_id, start.lists_reader(wb.session))
        else:
            self._texts_ahead()

    def _texts_ahead(self) -> None:
        """Once a big session is open and its lists read, make its save's texts ahead, a step
        (about 8 ms) at a time whenever the app is idle: the first ctrl+s then writes only what
        changed (`session.texts_ahead`; at 50k, key → file written 0.85-1.04 → 0.55-0.73 s).
        Not in a worker: beside the user's first keys it held the interpreter (the review screen
        painted a second later); between steps on a timer it was not done by the first save."""
        wb = self.workbench
        if wb is None or len(wb.session.accounts) < session_io.AHEAD_ACCOUNTS:
            return
        steps = session_io.texts_ahead(wb.session.accounts)

        def step() -> None:  # the next one when the app is idle again: events and paints first
            if self.workbench is wb and next(steps, None) is not None:
                self.call_after_refresh(step)

        step()

    @work(thread=True, exclusive=True, group="lists", description="re-read the source lists")
    def _read_lists(self, session_id: str, reader: Callable[[], start.SavedLists]) -> None:
        report_back(self, reader, partial(self._lists_read, session_id),
                    lambda message: self._lists_read(session_id, (None, None, [message])),
                    "while re-reading the source lists")

    def _lists_read(self, session_id: str, found: start.SavedLists) -> None:
        """Attach the lists to the session they were read for, if it is still the one shown
        (a restored recovery copy is the same session: attach_lists checks the lists)."""
        wb = self.workbench
        if wb is None or not wb.lists_pending or wb.session.session_id != session_id:
            return
        wb.attach_lists(*found)
        self._lists_note()
        self._texts_ahead()

    def _show_phase(self, mode: str | None = None) -> None:
        assert self.workbench is not None
        phase = mode or self.workbench.session.agenda.current
        if phase not in PHASE_MODES:
            phase = "icp"
        if phase != self.workbench.session.agenda.current:
            self.workbench.set_phase(phase)
        self.switch_mode(phase)

    # --- recovery -------------------------------------------------------------------------

    def _offer_recovery(self) -> bool:
        """Ask whether to restore unsaved work a crash or a kill left behind for this session.

        A saved session offers its recovery file when it is newer and was written by this very
        session (its id). A session never saved (the demo, `acctmap new A B`) is new each time:
        it offers the newest recovery file an unsaved session of the same two companies left.
        """
        wb = self.workbench
        assert wb is not None
        older = False
        unsaved: list[start.UnsavedWork] = []
        if wb.path is not None:
            session_io.clean_stale_temps(wb.path)
            found = session_io.newer_recovery(wb.path, wb.session.session_id)
            if found is None and session_io.belongs_to(session_io.recovery_path(wb.path),
                                                       wb.session.session_id):
                # older than the file: a save by another acctmap open on this session, which
                # no longer removes this one's recovery file (its unsaved work)
                found, older = session_io.recovery_path(wb.path), True
        else:
            own = wb.recovery_file(self.sessions_dir)
            if wb.owns_recovery(own):
                # unsaved work itself, restored on the start screen: the others stay listed there
                # (restoring one of them here would discard this one)
                return False
            unsaved = start.unsaved_of(self.sessions_dir, wb.session.ours, wb.session.partner, own)
            found = unsaved[0].path if unsaved else None
        if found is None:
            return False
        try:
            saved_at = datetime.fromtimestamp(found.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        except OSError:
            return False
        label = wb.path or f"{wb.session.ours} × {wb.session.partner}"
        from acctmap_tui.screens.dialogs import RestoreDialog

        set_aside = wb.path is not None and found != session_io.recovery_path(wb.path)
        saved_since = None  # put off, then the session saved again: restoring replaces that save
        if set_aside and wb.path is not None:
            try:
                saved = wb.path.stat().st_mtime
                if saved > found.stat().st_mtime:
                    saved_since = datetime.fromtimestamp(saved).strftime("%Y-%m-%d %H:%M")
            except OSError:
                pass
        self.push_screen(RestoreDialog(label, saved_at, unsaved=wb.path is None, set_aside=set_aside,
                                       saved_since=saved_since, older=older,
                                       work=unsaved[0] if unsaved else None, found=len(unsaved) or 1,
                                       share_safe=self.share_safe),
                         partial(self._restore_choice, found))
        return True

    def _restore_choice(self, recovery: Path, restore: bool | None) -> None:
        """True: restore the recovery file; False: discard it (removed); None: decide later (a
        saved session's is set aside, out of the way of this run's autosave, which writes the
        same name: the first edit used to overwrite the crash's work)."""
        old = self.workbench
        assert old is not None
        beside = session_io.recovery_path(old.path) if old.path is not None else None
        if restore is None and recovery == beside:
            try:
                session_io.set_aside_recovery(recovery)
            except OSError as err:
                self.notify(f"Could not set the recovered work aside ({err}): this session's "
                            f"next autosave replaces {recovery.name}. Copy it now to keep it.",
                            severity="error", timeout=30, markup=False)
        if restore:
            if beside is not None and recovery != beside:  # one set aside: this run's file again
                try:
                    with self._io_lock:
                        os.replace(recovery, beside)
                    recovery = beside
                except OSError:
                    pass  # restored from where it is; it stays set aside
            try:
                session = session_io.load(recovery)
            except (AcctmapError, OSError) as err:
                self.notify(f"Could not restore {recovery}: {err}", severity="error", timeout=10,
                            markup=False)
            else:
                if old.path is None:  # the fresh session gives way to the recovered one
                    self._discard_recovery(old)
                restored = start.restored(session, old)
                restored.file_stamp = old.file_stamp  # the file on disk is still the one read
                restored.wrote_recovery(recovery)  # this run's now: a save or a discard removes it
                self._set_workbench(restored)
                self.notify(f"Restored the recovery file {recovery.name}. Save (ctrl+s) to keep it.",
                            markup=False)
                self._schedule_autosave()
        elif restore is False:
            with self._io_lock:
                recovery.unlink(missing_ok=True)
            self.notify("Discarded the recovered work.")
            if old.path is None and self._offer_recovery():  # the next unsaved work, if any
                return
        self._show_phase()

    def _discard_recovery(self, workbench: Workbench | None = None) -> None:
        """Discard means discard: remove the session's recovery files, and drop pending autosaves."""
        workbench = workbench or self.workbench
        if workbench is None:
            return
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
            self._autosave_timer = None
        with self._io_lock:
            self._recovery_epoch += 1
            workbench.remove_own_recoveries()  # another acctmap's on the same session stays

    def write_crash_recovery(self) -> Path | None:
        """After the app stopped on an unexpected error: write the recovery file now if there are
        unsaved changes, and return where it is (None when nothing was unsaved or it failed)."""
        wb = self.workbench
        if wb is None or not wb.worth_recovering:
            return None
        try:
            with self._io_lock:
                target = self._own_recovery_target(wb, self._recovery_target(wb))
                session_io.write_snapshot(session_io.snapshot(wb.session, target), target)
                wb.wrote_recovery(target)
        except Exception:  # noqa: BLE001 - the session may be half-edited; keep the older autosave
            target = self._recovery_target(wb)
            return target if wb.owns_recovery(target) else None
        return target

    # --- loading lists ----------------------------------------------------------------------

    def _show_load(self, request: LoadRequest | None, picked: tuple[Path, ...] = ()) -> None:
        if self.current_mode != "load":
            self._return_mode = self.current_mode if self.current_mode in PHASE_MODES else None
            self.remove_mode("load")  # a fresh load screen each time, given what to load
            from acctmap_tui.screens.load import LoadScreen

            self.add_mode("load", partial(LoadScreen, request, picked))
            self.switch_mode("load")

    def on_lists_loaded(self, message: ListsLoaded) -> None:
        self.install_workbench(message.workbench, mode=message.mode)

    def on_load_cancelled(self, message: LoadCancelled) -> None:
        self.cancel_load()

    def on_lists_chosen(self, message: ListsChosen) -> None:
        self._show_load(message.request, message.picked)

    def cancel_load(self) -> None:
        """Back from the load screen to the session that was open, else to the start screen."""
        if self.workbench is not None:
            self.switch_mode(self._return_mode or "icp")
        elif self._start_offer:
            self.switch_mode("start")

    def action_open_lists(self) -> None:
        """Start a new session from two lists (asks first when this one has unsaved changes)."""
        unsaved = self._unsaved_on_leaving()
        if unsaved is None:
            self._show_load(None)
            return

        def chosen(choice: str | None) -> None:
            if choice == "discard":
                self._discard_recovery()
                self._show_load(None)
            elif choice == "save":
                self._save_then(partial(self._show_load, None))

        from acctmap_tui.screens.dialogs import UnsavedChangesDialog

        title, what = unsaved
        self.push_screen(
            UnsavedChangesDialog(f"Opening new lists closes this session, which {what}.",
                                 "Save, then open", "Open without saving", title),
            chosen,
        )

    def _unsaved_on_leaving(self, typed: Sequence[str] = ()) -> tuple[str, str] | None:
        """What closing the session now would lose, as the question's title and what follows
        "this session" ("has unsaved changes"; "ran the call clock 12 min since the save"), or
        None when nothing is: edits, what is `typed` in open dialogs (`_typed_in_dialogs`), or
        a minute or more of call clock its file does not hold."""
        wb = self.workbench
        if wb is None:
            return None
        if typed:
            joined = "; ".join(typed)
            return "Unsaved changes", (f"has unsaved changes, and {joined}" if wb.dirty
                                       else f"has unsaved changes: {joined}")
        if wb.dirty:
            return "Unsaved changes", "has unsaved changes"
        minutes = wb.unsaved_clock_minutes()
        if minutes and wb.path is not None:
            return "Call clock not saved", f"ran the call clock {minutes} min since it was last saved"
        return None

    # --- workbench changes -------------------------------------------------------------------

    def _on_workbench_change(self, change: Change) -> None:
        """The one path from a workbench command to the screens: one message per command."""
        if change.kind is not ChangeKind.SAVE:
            self._schedule_autosave()
        for screen in self.screen_stack:
            screen.post_message(SessionChanged(change))

    def _typed_in_dialogs(self) -> list[tuple[Dialog, str]]:
        """The open dialogs holding typed changes not yet applied (the Assign editor's), each
        with those changes in words (`Dialog.typed_changes`, which reads the form once)."""
        return [(s, words) for s in self.screen_stack
                if isinstance(s, Dialog) and (words := s.typed_changes())]

    def _commit_edits(self) -> None:
        """Ask the showing screens to hand pending edits (e.g. notes being typed) to the workbench."""
        for screen in self.screen_stack:
            if isinstance(screen, PhaseScreen):
                screen.commit_edits()

    def exit(self, *args, **kwargs) -> None:
        self.leaving = True
        super().exit(*args, **kwargs)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.leaving:  # keys typed after q (a fast "q n") reach no screen being torn down
            return False
        dialog = dialog_on_top(self)
        if dialog is not None:
            # A dialog takes every key but the priority ones: the app's other keys do nothing
            # there, and the footer under it must not offer them (False hides them). The phase
            # keys it holds itself run where its class lets them (Dialog.PHASE_KEYS_LEAVE).
            if action == "phase":
                if not (isinstance(dialog, Dialog) and dialog.PHASE_KEYS_LEAVE):
                    return False
            elif action in SHARE_SAFE_ACTIONS and isinstance(dialog, Dialog) and dialog.FOLLOWS_VIEW:
                pass  # it redraws for the view switched over it
            elif action in SESSION_ACTIONS or action in KEYS_BEHIND_DIALOGS:
                return False
        if action in SESSION_ACTIONS and (self.workbench is None or self.current_mode == "load"):
            return False
        if action == "phase" and parameters and parameters[0] not in PHASE_MODES:
            return False
        if action == "switch_mode" and self.workbench is None:
            return False
        return True

    # --- phases and the clock -------------------------------------------------------------------

    def action_phase(self, phase: str) -> None:
        if self.workbench is None or phase not in PHASE_MODES:
            return
        dialog = dialog_on_top(self)
        if isinstance(dialog, Dialog) and dialog.PHASE_KEYS_LEAVE:
            dialog.dismiss(None)  # closed as esc closes it, then the phase
        self._commit_edits()
        self.workbench.set_phase(phase)
        self.switch_mode(phase)

    def action_next_phase(self) -> None:
        if self.workbench is None:
            return
        agenda = self.workbench.session.agenda
        keys = [key for key, _ in agenda.phases if key in PHASE_MODES]
        position = keys.index(agenda.current) if agenda.current in keys else -1
        if position + 1 >= len(keys):
            self.notify("This is the last phase of the agenda.")
            return
        self.action_phase(keys[position + 1])

    def action_toggle_clock(self) -> None:
        self.clock_running = not self.clock_running

    def watch_clock_running(self, running: bool) -> None:
        timer = getattr(self, "_clock", None)
        if timer is not None:
            timer.resume() if running else timer.pause()

    def clock_tick(self) -> None:
        """One second of agenda time for the current phase (the 1 s interval calls it while running)."""
        if self.workbench is None or not self.clock_running:
            return
        self.workbench.tick(1)
        self.clock_seconds = self.workbench.session.agenda.call_s()
        self._warn_when_over()

    def _warn_when_over(self) -> None:
        """Say once per phase when its time is up (the header keeps showing OVER)."""
        assert self.workbench is not None
        agenda = self.workbench.session.agenda
        minutes = dict(agenda.phases).get(agenda.current, 0)
        if agenda.current not in self._warned_over and agenda.elapsed_s.get(agenda.current, 0) > minutes * 60:
            self._warned_over.add(agenda.current)
            label = PHASE_LABELS.get(agenda.current, agenda.current)
            self.notify(f"Time is up for {label}: press n for the next phase.", severity="warning")

    # --- help -----------------------------------------------------------------------------

    def action_help(self) -> None:
        """Show the keys of the screen on display (and the agenda when a session is open)."""
        from acctmap_tui.screens.help import HelpScreen, keys_of

        if isinstance(self.screen, HelpScreen):
            return
        title = getattr(self.screen, "HELP_TITLE", "") or PHASE_LABELS.get(self.current_mode, "acctmap")
        agenda = self.workbench.session.agenda if self.workbench is not None else None
        notes = getattr(self.screen, "help_notes", list)()
        self.push_screen(HelpScreen(title, keys_of(self.screen), agenda, notes))

    # --- the share-safe view ----------------------------------------------------------------

    def action_share_safe_key(self) -> None:
        """`p`: the share-safe view, unless a text field has the cursor (then it is a letter)."""
        skip_while_typing(self.screen)
        self.action_toggle_share_safe()

    def action_toggle_share_safe(self) -> None:
        """On at once; off only once asked (`ShowPrivateDialog`): a stray key must not show
        private fields on a shared screen."""
        if not self.share_safe:
            self.share_safe = True
            return

        from acctmap_tui.screens.dialogs import ShowPrivateDialog

        def chosen(show: bool | None) -> None:
            if show:
                self.share_safe = False

        self.push_screen(ShowPrivateDialog(), chosen)

    def watch_share_safe(self, share_safe: bool) -> None:
        self.notify("Share-safe view: private fields hidden." if share_safe
                    else "Share-safe view off: all fields shown.")

    # --- sharing and export -----------------------------------------------------------------

    def action_share_fields(self) -> None:
        """Open "Choose what the partner sees" (each field shared or private)."""
        if self.workbench is not None:
            # Each mark it flips is a workbench change (kind SHARING): the screens redraw on it.
            from acctmap_tui.screens.share_fields import ShareFieldsDialog

            self.push_screen(ShareFieldsDialog(self.workbench, share_safe=self.share_safe))

    def action_export(self) -> None:
        """Open the export dialog (partner-safe by default while the share-safe view is on)."""
        if self.workbench is None:
            return
        self._commit_edits()
        from acctmap_tui.screens.export_dialog import ExportDialog

        self.push_screen(ExportDialog(self.workbench, self.sessions_dir, partner_safe=self.share_safe),
                         self._exported)

    def _exported(self, done: ExportDone | None) -> None:
        if done is not None:
            self.notify(done.describe(), timeout=8, markup=False)

    # --- undo -----------------------------------------------------------------------------

    def action_undo(self) -> None:
        if self.workbench is None:
            return
        self._commit_edits()
        revealed = self.workbench.undo_reveals() if self.share_safe else ()
        if revealed:  # taking a "private" mark back shows the field: asked, as p is
            from acctmap_tui.screens.dialogs import ShowPrivateDialog

            session = self.workbench.session
            fields = ", ".join(field_named(session, side, name) for side, name in revealed)
            self.push_screen(ShowPrivateDialog(
                "Undo shows private fields", f"This undo takes back marking {fields} private: "
                "the share-safe view would show them again.", "Undo and show them",
                "y undoes"),
                lambda yes: self._undo_now() if yes else self.notify(
                    f"Nothing undone: {fields} stays private.", markup=False))
            return
        self._undo_now()

    def _undo_now(self) -> None:
        assert self.workbench is not None
        self.hold_keys_in_flight()
        what = self.workbench.undo(self.workbench.view_shows(self.share_safe))
        self.notify(f"Undid: {what}" if what else "Nothing to undo.", markup=False)

    # --- saving ---------------------------------------------------------------------------

    def action_save(self) -> None:
        self._save_then(None)

    def action_save_as(self) -> None:
        self._commit_edits()
        self._ask_file_name(None)

    def _save_then(self, after: Callable[[], object] | None) -> None:
        """Save (asking for a file name the first time), then run `after` if it worked."""
        if self.workbench is None:
            return
        self._commit_edits()
        if self.workbench.path is None:
            self._ask_file_name(after)
        else:
            self.save_to(self.workbench.path, after)

    def _ask_file_name(self, after: Callable[[], object] | None, suggested: Path | None = None) -> None:
        """The save-as dialog, then the save to the name chosen. It suggests `suggested`, else
        the quarter's name, or the next free one when another session holds it."""
        wb = self.workbench
        assert wb is not None
        suggested = suggested or wb.suggested_file(self.sessions_dir)
        shown = suggested.name if suggested.parent == self.sessions_dir else str(suggested)

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.save_to(path, after)

        from acctmap_tui.screens.dialogs import SaveAsDialog

        self.push_screen(SaveAsDialog(shown, self.sessions_dir, wb.session.session_id,
                                      share_safe=self.share_safe), chosen)

    def save_to(self, path: Path, after: Callable[[], object] | None = None, *,
                replace_changed: bool = False) -> bool:
        """Save the session to `path` in the background (the header says "saving…" until it is
        written); `after` runs once it is. False when the save could not start (reported). A
        save over the session's own file changed on disk since asks first (`_changed_on_disk`)
        unless `replace_changed`."""
        assert self.workbench is not None
        if self.saving:  # one save at a time: this one follows the running one
            self._after_save.append(partial(self.save_to, path, after, replace_changed=replace_changed))
            return True
        try:
            pending = self.workbench.begin_save(path, replace_changed=replace_changed)
        except (AcctmapError, ValueError, TypeError) as err:
            self._save_failed(path, err)
            return False
        self.saving = True
        self._write_save(pending, self.workbench, after)
        return True

    # A description, so Textual does not repr the arguments (the whole session: 7 s at 50k rows)
    @work(thread=True, group="save", description="save")
    def _write_save(self, pending: PendingSave, workbench: Workbench,
                    after: Callable[[], object] | None) -> None:
        # Writing a 20,000-account session takes seconds: never on the UI thread.
        error: BaseException | None = None
        with self._io_lock:
            try:
                pending.write()
                # at once, under the lock: an autosave of this revision waiting for it is stale
                workbench.saved_revision = max(workbench.saved_revision, pending.revision)
            except (OSError, AcctmapError) as err:
                error = err
        self._from_thread(self._save_finished, pending, workbench, error, after)

    def _save_finished(self, pending: PendingSave, workbench: Workbench, error: BaseException | None,
                       after: Callable[[], object] | None) -> None:
        workbench.finish_save(pending, error)
        self.saving = False
        if isinstance(error, ChangedOnDisk):
            self._changed_on_disk(error, workbench, after)
        elif error is not None:
            self._save_failed(pending.path, error)
        else:
            self.notify(f"Saved {pending.path}", markup=False)
            if workbench.dirty:  # changed while it was being written
                self._schedule_autosave()
            if after is not None:
                after()
        waiting, self._after_save = self._after_save, []
        for callback in waiting:
            callback()

    def _changed_on_disk(self, err: ChangedOnDisk, workbench: Workbench,
                         after: Callable[[], object] | None) -> None:
        """The session's file changed on disk since it was read or last saved: ask whether to
        save as another file, overwrite it, or not save (then `after`, a quit, does not run)."""
        if workbench is not self.workbench:
            return
        from acctmap_tui.screens.dialogs import ChangedOnDiskDialog

        def chosen(choice: str | None) -> None:
            if choice == "save_as":
                self._ask_file_name(after, free_file(err.path))
            elif choice == "overwrite":
                self.save_to(err.path, after, replace_changed=True)
            else:
                self.notify(f"Not saved: {err.path} keeps what was saved there. Your changes are "
                            "still here.", markup=False)

        since = "you last saved it" if workbench.saved_revision >= 0 else "you opened it"
        self.push_screen(ChangedOnDiskDialog(err.path, f"{err.now.modified:%H:%M:%S}", since), chosen)

    def _save_failed(self, path: Path, err: BaseException) -> None:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        if isinstance(err, AcctmapError) and err.problem.file == str(path) and err.problem.row is None:
            reason = err.problem.message  # the file is named once, here
        self.notify(f"Could not save {path}: {reason}. Your changes are still here; "
                    "try another name (Save as… in ctrl+p).", severity="error", timeout=10,
                    markup=False)

    async def wait_for_save(self) -> None:
        """Wait until no save is being written (for callers that read the file right after)."""
        try:
            await self.workers.wait_for_complete([w for w in self.workers if w.group == "save"])
        except WorkerCancelled:  # the app quit right after the save (save and quit)
            pass

    def _from_thread(self, callback: Callable[..., object], *args: object) -> None:
        """call_from_thread that does nothing once the app has stopped (a write outlived it)."""
        try:
            self.call_from_thread(callback, *args)
        except RuntimeError:
            pass

    def _schedule_autosave(self) -> None:
        """Write the recovery file a moment after the last change (the timer restarts on each)."""
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
        self._autosave_timer = self.set_timer(self.autosave_delay, self._autosave_due)

    def _autosave_due(self) -> None:
        self._autosave_timer = None
        if self._autosave_worker is not None and not self._autosave_worker.is_finished:
            self._schedule_autosave()  # the previous one is still writing: come back later
            return
        steps = self._recovery_steps()
        if steps is not None:
            self._snapshot_step(*steps)

    def _recovery_steps(self) -> tuple[Iterator[session_io.Snapshot | None], Path, Workbench, int, int] | None:
        """The steps of a snapshot of the unsaved session for its recovery file, with where it
        goes and what it is of (None when nothing is unsaved)."""
        wb = self.workbench
        if wb is None or not wb.worth_recovering:
            self._drop_undone_recovery()
            return None
        target = self._recovery_target(wb)
        return (session_io.snapshot_in_steps(wb.session, target), target, wb, wb.revision,
                self._recovery_epoch)

    def _snapshot_step(self, steps: Iterator[session_io.Snapshot | None], target: Path, wb: Workbench,
                       revision: int, epoch: int) -> None:
        """One step of an autosave's snapshot, on the UI thread (the thread never reads live
        objects); keys and paints run between steps: a 50k session's snapshot in one go held the
        screen 0.1-0.3 s, a step holds it 10-30 ms. A change between steps drops the
        snapshot (it would mix two states of the session): the change set the timer again."""
        if wb is not self.workbench or wb.revision != revision or epoch != self._recovery_epoch:
            return
        try:
            snap = next(steps)
        except (AcctmapError, TypeError, ValueError) as err:
            self._autosave_error(err)
            return
        if snap is None:
            self.call_later(self._snapshot_step, steps, target, wb, revision, epoch)
            return
        self._autosave_worker = self._autosave_in_background(_RecoveryJob(snap, target, wb, revision, epoch))

    def _recovery_job(self) -> _RecoveryJob | None:
        """A snapshot of the unsaved session for its recovery file, taken now, in one go."""
        steps = self._recovery_steps()
        if steps is None:
            return None
        snapshots, target, wb, revision, epoch = steps
        try:
            *_, snap = snapshots
        except (AcctmapError, TypeError, ValueError) as err:
            self._autosave_error(err)
            return None
        assert snap is not None
        return _RecoveryJob(snap, target, wb, revision, epoch)

    @work(thread=True, group="autosave", description="autosave")  # no repr: see _write_save
    def _autosave_in_background(self, job: _RecoveryJob) -> None:
        error = self._write_recovery(job)
        self._from_thread(self._autosave_error if error else self._autosave_ok, error)

    def _write_recovery(self, job: _RecoveryJob) -> BaseException | None:
        with self._io_lock:
            if job.epoch != self._recovery_epoch or job.revision <= job.workbench.saved_revision:
                return None  # discarded, or already in the session file: nothing to recover
            target = self._own_recovery_target(job.workbench, job.target)
            try:
                session_io.write_snapshot(job.snapshot, target)
            except (OSError, AcctmapError) as err:
                return err
            job.workbench.wrote_recovery(target)
        return None

    def _recovery_target(self, wb: Workbench) -> Path:
        """Where this run writes `wb`'s recovery file: the usual name (`Workbench.recovery_file`),
        or this run's own once it moved (`_own_recovery_target`)."""
        usual = wb.recovery_file(self.sessions_dir)
        return self._recovery_moved.get(usual, usual)

    def _own_recovery_target(self, wb: Workbench, target: Path) -> Path:
        """Under the I/O lock, just before a recovery file is written: `target`, unless a file
        there is not as this run left it. Another acctmap open on the same session autosaves to
        the same name, and what it wrote there is its unsaved work: this run then writes to a
        name of its own beside it, from then on, in the form of one set aside with "Later", which
        the next open offers whatever its age."""
        if not target.exists() or wb.owns_recovery(target) or target in self._recovery_moved.values():
            return target
        stamp = datetime.now(timezone.utc).strftime(session_io._ASIDE_STAMP)
        own = target.with_name(f"{target.name.removesuffix(session_io.RECOVERY_SUFFIX)}.{stamp}"
                               f"{session_io.RECOVERY_SUFFIX}")
        self._recovery_moved[target] = own
        return own

    def _drop_undone_recovery(self) -> None:
        """The session is as saved again, or a new one as its lists made it (its edits undone):
        the recovery file an autosave of this run wrote for it holds work undone, not work to
        recover; removed, as a save removes it (the next open would offer it). A file this run
        did not write (a crash's) is kept."""
        wb = self.workbench
        if wb is None or wb.worth_recovering:
            return
        with self._io_lock:
            if not wb.owns_recovery(self._recovery_target(wb)):
                return
            self._recovery_epoch += 1  # an autosave of the undone edits waiting is not written
            wb.remove_own_recoveries()

    def _autosave_ok(self, _error: object = None) -> None:
        self._autosave_failed = False
        self.autosave_off = ""

    def _autosave_error(self, err: BaseException | None) -> None:
        if not self._autosave_failed:
            self.notify(f"Autosave failed: {err}. Until an autosave works, a crash loses the "
                        "unsaved changes (the header says \"autosave off\"): save (ctrl+s).",
                        severity="error", timeout=10, markup=False)
        self._autosave_failed = True
        self.autosave_off = str(err) or "failed"

    def autosave_now(self) -> Path | None:
        """Write the recovery file now; returns its path (None when nothing is unsaved)."""
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
            self._autosave_timer = None
        job = self._recovery_job()
        if job is None:
            return None
        error = self._write_recovery(job)
        if error is not None:
            self._autosave_error(error)
            return None
        self._autosave_ok()
        return self._recovery_target(job.workbench)  # where it went (`_own_recovery_target`)

    # --- quitting -------------------------------------------------------------------------

    def _catch_stop_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            try:
                loop.add_signal_handler(sig, self.stop_on_signal, sig)
            except (NotImplementedError, RuntimeError, ValueError):  # not POSIX, not the main thread
                return

    def _release_stop_signals(self) -> None:
        """The signals do as they did before the app ran (a second one stops at once)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        for sig in STOP_SIGNALS:
            try:
                loop.remove_signal_handler(sig)
            except (NotImplementedError, RuntimeError, ValueError):
                pass

    def stop_on_signal(self, sig: int) -> None:
        """SIGTERM or SIGHUP: write the unsaved edits (notes being typed included) to the
        recovery file now, as after a crash, then quit, so that Textual puts the terminal back.
        No question is asked: nobody may be there to answer it."""
        self._release_stop_signals()
        self.stopped_by = signal.Signals(sig)
        if self.workbench is not None:
            self._commit_edits()
        self.stop_recovery = self.write_crash_recovery()
        self.exit(return_code=128 + sig)

    async def action_quit_key(self) -> None:
        """`q`: quit (ctrl+q and the command palette's Quit run `action_quit` itself)."""
        await self.action_quit()

    async def action_quit(self) -> None:
        if self.saving:  # quit once the save is on disk (and ask again if it failed)
            self.notify("Saving… acctmap quits when the save is written.")
            self._after_save.append(partial(self.call_later, self.action_quit))
            return
        if self.workbench is not None:
            self._commit_edits()
        typed = self._typed_in_dialogs()
        unsaved = self._unsaved_on_leaving([words for _, words in typed])
        if unsaved is None:
            self._drop_undone_recovery()
            self.exit()
            return
        from acctmap_tui.screens.dialogs import UnsavedChangesDialog

        if isinstance(self.screen, UnsavedChangesDialog):
            return

        def chosen(choice: str | None) -> None:
            if choice == "discard":
                self._discard_recovery()
                self.exit()
            elif choice == "save":
                # a dialog that cannot apply what was typed (a due date that does not read)
                # stays open and says why: nothing is saved and acctmap does not quit
                if all(dialog.apply_typed() for dialog, _ in reversed(typed)):
                    self._save_then(self.exit)

        title, what = unsaved
        self.push_screen(UnsavedChangesDialog(f"This session {what}.", title=title), chosen)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # our own provider lists Quit (with the unsaved-changes question); over a dialog, none
        # of the widget commands (Maximize blanked the export dialog down to one checkbox)
        left_out = {"Quit"} | ({"Maximize", "Minimize", "Keys"} if dialog_on_top(self) else set())
        yield from (c for c in super().get_system_commands(screen) if c.title not in left_out)


def _action_name(action: str) -> str:
    return action.split("(", 1)[0].removeprefix("app.")


# The actions of the app's keys that are not priority bindings, which never reach a dialog.
KEYS_BEHIND_DIALOGS = frozenset(_action_name(b.action) for b in AcctmapApp.BINDINGS
                                if isinstance(b, Binding) and not b.priority)


@dataclass
class _RecoveryJob:
    """One autosave: the snapshot taken on the UI thread and where the thread writes it."""

    snapshot: session_io.Snapshot
    target: Path
    workbench: Workbench
    revision: int
    epoch: int
