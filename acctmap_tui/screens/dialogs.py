"""The app's own dialogs: save-as name, unsaved changes on quit, the session file changed on disk,
restore from the recovery file, showing private fields, carrying another partnership's prior
session; and what every dialog shares (closing once, its fields, fitting a list to the screen)."""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from typing import ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.command import CommandPalette
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.await_complete import AwaitComplete
from textual.css.scalar import Scalar
from textual.screen import ModalScreen, ScreenResultType
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import PHASE_LABELS, PHASES, AcctmapError
from acctmap_tui.core.start import UnsavedWork, WorkHeld, work_held
from acctmap_tui.core.workbench import free_file


# Tab and shift+tab as priority keys in dialogs with several fields. Textual runs a plain binding
# only after the key has bubbled from the focused field up to the screen, one message queue at a
# time, while it hands the keys behind it straight to the field still focused: in a fast burst
# (keys pasted where the terminal has no bracketed paste) the text after a tab landed in the field
# before it. A priority binding moves the focus before the next key is handed on.
FIELD_KEYS = [
    Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
    Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
]


def dialog_on_top(app: App) -> ModalScreen | None:
    """The dialog the app shows on top of its screens, if one is up: a modal screen, but not the
    command palette, which runs the app's and the screen's commands as if it were not there (so
    the dialog under a palette is the one on top). While one is up, Textual gives it every key
    that is not a priority binding: the app's keys and those of the screen under it do nothing,
    the footer under it offers none of them, and neither does the palette over it (a dialog is
    drawn once for the view it opened in: the share-safe view switched on from the palette over
    one left its private values showing)."""
    screens = [s for s in app.screen_stack if not isinstance(s, CommandPalette)]
    top = screens[-1] if screens else None
    return top if isinstance(top, ModalScreen) else None


# The agenda's phase keys (README: "`1`-`5` phase ... on every screen"). A dialog gets every key
# before the app's bindings would, so it holds these itself, as the app's action: the app's
# check_action lets them run only on a dialog whose class says so (`Dialog.PHASE_KEYS_LEAVE`), and
# `AcctmapApp.action_phase` closes that dialog first. `5` (Compare) is not one: on no dialog does it
# do anything.
DIALOG_PHASE_KEYS = [
    Binding(str(n), f"app.phase('{phase}')", PHASE_LABELS[phase], show=False)
    for n, (phase, _) in enumerate(PHASES, start=1)
]


class Dialog(ModalScreen[ScreenResultType]):
    """One of the app's dialogs: it closes once, and itself. `Screen.dismiss` pops whatever
    screen is on top: a second close (an enter typed fast after the one that saved, handled
    before the dialog was off the screen) popped the screen under it and stopped the app, and a
    close from a worker while help was open over the dialog (the exchange's last step) would pop
    the help. A closed dialog ignores a second close; one under another screen closes, with its
    result, once it is back on top."""

    BINDINGS = DIALOG_PHASE_KEYS
    # Whether a phase key (`1`-`4`) closes the dialog, as esc does (its result None), and goes to
    # that phase. Only where closing loses nothing and no field would take the digit: a dialog
    # that shows something or picks one of a list (Compare's session picker, its account view).
    # Elsewhere the key does nothing: a name or a date being typed, a question that must be
    # answered (unsaved changes, restore, show private fields) or a choice by digit (levels).
    PHASE_KEYS_LEAVE: ClassVar[bool] = False
    # Whether it redraws for the share-safe view switched over it (`p`, the palette). A dialog
    # drawn once for the view it opened in does not: the view cannot be switched over it.
    FOLLOWS_VIEW: ClassVar[bool] = False

    _close_on_top: tuple[ScreenResultType | None] | None = None  # a close waiting to be on top

    def dismiss(self, result: ScreenResultType | None = None) -> AwaitComplete:
        if self not in self.app.screen_stack:
            return AwaitComplete.nothing()
        if not self.is_active:
            self._close_on_top = (result,)
            return AwaitComplete.nothing()
        return super().dismiss(result)

    def on_screen_resume(self) -> None:
        if self._close_on_top is not None:
            (result,), self._close_on_top = self._close_on_top, None
            self.dismiss(result)

    # A dialog that edits the session (the Assign editor, the scoring factors) holds what was
    # typed in it until its own save: quitting asks about it, and "Save and quit" applies it.

    def typed_changes(self) -> str | None:
        """What is typed here and not yet applied to the session, in words for the quit
        question ("the owner typed for Acme = Acme Corp"); None when nothing is."""
        return None

    def apply_typed(self) -> bool:
        """Apply what was typed, as the dialog's own save does, and close; False when it cannot
        be applied (the dialog stays open and says why)."""
        return True


