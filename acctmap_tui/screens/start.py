"""The start screen: what `acctmap`, run with no arguments, offers in a folder with exports or sessions.

One list to move through with the arrow keys: the unsaved work killed or crashed new sessions left
(newest first; enter or r restores one), the saved sessions (latest call date first; enter
opens one), the list exports in the folder (enter picks ours, then the partner's; a third line
then starts a new session from the two), the load form for any path (ctrl+n) and the bundled
demo. A folder with neither opens the demo directly (cli.py decides). The screen reports back
by message only: `ListsLoaded` with the opened workbench, `ListsChosen` with the two lists to load
(or None: the load form, holding any list picked here).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from acctmap_tui.commands import ScreenCommands
from acctmap_tui.core import start
from acctmap_tui.core.model import OURS, PARTNER, AcctmapError
from acctmap_tui.core.start import Head, SessionRequest, StartOffer, UnsavedWork
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.messages import ListsChosen, ListsLoaded

NEW, FORM, DEMO = "new", "form", "demo"
PICK_WORDS = {OURS: "ours", PARTNER: "partner's"}


def session_line(path: Path, facts: Head | None) -> Text:
    """'2026-11-25  Northwind x Globex — 2026-Q4 mapping  (q4.toml)' from the file's head only."""
    if facts is None:
        return Text(f"{path.name}  (cannot be read as a session)", style="italic")
    day = str(facts.get("date", "")) or "?"
    title = str(facts.get("title", "")) or f"{facts.get('ours', '?')} x {facts.get('partner', '?')}"
    line = Text(f"{day:<10}  ")
    line.append(title, style="bold")
    line.append(f"  ({path.name})", style="dim")
    return line


def unsaved_line(work: UnsavedWork, today: date | None = None) -> Text:
    """'Northwind × Globex, autosaved 21:13  ICP notes of 42 words' (the day too when not today;
    never the notes' words: this screen is shown before any share-safe view can be on)."""
    line = Text(work.partnership, style="bold")
    when = work.autosaved.strftime("%H:%M" if work.autosaved.date() == (today or date.today())
                                   else "%Y-%m-%d %H:%M")
    line.append(f", autosaved {when}")
    line.append(f"  {work.notes_said}", style="dim")
    return line


