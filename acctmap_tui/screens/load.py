"""Loading two account lists into a new session, in a worker thread with a progress bar.

`acctmap new OURS THEIRS` opens the app with a `LoadRequest`; `o` inside the app opens the same
screen with a small form (two paths, an optional prior session, a file picker). Reading and
matching run off the UI thread; a bad file is reported here by name, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, DirectoryTree, Footer, Input, Label, ProgressBar, Static

from acctmap_tui.core.model import OURS, PARTNER, AccountList, AcctmapError, Session

LIST_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls")


@dataclass
class LoadRequest:
    """Two lists to match: already read (`AccountList`) or paths to read in the worker."""

    ours: AccountList | Path | str
    theirs: AccountList | Path | str
    prior: Session | Path | str | None = None  # carry decisions and plans forward from it
    ours_name: str = ""  # company names when reading from paths ("" = from the file name)
    partner_name: str = ""

    def describe(self) -> str:
        def name(item: AccountList | Path | str) -> str:
            if isinstance(item, AccountList):
                return item.company or Path(item.path).name
            return Path(item).name

        return f"{name(self.ours)} × {name(self.theirs)}"


class ListFiles(DirectoryTree):
    """A directory tree showing folders and account-list files only."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".")
                and (p.is_dir() or p.suffix.lower() in LIST_SUFFIXES + (".toml",))]