# --- fitting a list to the screen ------------------------------------------------------------
# A dialog box with `height: auto; max-height: ...` cuts off what its parts do not fit, keys and
# buttons included, and a list cut off thinks every row is visible (it does not scroll to the
# highlighted one). Textual's CSS cannot say "at most N lines, and no more than the box leaves":
# `height: 1fr` in an auto-height box is sized against the whole screen (a short list grows blank
# rows), `max-height: 100%` against the box (the list still overflows it), and a breakpoint sees
# the screen, not a notice that wraps. So a dialog measures its box and gives its list (or
# scrolling body) a max-height, the stylesheet's at most.


def lines_left(box: Widget, part: Widget) -> int | None:
    """The lines `part` may take in `box` at the box's max-height: what its border, its padding
    and its other parts shown (as laid out now, margins included) leave; None with no max-height
    or before the screen has a size."""
    most, size = box.styles.max_height, box.screen.size
    if most is None or not size.height:
        return None
    room = int(most.resolve(size, size)) - box.styles.gutter.height
    for other in box.children:
        if other is not part and other.display:
            room -= other.outer_size.height + other.styles.margin.height
    return room


def fit_height(part: Widget, room: int, least: int = 3) -> bool:
    """Let `part` (a list or a scrolling body, `height: auto`) scroll in `room` lines: at least
    `least`, at most the stylesheet's max-height for it. True when its max-height changed."""
    most, size = part.styles.base.max_height, part.screen.size
    if most is not None:
        room = min(room, int(most.resolve(size, size)))
    fitted = Scalar.from_number(max(least, room))
    if part.styles.max_height == fitted:
        return False
    part.styles.max_height = fitted
    return True


def row_width(rows: Widget) -> int | None:
    """The cells a row of a scrolling list has, less its scrollbar's whether the bar shows or not
    (rows drawn to fit stay one line each when the list grows one); None until it is laid out."""
    width = rows.content_region.width
    return width - rows.styles.scrollbar_size_vertical if width > 0 else None


def column_width(rows: Widget, others: int, most: int, least: int) -> int | None:
    """The width of the column of a list's rows that gives way (at 80 columns) so a row stays on
    one line: what a row leaves after `others` cells of its other columns, from `most` down to
    `least`; None until the list is laid out."""
    room = row_width(rows)
    return None if room is None else max(least, min(most, room - others))


# What a form says in the share-safe view instead of its file picker: file and folder names name
# partners ("initech_hubspot.csv", "archive-initech/", a session's file), so the paths are typed.
PICKER_HIDDEN = ("Type the paths: the file picker is hidden in the share-safe view (file names "
                 "can name other partners).")


# A field and the value it held when enter was pressed in it (Input.Submitted's), which keys
# typed after that enter may have changed since.
Typed = tuple[Input, str]


def field_value(within: Widget, selector: str, typed: Typed | None = None) -> str:
    """A dialog field's text: what it held at enter when `typed` is its submit, else now."""
    field = within.query_one(selector, Input)
    return typed[1] if typed is not None and typed[0] is field else field.value


