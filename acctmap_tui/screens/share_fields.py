"""The "Choose what the partner sees" dialog: every field of the session, shared or private.

Fields are grouped by where they come from (our list's columns, the partner's list's columns, the
fields made on the call); each shows its source column and the word "shared" or "private", or
"kept private" where a field marked shared would tell a private one (`sharing.FOLLOWS`: a
category tells both statuses), which the line under the list says.
Space or enter flips the highlighted field through `Workbench.set_shareable` (undoable with
ctrl+z once the dialog is closed). The dialog returns True when any field changed.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from acctmap_tui.core.model import OURS, PARTNER, SESSION_SIDE, FieldInfo, Session
from acctmap_tui.core.sharing import SharePolicy, field_named
from acctmap_tui.core.sharing import field_label as _field_label
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens.dialogs import Dialog, column_width, fit_height, lines_left

EXPLAIN = ("Shared fields show in share-safe view (p) and in partner-safe exports; "
           "private ones never leave this machine.")
KEYS = "↑↓ move · space/enter share or keep private · esc close"

FIELD_WIDTH = 30
COLUMN_WIDTH = 34  # narrower when the list is (80 columns), down to MIN_COLUMN_WIDTH
MIN_COLUMN_WIDTH = 16
MARK_WIDTH = 8
SEES = "partner sees"  # the heading over the marks
SHORT_BELOW = 30  # lines: below this the dialog drops its blank lines (class -short)


def field_label(info: FieldInfo) -> str:
    """The name a person knows a field by ("Account name", "Next action", "Billing Country")."""
    return _field_label(info.side, info.name)


def source_label(info: FieldInfo) -> str:
    """Where the field's values come from: the list's column, or the call itself."""
    if info.side == SESSION_SIDE:
        return "made on the call"
    return f"column {info.column!r}" if info.column else "(no column in the list)"


KEPT = "kept private"  # marked shared, private while a field it would tell is


def mark(info: FieldInfo, policy: SharePolicy) -> str:
    if not info.shareable:
        return "private"
    return KEPT if policy.kept_private_by(info.side, info.name) else "shared"


def _fit(text: str, width: int) -> str:
    return text if len(text) < width else text[: width - 2] + "…"


def field_prompt(info: FieldInfo, policy: SharePolicy, column_width: int = COLUMN_WIDTH) -> Text:
    """One row: field, source column, and the shared / private word (bold when shared)."""
    row = Text(no_wrap=True, overflow="ellipsis")
    row.append(f"  {_fit(field_label(info), FIELD_WIDTH - 2):<{FIELD_WIDTH - 2}}")
    row.append(f"{_fit(source_label(info), column_width):<{column_width}}", style="dim")
    word = mark(info, policy)
    row.append(f"{word:<{MARK_WIDTH}}", style="bold" if word == "shared" else "italic")
    return row


def kept_private_line(session: Session, fields: list[FieldInfo], policy: SharePolicy) -> str:
    """Why fields marked shared are kept private ("" when none is): "Category kept private: it
    would tell Status (Northwind)"."""
    kept: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for info in fields:
        by = policy.kept_private_by(info.side, info.name)
        if by:
            kept.setdefault(tuple(by), []).append(field_named(session, info.side, info.name))
    parts = []
    for by, names in kept.items():
        tells = " and ".join(field_named(session, *f) for f in by)
        parts.append(f"{', '.join(names)} kept private: {'it' if len(names) == 1 else 'they'} "
                     f"would tell {tells}")
    return "; ".join(parts)


def heading_prompt(heading: str, column_width: int = COLUMN_WIDTH) -> Text:
    """A group's heading row, over the same columns as its fields."""
    title = Text(no_wrap=True, overflow="ellipsis")
    title.append(f"{_fit(heading, FIELD_WIDTH):<{FIELD_WIDTH}}", style="bold underline")
    title.append(f"{'source':<{column_width}}{SEES}", style="bold")
    return title