class StartScreen(Screen[None]):
    """Open a saved session, start one from two lists in the folder, or open the demo."""

    AUTO_FOCUS = "#start-list"
    COMMANDS = {ScreenCommands}
    PALETTE = (
        ("Start: open the latest call's session",
         "The first one listed: the session with the latest date", "open_newest", ()),
        ("Start: open the demo", "Northwind × Globex, the bundled demo lists (d)", "demo", ()),
    )
    BINDINGS = [
        Binding("r", "restore", "Restore unsaved"),
        Binding("ctrl+n", "load_form", "Load form"),
        Binding("d", "demo", "Demo"),
    ]

    def __init__(self, offer: StartOffer) -> None:
        super().__init__()
        self.offer = offer
        self.picked: list[Path] = []  # ours, then the partner's

    def compose(self) -> ComposeResult:
        with Vertical(id="start-body"):
            yield Label("acctmap: start a mapping call", id="start-title")
            yield Static(Content(f"In {self.offer.folder.resolve()}"), id="start-where")
            yield OptionList(id="start-list")
            yield Static("", id="start-notice")
            yield Static("up/down move · enter opens a session or picks a list (ours, then the "
                         "partner's) · ctrl+n the load form for any file · d the demo · q quits",
                         id="start-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#start-notice").display = False
        self._fill()

    # --- the list -------------------------------------------------------------------------

    def _fill(self, highlight: str | None = None) -> None:
        options = self.query_one("#start-list", OptionList)
        keep = highlight or self._highlighted_id()
        options.clear_options()
        if self.offer.unsaved:
            heading = "Unsaved work of new sessions, never saved (enter or r restores it)"
            options.add_option(Option(Text(heading, style="bold"), disabled=True))
            options.add_options(Option(Text.assemble("  ", unsaved_line(w)),
                                       id=f"unsaved:{n}")
                                for n, w in enumerate(self.offer.unsaved))
        if self.offer.sessions:
            heading = f"Sessions in {self.offer.sessions_dir}/ (latest call date first)"
            options.add_option(Option(Text(heading, style="bold"), disabled=True))
            heads = self.offer.heads
            options.add_options(Option(Text.assemble("  ", session_line(p, heads.get(p))),
                                       id=f"session:{n}")
                                for n, p in enumerate(self.offer.sessions))
        if self.offer.lists:
            options.add_option(Option(Text("Lists in this folder: pick ours, then the partner's",
                                           style="bold"), disabled=True))
            options.add_options(Option(Text.assemble("  ", self._list_line(p)), id=f"list:{n}")
                                for n, p in enumerate(self.offer.lists))
            options.add_option(Option(Text.assemble("  ", self._new_line()), id=NEW, disabled=len(self.picked) < 2))
        options.add_option(Option(Text("Other files", style="bold"), disabled=True))
        options.add_option(Option("  Open the load form: any two files, names, columns (ctrl+n)",
                                  id=FORM))
        options.add_option(Option("  Open the demo: Northwind × Globex (d)", id=DEMO))
        target = keep or ("session:0" if self.offer.sessions else "unsaved:0" if self.offer.unsaved
                          else "list:0" if self.offer.lists else DEMO)
        try:
            options.highlighted = options.get_option_index(target)
        except Exception:  # noqa: BLE001 - an id no longer listed: the first choice
            options.action_first()

    def _highlighted_id(self) -> str | None:
        options = self.query_one("#start-list", OptionList)
        option = options.highlighted_option
        return option.id if option is not None else None

    def _list_line(self, path: Path) -> Text:
        side = (OURS, PARTNER)[self.picked.index(path)] if path in self.picked else None
        line = Text(f"[{PICK_WORDS[side]}]" if side else "[ ]", style="bold" if side else "dim")
        line.append(f" {path.name}")
        return line

    def _new_line(self) -> Text:
        if len(self.picked) < 2:
            return Text("Start a new session from the two lists picked", style="dim")
        ours, theirs = self.picked
        return Text.assemble("Start a new session: ", (ours.name, "bold"), " (ours) with ",
                             (theirs.name, "bold"), " (the partner's)")

    # --- choosing -------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#start-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id is None:
            return
        kind, _, index = option_id.partition(":")
        if kind == "session":
            path = self.offer.sessions[int(index)]
            self._open(f"Opening {path.name}…", lambda: start.open_saved(path, lists_later=True), None)
        elif kind == "unsaved":
            self._restore(self.offer.unsaved[int(index)])
        elif kind == "list":
            self._pick(self.offer.lists[int(index)])
        elif kind == NEW and len(self.picked) == 2:
            self.post_message(ListsChosen(SessionRequest(*self.picked)))
        elif kind == FORM:
            self.action_load_form()
        elif kind == DEMO:
            self.action_demo()

    def _pick(self, path: Path) -> None:
        """Pick a list (ours first, then the partner's); picking a picked one drops it."""
        if path in self.picked:
            self.picked.remove(path)
        else:
            self.picked = [*self.picked[-1:], path] if len(self.picked) == 2 else [*self.picked, path]
        self._fill(highlight=NEW if len(self.picked) == 2 else None)

    def _restore(self, work: UnsavedWork) -> None:
        self._open(f"Restoring the unsaved work of {work.partnership}…",
                   lambda: start.open_unsaved(work.path), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "restore":
            return bool(self.offer.unsaved)
        return bool(self.offer.sessions) if action == "open_newest" else True

    def action_restore(self) -> None:
        """The unsaved work highlighted, else the newest."""
        kind, _, index = (self._highlighted_id() or "").partition(":")
        if self.offer.unsaved:
            self._restore(self.offer.unsaved[int(index) if kind == "unsaved" else 0])

    def action_load_form(self) -> None:
        """The load form, holding the lists picked here so far."""
        self.post_message(ListsChosen(None, tuple(self.picked)))

    def action_open_newest(self) -> None:
        if self.offer.sessions:
            self._choose("session:0")

    def action_demo(self) -> None:
        self._open("Opening the demo…",
                   lambda: start.open_workbench(start.demo_request(), unsaved=False), "icp")

    # --- opening --------------------------------------------------------------------------

    def _open(self, message: str, build: Callable[[], Workbench], mode: str | None) -> None:
        self._notice(message)
        self.build_workbench(build, mode)

    @work(thread=True, exclusive=True, group="start", description="open session")
    def build_workbench(self, build: Callable[[], Workbench], mode: str | None) -> None:
        try:
            workbench = build()
        except (AcctmapError, OSError) as err:
            self.app.call_from_thread(self._notice, f"Cannot open it: {err}", True)
            return
        self.app.call_from_thread(self.post_message, ListsLoaded(workbench, mode=mode))

    def _notice(self, message: str, warn: bool = False) -> None:
        notice = self.query_one("#start-notice", Static)
        notice.update(Content(message))  # file names: never markup
        notice.set_class(warn, "warn")
        notice.display = bool(message)