class FieldInput(Input):
    """A text field of a dialog or form: enter submits it in the order the keys were typed
    (read the value `Submitted` carries, `field_value`), and a paste with tabs (a row copied
    from a spreadsheet) fills this field and the ones after it, a cell each, as typing it with
    tab between would."""

    # Where the cursor goes on enter, at once (a screen's filter gives it back to its table):
    # moved when the screen handled Submitted, a `p` typed behind the enter found the filter
    # still focused and was typed into it instead of switching the share-safe view.
    leave_to: Callable[[], Widget] | None = None

    async def _on_key(self, event: events.Key) -> None:
        held = getattr(self.app, "typed_before_the_change", None)
        if held is not None and held(event):
            # typed behind an enter of this field: it goes back up to the app, which hands it to
            # the screen on top once the dialog has decided (closed: the screen under it, as in
            # "Dana", enter, down, o, "Sam"; still open, a date refused: this field again)
            event.prevent_default()  # not typed here by Input's own handler; it still bubbles
            return
        if event.key == "enter":
            # Submitted here, in the order the keys were typed: as a binding, enter ran only once
            # it had bubbled up to the app, after the letters typed behind it were in the field
            # ("Dana", enter, "Sam" in one burst saved "DanaSam"). The message carries the value.
            event.stop()
            event.prevent_default()
            await self.action_submit()
            if self.leave_to is not None:
                self.screen.set_focus(self.leave_to())
            if held is not None:
                self.app.hold_keys_in_flight()
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        cells = event.text.splitlines()[0].split("\t") if event.text else []
        if len(cells) < 2:
            return  # Input pastes it as usual
        event.prevent_default()
        event.stop()
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(cells[0])
        else:
            self.replace(cells[0], *selection)
        screen = self.screen
        for cell in cells[1:]:
            screen.focus_next()
            field = screen.focused
            if not isinstance(field, Input):
                break  # a button or a choice: the rest is not text for a field
            field.value = cell.strip()
            field.cursor_position = len(field.value)


def session_path(name: str, sessions_dir: Path) -> Path | None:
    """The file a typed name means: inside `sessions_dir` unless it has a folder; '.toml' added
    unless it ends so (a session by another name is one the start screen never lists:
    "q4.tomlzed", typed over a suggestion, was saved as such)."""
    name = name.strip()
    if not name:
        return None
    path = Path(name).expanduser()
    if path.suffix.lower() != ".toml":
        path = path.with_name(f"{path.name}.toml")
    if not path.is_absolute() and path.parent == Path("."):
        path = sessions_dir / path
    return path