class ShareFieldsDialog(Dialog[bool]):
    """List every field with its share mark; space/enter flips the highlighted one."""

    VERTICAL_BREAKPOINTS = [(0, "-short"), (SHORT_BELOW, "-tall")]

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("space", "toggle", "Share / keep private", show=False),
    ]

    def __init__(self, workbench: Workbench, *, share_safe: bool = False) -> None:
        super().__init__()
        self.workbench = workbench
        self.share_safe = share_safe  # the app's view: it cannot be switched while a dialog shows
        self.changed = False
        self._fields: list[FieldInfo | None] = []  # one per option; None for a group heading
        self._headings: dict[int, str] = {}  # option index -> group heading
        self._column_width = COLUMN_WIDTH

    # --- compose ----------------------------------------------------------------------------

    def _groups(self) -> list[tuple[str, list[FieldInfo]]]:
        session = self.workbench.session
        groups = []
        for side, whose in ((OURS, f"Our list ({session.ours})"),
                            (PARTNER, f"Partner's list ({session.partner})"),
                            (SESSION_SIDE, "The call's fields")):
            fields = [f for f in session.fields if f.side == side]
            if fields:
                groups.append((whose, fields))
        return groups

    def _options(self) -> list[Option]:
        options: list[Option] = []
        self._fields = []
        policy = self.workbench.share_policy()
        for heading, fields in self._groups():
            self._headings[len(options)] = heading
            options.append(Option(heading_prompt(heading, self._column_width), disabled=True))
            self._fields.append(None)
            for info in fields:
                options.append(Option(field_prompt(info, policy, self._column_width)))
                self._fields.append(info)
        return options

    def compose(self) -> ComposeResult:
        with Vertical(id="share-box"):
            yield Label("Choose what the partner sees", id="share-title")
            yield Static(EXPLAIN, id="share-explain")
            yield OptionList(*self._options(), id="share-list")
            yield Static(id="share-summary")
            with Horizontal(id="share-buttons"):
                yield Label(KEYS, id="share-keys")
                yield Button("Close (esc)", id="share-close", variant="primary", compact=True)

    def on_mount(self) -> None:
        options = self.query_one("#share-list", OptionList)
        options.highlighted = next((i for i, f in enumerate(self._fields) if f is not None), None)
        options.focus()
        self._show_summary()
        self.call_after_refresh(self._fit_width)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_width)
        self.call_after_refresh(self._fit_height)

    def _fit_height(self) -> None:
        """The list scrolls in what the box leaves it under the summary, whose reasons for
        fields kept private can take lines: at 80x24 they pushed the keys and Close out."""
        options = self.query_one("#share-list", OptionList)
        room = lines_left(self.query_one("#share-box"), options)
        if room is not None and fit_height(options, room):
            self.call_after_refresh(options.scroll_to_highlight)

    def _fit_width(self) -> None:
        """Narrow the source column so each row's shared / private word stays on its line; the
        row under the cursor stays in view (a list the terminal made shorter does not scroll)."""
        options = self.query_one("#share-list", OptionList)
        options.scroll_to_highlight()
        width = column_width(options, FIELD_WIDTH + len(SEES), COLUMN_WIDTH, MIN_COLUMN_WIDTH)
        if width is None or width == self._column_width:
            return
        self._column_width = width
        self._redraw_rows()

    def _redraw_rows(self) -> None:
        options = self.query_one("#share-list", OptionList)
        policy = self.workbench.share_policy()
        for index, info in enumerate(self._fields):
            prompt = (heading_prompt(self._headings[index], self._column_width) if info is None
                      else field_prompt(info, policy, self._column_width))
            options.replace_option_prompt_at_index(index, prompt)

    def _show_summary(self) -> None:
        fields = [f for f in self._fields if f is not None]
        policy = self.workbench.share_policy()
        shared = sum(policy.shareable(f.side, f.name) for f in fields)
        if not fields:
            text = "This session records no fields."
        else:
            text = f"{shared} of {len(fields)} fields shared; the rest stay private."
            kept = kept_private_line(self.workbench.session, fields, policy)
            if kept:
                text += f" {kept}."
        text += " Share-safe view is " + ("ON." if self.share_safe else "off (p turns it on).")
        self.query_one("#share-summary", Static).update(text)
        self.call_after_refresh(self._fit_height)  # the summary may take lines more or fewer

    # --- toggling ---------------------------------------------------------------------------

    def toggle_at(self, index: int) -> FieldInfo | None:
        """Flip the field at option `index` between shared and private; returns it."""
        if not 0 <= index < len(self._fields):
            return None
        info = self._fields[index]
        if info is None:
            return None
        self.workbench.set_shareable(info.side, info.name, not info.shareable)
        self.changed = True
        self._redraw_rows()  # a status's mark keeps the category and the play private or not
        self._show_summary()
        return info

    def action_toggle(self) -> None:
        highlighted = self.query_one("#share-list", OptionList).highlighted
        if highlighted is not None:
            self.toggle_at(highlighted)

    @on(OptionList.OptionSelected, "#share-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.toggle_at(event.option_index)

    @on(Button.Pressed, "#share-close")
    def action_close(self) -> None:
        self.dismiss(self.changed)
