"""Loading two account lists into a new session, in a worker thread with a progress bar.

`acctmap new OURS THEIRS` opens the app with a `SessionRequest`; ctrl+n inside the app opens the
same screen with a small form (two paths with company names and column overrides, an optional
prior session and key file, a file picker). ctrl+r opens the private overlap exchange
(`PsiDialog`) on our list instead: its finish opens the overlap session the same way. The worker
hands the request to `core.start.open_workbench`, the one way every driver starts a session; a
bad file is reported here by name, never as a traceback. The screen reports back by message only
(`ListsLoaded`, `LoadCancelled`): the app installs the workbench or goes back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, DirectoryTree, Footer, Input, Label, ProgressBar, Static

from acctmap_tui.core.compare import PartnerMismatch
from acctmap_tui.core.model import AcctmapError, SessionError
from acctmap_tui.core.start import SessionRequest, format_columns, open_workbench, parse_columns
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.messages import ListsLoaded, LoadCancelled
from acctmap_tui.screens.psi_dialog import PsiDialog
from acctmap_tui.screens.dialogs import (
    FIELD_KEYS,
    PICKER_HIDDEN,
    CarryAnywayDialog,
    dialog_on_top,
    FieldInput,
    Typed,
    field_value,
)
from acctmap_tui.screens.worker_report import report_back

if TYPE_CHECKING:
    from acctmap_tui.app import AcctmapApp

LIST_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls")
KEY_SUFFIXES = (".key",)
PRIOR_GIVEN = "the prior session you gave"  # the share-safe view's name for the prior's file


class FormField(FieldInput):
    """A field of the form. Focusing it leaves its text as it is: a field that selected its text
    on focus lost a whole path to the next key typed on reflex (a `p` for the share-safe view,
    after an error brought the form back to another field; audit 6)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(select_on_focus=False, **kwargs)


PATH_FIELDS = ("ours-path", "theirs-path", "prior-path", "key-path")  # fields the picker can fill

LoadRequest = SessionRequest  # the name the app and its tests know the request by


def _as_typed(path: Path) -> str:
    """A picked file as a person would type it: relative to the folder acctmap runs in when it
    is inside it (at 80 columns an absolute path hid the file name)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class ListFiles(DirectoryTree):
    """A directory tree showing folders, account lists, key files and sessions."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".")
                and (p.is_dir() or p.suffix.lower() in LIST_SUFFIXES + KEY_SUFFIXES + (".toml",))]