def written_through(path: Path, doing: str) -> str | None:
    """What `doing` ("exporting", "saving") to a named pipe or a device does, in words: it is
    written through, never replaced (core.atomic); None for anything else."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if stat.S_ISFIFO(mode):
        return f"{path} is a named pipe: {doing} writes through it (start its reader first)."
    if stat.S_ISCHR(mode):
        return f"{path} is a device: {doing} writes through it."
    return None


def _held_by(path: Path, session_id: str, share_safe: bool) -> str | None:
    """What a save to `path` would replace, in words, when it is not an earlier save of the
    session `session_id`: another session (its title unless `share_safe`, its call date and
    when it was saved), or a file that is no session; None when there is nothing to lose."""
    if not path.exists() or written_through(path, "") or session_io.belongs_to(path, session_id):
        return None
    facts = session_io.peek(path)
    if facts is None:
        return f"{path} is not an acctmap session"
    title = "" if share_safe else f'"{facts.get("title") or facts.get("ours", "")}", '
    saved = facts.get("saved")
    when = f", saved {saved.astimezone():%Y-%m-%d %H:%M}" if isinstance(saved, datetime) else ""
    return f"{path} holds another session: {title}call of {facts.get('date', '?')}{when}"


# A file of another session is counted (owners, next actions) only up to this size: a load in a
# thread, for the question before it is replaced
COUNT_MOST_BYTES = 20_000_000


def work_held_in(path: Path) -> WorkHeld | None:
    """What the session file at `path` holds (`work_held`), read in a dialog's worker; None for a
    file over COUNT_MOST_BYTES or one that cannot be read."""
    try:
        if path.stat().st_size > COUNT_MOST_BYTES:
            return None
        return work_held(session_io.load(path))
    except (AcctmapError, OSError):
        return None


class SaveAsDialog(Dialog[Path | None]):
    """Ask once for the session's file name (suggested from the companies and quarter). A name
    whose file holds another session (or no session) is replaced only on a second enter, once the
    dialog has said what that file holds."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, suggested: str, sessions_dir: Path, session_id: str = "",
                 share_safe: bool = False) -> None:
        super().__init__(classes="dialog")
        self.suggested = suggested
        self.sessions_dir = sessions_dir
        self.session_id = session_id
        self.share_safe = share_safe
        self._asked: Path | None = None  # the file whose replacing was asked about: enter again
        self._counts = ""  # the owners and next actions of the file asked about, once read

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label("Save session as", classes="dialog-title")
            yield Static(f"File name (saved in {self.sessions_dir}/ unless you give a folder):", markup=False)
            yield FieldInput(self.suggested, id="save-name", select_on_focus=False)
            yield Static("", id="save-hint", classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._show_hint(self.suggested)

    @on(Input.Changed, "#save-name")
    def _name_changed(self, event: Input.Changed) -> None:
        self._show_hint(event.value)

    def _show_hint(self, name: str) -> None:
        self._hint(session_path(name, self.sessions_dir))

    def _hint(self, path: Path | None) -> None:
        hint = self.query_one("#save-hint", Static)
        if path != self._asked:  # another name typed: the question was about the one before
            self._asked, self._counts = None, ""
            self.query_one("#save", Button).label = "Save"
        held = _held_by(path, self.session_id, self.share_safe) if path is not None else None
        if path is None:
            hint.update("Type a file name.")
        elif self._asked is not None:
            free = free_file(path, self.session_id)
            hint.update(Content(f"{held or f'{path} exists'}{self._counts}. Enter again replaces "
                                f"it (its work is lost), or type another name ({free.name} is "
                                "free)."))
        elif held is not None:
            hint.update(Content(f"{held}: enter asks before replacing it."))
        elif through := written_through(path, "saving"):
            hint.update(Content(through))
        elif path.exists():
            hint.update(Content(f"{path} holds an earlier save of this session: saving replaces it."))
        else:
            hint.update(Content(f"Will write {path}"))

    @on(Input.Submitted, "#save-name")
    def _submitted(self, event: Input.Submitted) -> None:
        self._save((event.input, event.value))

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self._save()

    def _save(self, typed: Typed | None = None) -> None:
        path = session_path(field_value(self, "#save-name", typed), self.sessions_dir)
        if path is None:
            return
        if path != self._asked and _held_by(path, self.session_id, self.share_safe) is not None:
            self._asked, self._counts = path, ""  # asked once: enter again on it replaces it
            self._hint(path)
            self.query_one("#save", Button).label = "Replace"
            self._count_held(path)
            return
        self.dismiss(path)

    @work(thread=True, exclusive=True, group="held", description="count what a file holds")
    def _count_held(self, path: Path) -> None:
        held = work_held_in(path)
        if held is None:
            return
        counts = f" ({_counted(held.owners, 'owner')}, {_counted(held.next_actions, 'next action')})"
        try:
            self.app.call_from_thread(self._counted, path, counts)
        except RuntimeError:  # the app stopped meanwhile
            pass

    def _counted(self, path: Path, counts: str) -> None:
        if self._asked == path and self.is_attached:
            self._counts = counts
            self._hint(path)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceDialog(Dialog[str | None]):
    """A question answered by one of its buttons (the button's id is the choice) or by a key
    (`choose`); cancel answers None. `FIRST` is the button focused when it opens."""

    FIRST: ClassVar[str] = ""

    def on_mount(self) -> None:
        self.query_one(f"#{self.FIRST}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose("" if event.button.id == "cancel" else event.button.id or "")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice or None)


class ChangedOnDiskDialog(ChoiceDialog):
    """A save found the session's file changed since it was opened or last saved (another
    acctmap or an editor saved it): 'save_as' (keep both), 'overwrite' or None (cancel, nothing
    written)."""

    FIRST = "save_as"
    BINDINGS = [
        Binding("escape", "choose('')", "Cancel"),
        Binding("a", "choose('save_as')", "Save as another file", show=False),
        Binding("o", "choose('overwrite')", "Overwrite it", show=False),
    ]

    def __init__(self, path: Path, changed_at: str, since: str = "you opened it") -> None:
        super().__init__(classes="dialog")
        self.path = path
        self.changed_at = changed_at
        self.since = since

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label("Changed on disk", classes="dialog-title")
            yield Static(f"{self.path} changed on disk since {self.since} (another acctmap or an "
                         f"editor saved it, at {self.changed_at}). Nothing was saved.",
                         id="changed-message", markup=False)
            yield Static("Overwrite replaces what was saved there with this session; save as "
                         "keeps both.", classes="dialog-hint", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save as another file (a)", id="save_as", variant="primary")
                yield Button("Overwrite it (o)", id="overwrite", variant="error")
                yield Button("Cancel (esc)", id="cancel")



class UnsavedChangesDialog(ChoiceDialog):
    """'save', 'discard' or None (cancel) when leaving with unsaved changes."""

    FIRST = "save"
    BINDINGS = [
        Binding("escape", "choose('')", "Cancel"),
        Binding("s", "choose('save')", "Save and quit", show=False),
        Binding("d", "choose('discard')", "Quit without saving", show=False),
    ]

    def __init__(self, question: str = "This session has unsaved changes.",
                 save_label: str = "Save and quit", discard_label: str = "Quit without saving",
                 title: str = "Unsaved changes") -> None:
        super().__init__(classes="dialog")
        self.question = question
        self.save_label = save_label
        self.discard_label = discard_label
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.question, id="unsaved-message", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.save_label} (s)", id="save", variant="primary")
                yield Button(f"{self.discard_label} (d)", id="discard", variant="error")
                yield Button("Cancel (esc)", id="cancel")



class ShowPrivateDialog(Dialog[bool]):
    """Asked before the share-safe view goes off: True only for `y` (or the button). Any other
    key keeps the private fields hidden and is used up here, so a stray `p` typed on a shared
    screen (the first letter of "pricing" after a key the view had disabled) never shows them."""

    BINDINGS = [Binding("y", "choose(True)", "Show private fields", show=False)]

    def __init__(self, title: str = "Show private fields?",
                 what: str = "The share-safe view hides every private field.",
                 yes: str = "Show them", hint: str = "y shows them") -> None:
        super().__init__(classes="dialog")
        self.title_text, self.what, self.yes, self.hint = title, what, yes, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield Static(f"{self.what} If this screen is shared, your partner will see them.",
                         markup=False)
            yield Static(f"{self.hint} · any other key keeps them hidden", classes="dialog-hint",
                         markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", id="show", variant="error")
                yield Button("Keep hidden", id="keep", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed, "#show")
    def _show_pressed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#keep")
    def _keep_pressed(self) -> None:
        self.dismiss(False)

    def action_choose(self, show: bool) -> None:
        self.dismiss(show)

    def on_key(self, event: events.Key) -> None:
        if event.key != "y":
            event.stop()
            event.prevent_default()
            self.dismiss(False)


class RestoreDialog(Dialog[bool | None]):
    """Offer unsaved work a crash left: True = restore it, False = discard it (the recovery file is
    removed), None = decide later (escape; it is offered again next time)."""

    # its `d` discards work for good: keys typed before it was asked (while a session loaded)
    # are not its answer (typed_ahead)
    ANSWERS_KEYS_TYPED_AHEAD: ClassVar[bool] = False

    BINDINGS = [
        Binding("escape", "choose(None)", "Decide later"),
        Binding("r", "choose(True)", "Restore it", show=False),
        Binding("k", "choose(False)", "Discard it", show=False),
        Binding("d", "choose(False)", "Discard it", show=False),
    ]

    def __init__(self, session: Path | str, saved_at: str, unsaved: bool = False,
                 set_aside: bool = False, saved_since: str | None = None,
                 older: bool = False, work: UnsavedWork | None = None, found: int = 1,
                 share_safe: bool = False) -> None:
        super().__init__(classes="dialog")
        self.session_file = session
        self.saved_at = saved_at
        self.unsaved = unsaved
        self.set_aside = set_aside  # kept from an earlier open's "Later"
        self.saved_since = saved_since  # when the session was saved after it, if it was
        self.older = older  # older than the session's last save (another acctmap's, most often)
        self.unsaved_work = work  # the unsaved work offered, told apart by what it holds (`_held`)
        self.found = found  # how many unsaved sessions of the partnership wait, this one first
        self.share_safe = share_safe
        self._counts = ""  # its decisions, owners and next actions, once read

    def compose(self) -> ComposeResult:
        if self.unsaved:
            text = self._unsaved_text()
            discard = "Discard it (d)"
        elif self.set_aside:
            since = (f"The session was saved after it ({self.saved_since}): restoring it "
                     "replaces that save's work on screen (the file changes only when you "
                     "save). " if self.saved_since else "")
            text = (f"Recovered work is kept aside for this session (autosaved {self.saved_at}): "
                    "work you chose to decide on later, or the unsaved work of another acctmap "
                    f"that had this session open.\nSession: {self.session_file}\n"
                    f"{since}Restoring it replaces the session on screen; keeping the saved "
                    "session discards it for good.")
            discard = "Keep the saved session (k)"
        elif self.older:
            text = (f"A recovery file older than this session's last save exists (autosaved "
                    f"{self.saved_at}). It may hold unsaved work of another acctmap that had this "
                    f"session open while this file was saved.\nSession: {self.session_file}\n"
                    "Keeping the saved session discards the recovered work for good.")
            discard = "Keep the saved session (k)"
        else:
            text = (f"A recovery file newer than this session exists (saved {self.saved_at}).\n"
                    f"Session: {self.session_file}\n"
                    "Keeping the saved session discards the recovered work for good.")
            discard = "Keep the saved session (k)"
        with Vertical(classes="dialog-box"):
            yield Label("Recovered work found", classes="dialog-title")
            yield Static(text, id="restore-message", markup=False)  # names and paths are user text
            with Horizontal(classes="dialog-buttons"):
                yield Button("Restore it (r)", id="restore", variant="warning")
                yield Button(discard, id="keep", variant="primary")
                yield Button("Later (esc)", id="later")

    def _unsaved_text(self) -> str:
        """Which unsaved work this is, of how many, and what it holds: discarding one of several
        for good is not a guess."""
        if self.found > 1:
            rest = self.found - 1
            found = (f"{self.found} unsaved sessions of {self.session_file} were found, never "
                     f"saved to a file. This one is the newest (autosaved {self.saved_at}); "
                     f"discarding it offers the {'other' if rest == 1 else 'next'}.")
        else:
            found = (f"Unsaved work from an earlier session of {self.session_file} was found "
                     f"(autosaved {self.saved_at}). It was never saved to a file.")
        held = self._held()
        return f"{found}\n{held}\nRestore it, or discard it for good." if held else (
            f"{found}\nRestore it, or discard it for good.")

    def _held(self) -> str:
        """'It holds: ICP notes of 42 words; 2 decisions, 3 owners, 1 next action' (never the
        notes' words: the question may come before the share-safe view is switched on)."""
        if self.unsaved_work is None:
            return ""
        return f"It holds: {self.unsaved_work.notes_said}{self._counts}."

    def on_mount(self) -> None:
        self.query_one("#restore", Button).focus()
        if self.unsaved_work is not None:
            self._count_held(self.unsaved_work.path)

    @work(thread=True, exclusive=True, group="held", description="count what unsaved work holds")
    def _count_held(self, path: Path) -> None:
        held = work_held_in(path)
        if held is None:
            return
        counts = "; " + ", ".join(_counted(n, word) for n, word in (
            (held.decisions, "decision"), (held.owners, "owner"), (held.next_actions, "next action")))
        try:
            self.app.call_from_thread(self._counted, counts)
        except RuntimeError:  # the app stopped meanwhile
            pass

    def _counted(self, counts: str) -> None:
        if self.is_attached:
            self._counts = counts
            self.query_one("#restore-message", Static).update(self._unsaved_text())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose({"restore": True, "keep": False}.get(event.button.id or ""))

    def action_choose(self, restore: bool | None) -> None:
        self.dismiss(restore)


def _counted(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


class CarryAnywayDialog(Dialog[bool]):
    """The prior session given is of another partnership: carry its decisions onto these lists
    anyway (True: `c` or the button), or not (False: esc; the form stays, to fix the names)."""

    BINDINGS = [
        Binding("escape", "choose(False)", "Cancel"),
        Binding("c", "choose(True)", "Carry it anyway", show=False),
    ]

    def __init__(self, mismatch: str) -> None:
        super().__init__(classes="dialog")
        self.mismatch = mismatch

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label("A prior session of another partnership", classes="dialog-title")
            yield Static(f"{self.mismatch}.", id="carry-message", markup=False)  # names, paths
            yield Static("Carrying puts its decisions (rejected pairs, categories, owners, next "
                         "actions) onto these records. If these are the same companies under "
                         "other names, cancel and type the names in the form.",
                         classes="dialog-hint", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Carry it anyway (c)", id="carry", variant="warning")
                yield Button("Cancel (esc)", id="cancel", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose(event.button.id == "carry")

    def action_choose(self, carry: bool) -> None:
        self.dismiss(carry)
