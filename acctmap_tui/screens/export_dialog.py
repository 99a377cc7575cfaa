"""The "Export action list" dialog: format, top N, partner-safe or internal, and the file name.

It shows the columns the file will hold before anything is written, writes with
`core.export.write_export` in a worker thread (an Excel file of a 50k session takes ~2 s: the
dialog says "Exporting…", its fields wait, and a second enter does nothing), and keeps any failure
(a folder that cannot be written, a bad number) inside the dialog. On success it returns an
`ExportDone` the app turns into a notification.

Top N picks accounts by priority: it is not offered for a list that keeps to the shared fields
(partner-safe, or a CRM import file) while the priority is private (`export.top_allowed`, the rule
of `acctmap export --top`). The field is then blank and disabled, says why, and the file holds the
whole overlap; it comes back as it was when the list is internal again.

ctrl+o opens the app's sharing dialog over this one (the words here send the user there); once it
closes, the columns and Top N are drawn again for the marks it left, and the fields keep what was
typed in them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from acctmap_tui.core import session as session_io
from acctmap_tui.core.export import (
    CRM_COLUMNS,
    EXPORT_FORMATS,
    action_columns,
    crm_columns,
    export_format,
    listed_accounts,
    top_allowed,
    write_export,
)
from acctmap_tui.core.model import AcctmapError
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens.dialogs import FIELD_KEYS, Dialog, FieldInput, Typed, field_value, written_through
from acctmap_tui.screens.worker_report import report_back

if TYPE_CHECKING:
    from acctmap_tui.app import AcctmapApp

FORMATS = tuple((label, fmt) for fmt, (label, _) in EXPORT_FORMATS.items())


@dataclass(frozen=True)
class ExportDone:
    """What was written, for the message the user sees."""

    path: Path
    fmt: str
    accounts: int
    partner_safe: bool

    def describe(self) -> str:
        kind = EXPORT_FORMATS[self.fmt][0]
        what = ("partner-safe: only shared fields" if self.partner_safe or self.fmt in CRM_COLUMNS
                else "internal: includes private fields, not for the partner")
        return f"Exported {self.accounts} accounts ({kind}, {what}) to {self.path}"


def suggested_path(workbench: Workbench, sessions_dir: Path, fmt: str) -> Path:
    """`<session stem>.actions<ending>` next to the session file, or in the sessions folder."""
    ending = EXPORT_FORMATS[fmt][1]
    if workbench.path is not None:
        return workbench.path.with_name(f"{workbench.path.stem}.actions{ending}")
    stem = Path(session_io.suggest_filename(workbench.session)).stem
    return sessions_dir / f"{stem}.actions{ending}"


def export_path(name: str, folder: Path, fmt: str) -> Path | None:
    """The file a typed name means: in `folder` unless it names one; the format's suffix added."""
    name = name.strip()
    if not name:
        return None
    path = Path(name).expanduser()
    if not path.suffix:
        path = path.with_name(path.name + EXPORT_FORMATS[fmt][1])
    if not path.is_absolute() and path.parent == Path("."):
        path = folder / path
    return path


def target_hint(path: Path) -> str:
    """What exporting to `path` will do: a file is written or replaced; a named pipe or a
    device is written through, never replaced (core.atomic)."""
    if not path.exists():
        return f"Will write {path}"
    return written_through(path, "exporting") or f"{path} exists: exporting replaces it."


def safe_label(partner_safe: bool) -> str:
    """The partner-safe switch in words (the tick alone is told apart by colour only)."""
    return ("Partner-safe ON: only shared fields" if partner_safe
            else "Partner-safe OFF: internal list, includes private fields")


