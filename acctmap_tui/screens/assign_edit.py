"""Dialog: set an account's owner, next action, due date, notes and action status.

Returns only the fields that changed, as {field name: new value} (`due` is a `date` or None); the
Assign screen hands them to the workbench as one change (`Workbench.set_fields`, one undo step). The owner box completes from the owners
it is given (→ accepts the suggestion): the Assign screen's `known_owners`, which leaves out the
lists' CRM owners while the share-safe view keeps them private. A bad due date keeps the dialog open with a
message saying what to type.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from acctmap_tui.core.categorize import category_of
from acctmap_tui.core.dates import default_due, describe_due, parse_due
from acctmap_tui.core.model import ACTION_STATUSES, Account
from acctmap_tui.screens.dialogs import FIELD_KEYS, Dialog, FieldInput, Typed, field_value

DUE_HINT = "a date, a day or +2w · empty for none"
FIELD_LABELS = {"owner": "Owner", "next_action": "Next action", "due": "Due",
                "notes": "Notes", "action_status": "Status"}


class StatusChoice(RadioSet):
    """The action status buttons: enter picks the highlighted status and saves, as enter does in
    the dialog's other fields (space only picks it)."""

    BINDINGS = [Binding("enter", "choose", "Save", show=False)]

    class Chosen(Message):
        """Enter was pressed on status `name` (the buttons' own Changed arrives later)."""

        def __init__(self, name: str | None) -> None:
            super().__init__()
            self.name = name

    def on_mount(self) -> None:
        # RadioSet's own mount (run after this one) highlights the first button: start on the
        # pressed one instead, or enter would pick "open" for an account marked done
        self.call_later(self._highlight_pressed)

    def _highlight_pressed(self) -> None:
        if self.pressed_index >= 0:
            self._selected = self.pressed_index

    def action_choose(self) -> None:
        button = self.pressed_button
        if self._selected is not None:  # the highlighted button
            button = self._nodes[self._selected]  # type: ignore[assignment]
            if isinstance(button, RadioButton) and not button.value:
                button.value = True
        self.post_message(self.Chosen(button.name if button is not None else None))