class LoadScreen(Screen):
    """Runs ingest + match for `app.load_request`, or asks for the two files first."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+l", "load", "Load lists"),
    ]

    def __init__(self, request: LoadRequest | None = None) -> None:
        super().__init__()
        self.request = request
        self._target = "#ours-path"  # the path field the picker fills
        self._last_percent = -1

    def compose(self) -> ComposeResult:
        with Vertical(id="load-body"):
            yield Label("Start a mapping session from two account lists", id="load-title")
            with Vertical(id="load-form"):
                with Horizontal(classes="load-row"):
                    yield Label("Our list", classes="load-label")
                    yield Input(placeholder="path to our CRM export (.csv / .xlsx)", id="ours-path")
                    yield Input(placeholder="our company name", id="ours-name", classes="load-name")
                with Horizontal(classes="load-row"):
                    yield Label("Partner's list", classes="load-label")
                    yield Input(placeholder="path to the partner's export", id="theirs-path")
                    yield Input(placeholder="partner's name", id="theirs-name", classes="load-name")
                with Horizontal(classes="load-row"):
                    yield Label("Prior session", classes="load-label")
                    yield Input(placeholder="optional: a saved session to carry forward (.toml)",
                                id="prior-path")
                with Horizontal(classes="load-row"):
                    yield Static("Or pick a file below (enter): it fills the field you were last in.",
                                 classes="load-hint")
                    yield Button("Load (ctrl+l)", id="load", variant="primary")
            with Vertical(id="load-progress"):
                yield Label("", id="load-stage")
                yield ProgressBar(total=100, show_eta=False, id="load-bar")
            yield Static("", id="load-error")
        yield Footer()

    def on_mount(self) -> None:
        if self.request is None:
            self.request = getattr(self.app, "load_request", None)
        self.query_one("#load-error").display = False
        if self.request is not None:
            self.query_one("#load-form").display = False
            self._start(self.request)
        else:
            self.query_one("#load-progress").display = False
            self._show_form()

    def _show_form(self) -> None:
        form = self.query_one("#load-form")
        form.display = True
        if not form.query(ListFiles):  # the picker's loader worker starts only when needed
            form.mount(ListFiles(Path.cwd(), id="picker"))
        self.query_one("#ours-path", Input).focus()

    # --- the form -------------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_load()

    def on_descendant_focus(self, event) -> None:
        widget_id = getattr(event.widget, "id", None)
        if widget_id in ("ours-path", "theirs-path", "prior-path"):
            self._target = f"#{widget_id}"

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        path = event.path
        target = "#prior-path" if path.suffix.lower() == ".toml" else self._target
        if target == "#prior-path" and path.suffix.lower() != ".toml":
            target = "#ours-path"
        field = self.query_one(target, Input)
        field.value = str(path)
        # move on to the next empty list field, so two picks fill both lists
        if target == "#ours-path" and not self.query_one("#theirs-path", Input).value:
            self._target = "#theirs-path"

    @on(Button.Pressed, "#load")
    def action_load(self) -> None:
        if self.query_one("#load-form").display is False:
            return
        ours = self.query_one("#ours-path", Input).value.strip()
        theirs = self.query_one("#theirs-path", Input).value.strip()
        prior = self.query_one("#prior-path", Input).value.strip()
        if not ours or not theirs:
            self._show_error("Give both lists: ours and the partner's.")
            return
        self._start(LoadRequest(Path(ours).expanduser(), Path(theirs).expanduser(),
                                Path(prior).expanduser() if prior else None,
                                ours_name=self.query_one("#ours-name", Input).value.strip(),
                                partner_name=self.query_one("#theirs-name", Input).value.strip()))

    def action_back(self) -> None:
        cancel = getattr(self.app, "cancel_load", None)
        if cancel is not None:
            cancel()

    # --- the worker ------------------------------------------------------------------------

    def _start(self, request: LoadRequest) -> None:
        self.query_one("#load-error").display = False
        self.query_one("#load-progress").display = True
        self.query_one("#load-title", Label).update(Content(f"Loading {request.describe()}"))
        self.query_one("#load-bar", ProgressBar).update(progress=0)
        self._last_percent = -1
        self.load_lists(request)

    def _progress(self, percent: float, stage: str | None = None) -> None:
        """Called on the UI thread."""
        if stage:
            self.query_one("#load-stage", Label).update(stage)
        self.query_one("#load-bar", ProgressBar).update(progress=percent)

    def _report(self, percent: float, stage: str | None = None) -> None:
        """Called from the worker thread; skips updates smaller than one percent."""
        if stage is None and int(percent) == self._last_percent:
            return
        self._last_percent = int(percent)
        self.app.call_from_thread(self._progress, percent, stage)

    @work(thread=True, exclusive=True, group="load")
    def load_lists(self, request: LoadRequest) -> None:
        from acctmap_tui.core import ingest
        from acctmap_tui.core import session as session_io
        from acctmap_tui.core.pipeline import new_session
        from acctmap_tui.core.workbench import Workbench

        try:
            self._report(0, "Reading our list…")
            ours = self._read(ingest, request.ours, OURS, request.ours_name)
            self._report(10, "Reading the partner's list…")
            theirs = self._read(ingest, request.theirs, PARTNER, request.partner_name)
            prior = request.prior
            if prior is not None and not isinstance(prior, Session):
                self._report(18, f"Reading the prior session {Path(prior).name}…")
                prior = session_io.load(Path(prior))
            self._report(20, f"Matching {len(ours.records):,} × {len(theirs.records):,} accounts…")
            built = new_session(ours, theirs, prior=prior,
                                progress=lambda f: self._report(20 + 80 * min(max(f, 0.0), 1.0)))
        except AcctmapError as err:
            self.app.call_from_thread(self._failed, str(err))
            return
        except Exception as err:  # noqa: BLE001 - show it on the screen, keep the app alive
            self.app.call_from_thread(self._failed, f"Unexpected error while loading: {err!r}")
            return
        workbench = Workbench(built.session, ours, theirs, dirty=True)
        self._report(100, "Done")
        self.app.call_from_thread(self._loaded, workbench)

    @staticmethod
    def _read(ingest, item: AccountList | Path | str, side: str, company: str) -> AccountList:
        if isinstance(item, AccountList):
            return item
        return ingest.read_list(str(item), side, company)

    def _loaded(self, workbench) -> None:
        self.app.install_workbench(workbench, mode="icp")  # type: ignore[attr-defined]

    def _failed(self, message: str) -> None:
        self.query_one("#load-progress").display = False
        self.query_one("#load-title", Label).update("Could not load the lists")
        self._show_error(message)
        self._show_form()
        if self.request is not None:
            for field, item in (("#ours-path", self.request.ours), ("#theirs-path", self.request.theirs)):
                if not isinstance(item, AccountList) and not self.query_one(field, Input).value:
                    self.query_one(field, Input).value = str(item)

    def _show_error(self, message: str) -> None:
        error = self.query_one("#load-error", Static)
        error.update(Content(message))  # names files: user text, never markup
        error.display = True