def parse_top(text: str) -> int | None:
    """Top N from the input: None for blank (all accounts); ValueError unless a whole number ≥ 1."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValueError("Top N must be a whole number of 1 or more, or blank for all accounts.")
    return int(text)


class PartnerSafeBox(Checkbox):
    """The partner-safe switch: space ticks it, and enter exports, as in the dialog's text boxes.
    A Checkbox flips on enter too: an enter meant as "go" made the list internal and wrote
    nothing."""

    BINDINGS = [Binding("enter", "screen.export", "Export", show=False)]


class ExportDialog(Dialog[ExportDone | None]):
    """Choose format, top N, partner-safe and file name; write the action list."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                Binding("ctrl+o", "share_fields", "Sharing"), *FIELD_KEYS]

    if TYPE_CHECKING:
        @property
        def app(self) -> AcctmapApp: ...

    def __init__(self, workbench: Workbench, sessions_dir: Path, partner_safe: bool = False) -> None:
        super().__init__()
        self.workbench = workbench
        self.sessions_dir = Path(sessions_dir)
        self.partner_safe = partner_safe
        self.fmt = "csv"
        suggested = suggested_path(workbench, self.sessions_dir, self.fmt)
        self.folder = suggested.parent
        self.suggested = suggested
        self.top_typed = str(workbench.session.scoring.top_n)  # Top N while it is not offered
        self.exporting = False  # the file is being written (in a worker thread)
        self._focused_before: Widget | None = None  # focused again if the write fails

    @property
    def overlap_size(self) -> int:
        return len(self.workbench.session.overlap())

    def compose(self) -> ComposeResult:
        session = self.workbench.session
        with Vertical(id="export-box"):
            yield Label("Export action list", id="export-title")
            with Horizontal(classes="export-row"):
                yield Label("Format", classes="export-label")
                yield Select(FORMATS, value=self.fmt, allow_blank=False, id="export-format",
                             compact=True)
            with Horizontal(classes="export-row"):
                yield Label("Top N", classes="export-label")
                yield FieldInput(str(session.scoring.top_n), id="export-top", restrict=r"[0-9]*",
                                 select_on_focus=False, compact=True)
                yield Static(id="export-top-aside", classes="export-aside")
            with Horizontal(classes="export-row"):
                yield Label("Partner", classes="export-label")
                yield PartnerSafeBox(safe_label(self.partner_safe), self.partner_safe,
                                     id="export-safe", compact=True)
            yield Static(id="export-columns")
            with Horizontal(classes="export-row"):
                yield Label("File", classes="export-label")
                yield FieldInput(str(self.suggested), id="export-name", select_on_focus=False,
                                 compact=True)
            yield Static(id="export-hint")
            yield Static(id="export-error")
            with Horizontal(id="export-buttons"):
                yield Label("tab · enter exports · ctrl+o sharing", id="export-keys")
                yield Button("Export", id="export-write", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="export-cancel", compact=True)

    def on_mount(self) -> None:
        self._show_top()
        self._show_columns()
        self._show_hint()
        self.query_one("#export-format", Select).focus()

    def on_screen_resume(self) -> None:
        # the marks may have changed in the sharing dialog over this one (ctrl+o)
        self._show_top()
        self._show_columns()

    def action_share_fields(self) -> None:
        """ctrl+o: the app's sharing dialog, over this one (the app's own key does nothing
        under a dialog); not while the file is written from the marks."""
        if not self.exporting:
            self.app.action_share_fields()

    # --- what will be written ---------------------------------------------------------------

    @property
    def top_offered(self) -> bool:
        """Top N picks by priority: not for a partner-safe list while the priority is private."""
        return top_allowed(self.workbench.session, self.fmt, self.partner_safe)

    def _show_top(self) -> None:
        """Top N as the list allows it: offered, or blank and disabled with the reason."""
        top = self.query_one("#export-top", Input)
        aside = self.query_one("#export-top-aside", Static)
        offered = self.top_offered
        if offered and top.disabled:
            top.value = self.top_typed
        elif not offered and not top.disabled:
            self.top_typed = top.value
            top.value = ""
        top.disabled = not offered
        if offered:
            aside.update(f"scored or planned accounts, highest priority first; blank = all "
                         f"{self.overlap_size} in the overlap")
        else:
            aside.update(f"not offered: Top N goes by the private priority (ctrl+o); "
                         f"the file lists all {self.overlap_size} in the overlap")

    def _show_columns(self) -> None:
        session = self.workbench.session
        if self.fmt in CRM_COLUMNS:
            columns = crm_columns(session, self.fmt)
            intro = "CRM import columns (shared fields only; ctrl+o chooses them): "
        else:
            columns = action_columns(session, shareable_only=self.partner_safe)
            intro = ("Columns (ctrl+o chooses the shared fields): " if self.partner_safe
                     else "Columns, private ones included: ")
        self.query_one("#export-columns", Static).update(Content(intro + ", ".join(columns)))

    def _target(self, typed: Typed | None = None) -> Path | None:
        return export_path(field_value(self, "#export-name", typed), self.folder, self.fmt)

    def _show_hint(self) -> None:
        path = self._target()
        self.query_one("#export-hint", Static).update(
            "Type a file name." if path is None else Content(target_hint(path)))

    def _show_error(self, text: str) -> None:
        error = self.query_one("#export-error", Static)
        error.update(Content(text))
        error.set_class(bool(text), "shown")

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        if event.value == self.fmt or event.value is Select.NULL:
            return
        self.fmt = str(event.value)
        name = self.query_one("#export-name", Input)
        text = name.value.strip()
        typed = export_format(text)
        if typed is not None:  # follow the format unless the user chose another ending
            name.value = text[: len(text) - len(EXPORT_FORMATS[typed][1])] + EXPORT_FORMATS[self.fmt][1]
        self._show_top()
        self._show_columns()
        self._show_hint()

    @on(Checkbox.Changed, "#export-safe")
    def _safe_changed(self, event: Checkbox.Changed) -> None:
        self.partner_safe = event.value
        event.checkbox.label = safe_label(event.value)
        self._show_top()
        self._show_columns()

    @on(Input.Changed, "#export-name")
    def _name_changed(self, event: Input.Changed) -> None:
        typed = export_format(event.value)
        if typed is not None and typed != self.fmt:  # "x.md" means Markdown
            self.query_one("#export-format", Select).value = typed
            self.fmt = typed
            self._show_top()
            self._show_columns()
        self._show_hint()
        self._show_error("")

    @on(Input.Changed, "#export-top")
    def _top_changed(self) -> None:
        self._show_error("")

    # --- writing ----------------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_export((event.input, event.value))

    @on(Button.Pressed, "#export-write")
    def _export_pressed(self) -> None:
        self.action_export()

    def action_export(self, typed: Typed | None = None) -> None:
        """Write the file; stay open with the reason when it cannot be written (`typed`: the
        field enter was pressed in, and its text then)."""
        if self.exporting:  # a second enter while the first one's file is written
            return
        try:
            top = parse_top(field_value(self, "#export-top", typed)) if self.top_offered else None
        except ValueError as err:
            self._show_error(str(err))
            return
        path = self._target(typed)
        if path is None:
            self._show_error("Type a file name.")
            return
        count = len(listed_accounts(self.workbench.session, top))
        if not count:
            self._show_error("No account is scored or has an owner or a next action yet: score "
                             "accounts on Prioritize, or leave Top N blank for every account."
                             if top is not None else "The overlap is empty: there is nothing to export.")
            return
        self._show_exporting(True)
        self.query_one("#export-hint", Static).update(
            Content(f"Exporting {count:,} accounts to {path}…"))
        self._write(path, self.fmt, top, self.partner_safe, count)

    # A description, so Textual does not repr the arguments
    @work(thread=True, exclusive=True, group="export", description="export")
    def _write(self, path: Path, fmt: str, top: int | None, partner_safe: bool, count: int) -> None:
        def job() -> ExportDone:
            try:
                written = write_export(self.workbench.session, path, fmt, top=top,
                                       partner_safe=partner_safe)
            except OSError as err:
                raise AcctmapError(err.strerror or str(err)) from err
            return ExportDone(written, fmt, count, partner_safe)

        report_back(self.app, job, self.dismiss, self._export_failed, "while exporting")

    def _export_failed(self, reason: str) -> None:
        self._show_exporting(False)
        self._show_hint()
        self._show_error(f"Could not export: {reason}")

    def _show_exporting(self, exporting: bool) -> None:
        """While the file is written the fields and buttons wait (greyed), and Export says so."""
        self.exporting = exporting
        box = self.query_one("#export-box")
        if exporting:
            self._focused_before = self.focused
        box.disabled = exporting
        self.query_one("#export-write", Button).label = "Exporting…" if exporting else "Export"
        # esc cannot stop a file half written: neither the button nor the footer offers it then
        self.query_one("#export-cancel", Button).display = not exporting
        self.refresh_bindings()
        if not exporting and self._focused_before is not None:
            self._focused_before.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "cancel" and self.exporting)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        if not self.exporting:  # the file is on its way: the dialog closes once it is written
            self.dismiss(None)