class LoadScreen(Screen):
    """Runs ingest + match for the request it is given, or asks for the two files first; it
    reports back with `ListsLoaded` / `LoadCancelled` (the app installs or goes back)."""

    if TYPE_CHECKING:
        @property
        def app(self) -> AcctmapApp: ...

    # under 34 lines the form takes one line a field (acctmap.tcss: `LoadScreen.-short`)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+l", "load", "Load lists"),
        Binding("ctrl+r", "exchange", "Private exchange"),
        *FIELD_KEYS,
    ]

    def __init__(self, request: SessionRequest | None = None, picked: tuple[Path, ...] = ()) -> None:
        super().__init__()
        self.request = request
        self.picked = picked  # lists picked on the start screen: the form starts with them
        self._target = "#ours-path"  # the path field the picker fills
        self._last_percent = -1

    def compose(self) -> ComposeResult:
        with Vertical(id="load-body"):
            yield Label("Start a mapping session from two account lists", id="load-title")
            with Vertical(id="load-form"):
                with Horizontal(classes="load-row"):
                    yield Label("Our list", classes="load-label")
                    yield FormField(placeholder="path to our CRM export (.csv / .xlsx)", id="ours-path")
                    yield FormField(placeholder="our company name", id="ours-name", classes="load-name")
                with Horizontal(classes="load-row"):
                    yield Label("Partner's list", classes="load-label")
                    yield FormField(placeholder="path to the partner's export", id="theirs-path")
                    yield FormField(placeholder="partner's name", id="theirs-name", classes="load-name")
                with Horizontal(classes="load-row"):
                    yield Label("Columns", classes="load-label")
                    yield FormField(placeholder="optional, ours: name=Account,domain=Web,status=Stage",
                                    id="ours-columns")
                    yield FormField(placeholder="optional, partner's: name=...,domain=...",
                                    id="theirs-columns")
                with Horizontal(classes="load-row"):
                    yield Label("Prior session", classes="load-label")
                    yield FormField(placeholder="optional: a saved session to carry forward (.toml)",
                                    id="prior-path")
                with Horizontal(classes="load-row"):
                    yield Label("Key file", classes="load-label")
                    yield FormField(placeholder="only for a hashed list: the shared key (acctmap keygen)",
                                    id="key-path")
                with Horizontal(classes="load-row"):
                    yield Static("Or pick a file below (enter): it fills the field you were last in.",
                                 classes="load-hint", id="load-pick-hint")
                    yield Button("Private exchange (ctrl+r)", id="psi-open")
                    yield Button("Load (ctrl+l)", id="load", variant="primary")
            with Vertical(id="load-progress"):
                yield Label("", id="load-stage")
                yield ProgressBar(total=100, show_eta=False, id="load-bar")
            yield Static("", id="load-error")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Its keys do nothing under a dialog (the exchange, carry anyway): none offered."""
        return not self.is_mounted or dialog_on_top(self.app) is None

    def on_mount(self) -> None:
        self.query_one("#load-error").display = False
        if self.request is not None:
            self.query_one("#load-form").display = False
            self._start(self.request)
        else:
            self.query_one("#load-progress").display = False
            for field, path in zip(("#ours-path", "#theirs-path"), self.picked):
                self.query_one(field, Input).value = _as_typed(path)
            self._show_form()

    def _show_form(self, fix: str | None = None) -> None:
        """The form, focused on `fix` (the field an error is about), else on the first list
        still missing (a pick in the file tree fills it), else ours."""
        form = self.query_one("#load-form")
        form.display = True
        if self.app.share_safe:
            self.query_one("#load-pick-hint", Static).update(PICKER_HIDDEN)
        elif not form.query(ListFiles):  # the picker's loader worker starts only when needed
            form.mount(ListFiles(Path.cwd(), id="picker"))
        missing = [f for f in ("#ours-path", "#theirs-path") if not self.query_one(f, Input).value]
        self.query_one(fix or (missing[0] if missing else "#ours-path"), Input).focus()

    # --- the form -------------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self._load((event.input, event.value))

    def on_descendant_focus(self, event) -> None:
        widget_id = getattr(event.widget, "id", None)
        if widget_id in PATH_FIELDS:
            self._target = f"#{widget_id}"

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        path = event.path
        suffix = path.suffix.lower()
        target = "#prior-path" if suffix == ".toml" else "#key-path" if suffix in KEY_SUFFIXES \
            else self._target
        if target == "#prior-path" and suffix != ".toml":
            target = "#ours-path"
        field = self.query_one(target, Input)
        field.value = str(path)
        # move on to the next empty list field, so two picks fill both lists
        if target == "#ours-path" and not self.query_one("#theirs-path", Input).value:
            self._target = "#theirs-path"

    @on(Button.Pressed, "#load")
    def action_load(self) -> None:
        self._load()

    def _load(self, typed: Typed | None = None) -> None:
        """Start the session the form describes (`typed`: the field enter was pressed in, and its
        text then: keys typed after that enter may be in it by now)."""
        if self.query_one("#load-form").display is False:
            return
        try:
            request = self._form_request(typed)
        except AcctmapError as err:
            self._show_error(str(err))
            return
        if request is not None:
            self._start(request)

    def _form_request(self, typed: Typed | None = None) -> SessionRequest | None:
        """The request the form describes (None, with the reason shown, when a list is missing)."""
        def value(field_id: str) -> str:
            return field_value(self, f"#{field_id}", typed).strip()

        def path(field_id: str) -> Path | None:
            return Path(value(field_id)).expanduser() if value(field_id) else None

        ours, theirs = path("ours-path"), path("theirs-path")
        if ours is None or theirs is None:
            self._show_error("Give both lists: ours and the partner's.")
            return None
        return SessionRequest(
            ours, theirs, ours_name=value("ours-name"), partner_name=value("theirs-name"),
            ours_columns=parse_columns(value("ours-columns"), "Our columns"),
            partner_columns=parse_columns(value("theirs-columns"), "Partner's columns"),
            prior=path("prior-path"), key=path("key-path"),
        )

    @on(Button.Pressed, "#psi-open")
    def action_exchange(self) -> None:
        """Open the private overlap exchange on our list (its three steps run in the dialog)."""
        if self.query_one("#load-form").display is False:
            return
        value = lambda field_id: self.query_one(f"#{field_id}", Input).value.strip()  # noqa: E731
        if value("prior-path"):  # said, not dropped: its decisions would not come along
            self._show_error("The private exchange starts a session of the overlap alone: it does "
                             "not carry a prior session. Clear \"Prior session\" to open it, or "
                             "load the two lists (ctrl+l) to carry the prior.")
            return
        try:
            columns = parse_columns(value("ours-columns"), "Our columns")
        except AcctmapError as err:
            self._show_error(str(err))
            return
        self.app.push_screen(PsiDialog(value("ours-path"), value("ours-name"), columns,
                                       share_safe=self.app.share_safe), self._exchange_done)

    def _exchange_done(self, workbench) -> None:
        if workbench is not None:  # a finished overlap exchange: its session is the new one
            self._loaded(workbench)

    def action_back(self) -> None:
        self.post_message(LoadCancelled())

    # --- the worker ------------------------------------------------------------------------

    def _start(self, request: SessionRequest) -> None:
        self.query_one("#load-error").display = False
        self.query_one("#load-progress").display = True
        self.query_one("#load-title", Label).update(Content(f"Loading {request.describe()}"))
        self.query_one("#load-bar", ProgressBar).update(progress=0)
        self._last_percent = -1
        # the screen paints first: the reading thread holds the interpreter for most of its
        # time, and at 50k the terminal stayed blank for 2 s, then showed "Reading…" once done
        self.call_after_refresh(self.load_lists, request)

    def _progress(self, percent: float, stage: str | None = None) -> None:
        """Called on the UI thread."""
        if stage:
            self.query_one("#load-stage", Label).update(stage)
        self.query_one("#load-bar", ProgressBar).update(progress=percent)

    def _report(self, fraction: float, stage: str | None = None) -> None:
        """Called from the worker thread; skips updates smaller than one percent."""
        percent = 100 * fraction
        if stage is None and int(percent) == self._last_percent:
            return
        self._last_percent = int(percent)
        self.app.call_from_thread(self._progress, percent, stage)

    @work(thread=True, exclusive=True, group="load", description="load lists")  # no repr of the lists
    def load_lists(self, request: SessionRequest) -> None:
        def job() -> Workbench | PartnerMismatch | SessionError:
            try:
                return open_workbench(request, progress=self._report)
            except PartnerMismatch as mismatch:  # asked on screen, as --force is on the command line
                return mismatch
            except SessionError as unreadable:  # the prior session: said as the view allows
                return unreadable

        report_back(self.app, job, lambda result: self._lists_done(result, request), self._failed,
                    "while loading")

    def _lists_done(self, result: Workbench | PartnerMismatch | SessionError,
                    request: SessionRequest) -> None:
        if isinstance(result, PartnerMismatch):
            self._ask_carry(result, request)
        elif isinstance(result, SessionError):
            self._failed(self._prior_error_shown(result), fix="#prior-path")
        else:
            self._loaded(result)

    def _loaded(self, workbench: Workbench) -> None:
        self.post_message(ListsLoaded(workbench, mode="icp"))

    def _prior_error_shown(self, error: SessionError) -> str:
        """What the screen says of a prior session that cannot be read: in the share-safe view
        neither its file (whose name names its partner) nor the value found there (a private
        field's): where in it, and why."""
        if not self.app.share_safe:
            return str(error)
        if error.located:
            return (f"{error.located_in(PRIOR_GIVEN)}: cannot be read (the value found there is "
                    "hidden in the share-safe view)")
        return f"{PRIOR_GIVEN}: {error.problem.message}"

    def _ask_carry(self, mismatch: PartnerMismatch, request: SessionRequest) -> None:
        """The prior session is of another partnership: carry it anyway, or back to the form.
        In the share-safe view neither its companies nor its file are named (the other
        partnership is private to us, as the Compare picker keeps it, and a session's file name
        names its partner)."""
        said = mismatch.mismatch
        if self.app.share_safe:
            said = (f"{PRIOR_GIVEN} is of another partnership than these lists (the share-safe "
                    "view does not name its companies)")

        def answered(carry: bool | None) -> None:
            if carry:
                self._start(replace(request, force=True))
            else:
                self._failed(f"{said}. If these are the same companies under other names, type "
                             "the names above; or give another prior session",
                             title="Not carried: fix the names or the prior session",
                             fix="#prior-path")

        self.app.push_screen(CarryAnywayDialog(said), answered)

    def _failed(self, message: str, title: str = "Could not load the lists",
                fix: str | None = None) -> None:
        """Back to the form, filled as it was, with what went wrong under it (`fix`: the field
        it is about, focused)."""
        self.query_one("#load-progress").display = False
        self.query_one("#load-title", Label).update(title)
        self._show_error(message)
        self._show_form(fix)
        if self.request is not None:
            request = self.request
            for field, item in (("#ours-path", request.ours), ("#theirs-path", request.theirs),
                                ("#prior-path", request.prior), ("#key-path", request.key)):
                if isinstance(item, (Path, str)) and not self.query_one(field, Input).value:
                    self.query_one(field, Input).value = str(item)
            for field, text in (("#ours-name", request.ours_name),
                                ("#theirs-name", request.partner_name),
                                ("#ours-columns", format_columns(request.ours_columns)),
                                ("#theirs-columns", format_columns(request.partner_columns))):
                if text and not self.query_one(field, Input).value:
                    self.query_one(field, Input).value = text

    def _show_error(self, message: str) -> None:
        error = self.query_one("#load-error", Static)
        error.update(Content(message))  # names files: user text, never markup
        error.display = True