class AssignEditScreen(Dialog[dict[str, str | date | None] | None]):
    """Edit one priority account's assignment; `only` limits the dialog to one field, and the
    fields in `hidden` (private, in the share-safe view) are left out of it."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
        *FIELD_KEYS,
    ]

    def __init__(self, account: Account, *, owners: list[str], call_day: date,
                 apply: Callable[[dict[str, str | date | None]], object],
                 hidden: frozenset[str] = frozenset(), only: str | None = None,
                 pair: str | None = None) -> None:
        super().__init__()
        self.account = account
        self.apply = apply  # takes the changed fields (one command: one undo step)
        self.owners = owners
        self.call_day = call_day
        self.default_due = default_due(call_day)
        self.hidden = hidden
        self.only = only
        self.pair = pair if pair is not None else f"{account.ours.name} = {account.theirs.name}"

    def _wants(self, name: str) -> bool:
        return (self.only is None or self.only == name) and name not in self.hidden

    def compose(self) -> ComposeResult:
        account = self.account
        cat = category_of(account)
        with Vertical(id="assign-box"):
            pair = self.pair
            title = pair if self.only is None else f"{FIELD_LABELS[self.only]} for {pair}"
            yield Label(title, id="assign-title", markup=False)
            yield Static("" if "category" in self.hidden else f"{cat.code}: {cat.play}" if cat
                         else "No category", id="assign-play")
            if self._wants("owner"):
                with Horizontal(classes="assign-row"):
                    yield Label("Owner", classes="assign-label")
                    yield FieldInput(account.owner, id="assign-owner", placeholder="who takes it",
                                suggester=SuggestFromList(self.owners, case_sensitive=False),
                                compact=True)
                shown = ", ".join(self.owners[:3]) + (" …" if len(self.owners) > 3 else "")
                yield Static(f"→ accepts a suggestion · known: {shown}" if self.owners
                             else "type a name", classes="assign-hint", markup=False)
            if self._wants("next_action"):
                with Horizontal(classes="assign-row"):
                    yield Label("Next action", classes="assign-label")
                    yield FieldInput(account.next_action, id="assign-action", compact=True,
                                placeholder="e.g. intro to their champion at the Dec QBR")
            if self._wants("due"):
                due = account.due or self.default_due
                with Horizontal(classes="assign-row"):
                    yield Label("Due", classes="assign-label")
                    yield FieldInput(due.isoformat(), id="assign-due", compact=True,
                                placeholder="2026-12-09, Dec 9, next friday, +2w")
                    yield Static(DUE_HINT, id="assign-due-read", classes="assign-aside")
            if self._wants("notes"):
                with Horizontal(classes="assign-row"):
                    yield Label("Notes", classes="assign-label")
                    yield FieldInput(account.notes, id="assign-notes", compact=True,
                                placeholder="private: hidden in the share-safe view")
            if self._wants("action_status"):
                with Horizontal(classes="assign-row"):
                    yield Label("Status", classes="assign-label")
                    with StatusChoice(id="assign-status", compact=True):
                        for status in ACTION_STATUSES:
                            yield RadioButton(status, value=status == account.action_status,
                                              name=status)
            yield Static("", id="assign-error")
            with Horizontal(id="assign-buttons"):
                yield Static("enter or ctrl+s saves · tab next field · esc cancels",
                             classes="assign-hint")
                yield Button("Save", id="assign-save", variant="primary", compact=True)
                yield Button("Cancel", id="assign-cancel", compact=True)

    def on_mount(self) -> None:
        fields = self.query(Input)
        if fields:
            fields.first().focus()
        self._as_opened = self.changes()  # the due date it pre-fills is no typing of the user's

    # --- reading the form -------------------------------------------------------------------

    def changes(self, status: str | None = None, typed: Typed | None = None
                ) -> dict[str, str | date | None]:
        """The fields whose value differs from the account's (`status`: the one just chosen, else
        the pressed one; `typed`: a field and its value when enter was pressed in it, which keys
        typed after that enter may have changed since); raises ValueError on a bad date."""
        account = self.account

        def text(selector: str) -> str:
            return field_value(self, selector, typed)

        values: dict[str, str | date | None] = {}
        if self._wants("owner"):
            values["owner"] = text("#assign-owner").strip()
        if self._wants("next_action"):
            values["next_action"] = text("#assign-action").strip()
        if self._wants("due"):
            values["due"] = parse_due(text("#assign-due"), self.call_day)
        if self._wants("notes"):
            values["notes"] = text("#assign-notes").strip()
        if self._wants("action_status"):
            pressed = self.query_one("#assign-status", RadioSet).pressed_button
            status = status or (pressed.name if pressed is not None else None)
            if status:
                values["action_status"] = status
        changed = {k: v for k, v in values.items() if v != getattr(account, k)}
        if self.only is not None and account.due is None and any(changed.values()):
            # a quick edit has no Due field: a name or an action typed gets the due date the full
            # editor pre-fills (clearing one sets none)
            changed["due"] = self.default_due
        return changed

    def _error(self, message: str) -> None:
        error = self.query_one("#assign-error", Static)
        error.update(f"[b]⚠ {escape(message)}[/b]" if message else "")
        error.set_class(bool(message), "shown")

    # --- actions ------------------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_save(typed=(event.input, event.value))

    @on(StatusChoice.Chosen)
    def _status_chosen(self, event: StatusChoice.Chosen) -> None:
        self.action_save(event.name)

    @on(Input.Changed, "#assign-due")
    def _due_typed(self, event: Input.Changed) -> None:
        self._error("")
        try:  # say which day the text is read as, so a misread shows before saving
            read = describe_due(parse_due(event.value, self.call_day), self.call_day)
        except ValueError:
            read = DUE_HINT
        self.query_one("#assign-due-read", Static).update(read, layout=False)

    @on(Button.Pressed, "#assign-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#assign-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_save(self, status: str | None = None, typed: Typed | None = None) -> bool:
        """Apply the changed fields and close; False (the problem shown) on a bad date."""
        try:
            changed = self.changes(status, typed)
        except ValueError as problem:
            self._error(str(problem))
            self.query_one("#assign-due", Input).focus()
            return False
        if changed:
            self.apply(changed)
        self.dismiss(changed)
        return True

    def typed_changes(self) -> str | None:
        opened = self._as_opened
        try:
            changed = self.changes()
        except ValueError:  # a due date that does not read: typed, and not applied
            changed = {**opened, "due": "unread"}
        # a quick edit's due date is the default the name or action brings, not typed
        fields = [FIELD_LABELS[name].lower() for name in FIELD_LABELS
                  if changed.get(name) != opened.get(name) and self.only in (None, name)]
        if not fields:
            return None
        words = ", ".join(fields[:-1]) + " and " + fields[-1] if len(fields) > 1 else fields[0]
        return f"the {words} typed for {self.pair} in the open editor"

    def apply_typed(self) -> bool:
        return self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(None)
