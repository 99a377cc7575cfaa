"""Dialog: set an account's category by hand (or go back to the one its statuses give)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from acctmap_tui.core.categorize import categorize
from acctmap_tui.core.model import CATEGORIES, Account
from acctmap_tui.screens.dialogs import Dialog

AUTOMATIC = "automatic"  # the dialog's answer for "from statuses"


class CategoryDialog(Dialog[str | None]):
    """Pick one of the four categories (1-4) or automatic (0); answers a category key,
    `AUTOMATIC`, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("1", "pick(1)", "SHARED", show=False),
        Binding("2", "pick(2)", "VOUCH", show=False),
        Binding("3", "pick(3)", "INTRO", show=False),
        Binding("4", "pick(4)", "JOINT", show=False),
        Binding("0", "pick(0)", "Automatic", show=False),
    ]

    def __init__(self, account: Account, name: str | None = None) -> None:
        super().__init__()
        self.account = account
        self.name_shown = account.name if name is None else name  # the share-safe view's

    def compose(self) -> ComposeResult:
        auto = categorize(self.account.ours.status, self.account.theirs.status)
        options: list[Option] = []
        for i, cat in enumerate(CATEGORIES, start=1):
            current = " (current)" if self.account.category == cat.key else ""
            options.append(Option(Text.assemble(
                (f"{i}  ", "bold"), (f"{cat.code:<7}", "bold"), f"{cat.label}{current}\n",
                (f"         {cat.play}", "italic"),
            ), id=cat.key))
        auto_text = f"now {auto.code} {auto.label}" if auto else "none: a status is unknown"
        options.append(Option(Text.assemble(
            ("0  ", "bold"), ("automatic", "bold"), f" (from statuses: {auto_text})",
        ), id=AUTOMATIC))
        with Vertical(id="category-dialog"):
            yield Label(Text.assemble("Category for ", (self.name_shown, "bold")),
                        id="category-title")
            yield OptionList(*options, id="category-options")
            yield Label("1-4 or enter picks · 0 automatic · esc cancels", id="category-help")

    def on_mount(self) -> None:
        options = self.query_one("#category-options", OptionList)
        keys = [c.key for c in CATEGORIES]
        if self.account.category_manual and self.account.category in keys:
            options.highlighted = keys.index(self.account.category)
        elif not self.account.category_manual:
            options.highlighted = len(keys)
        else:
            options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_pick(self, number: int) -> None:
        self.dismiss(AUTOMATIC if number == 0 else CATEGORIES[number - 1].key)

    def action_cancel(self) -> None:
        self.dismiss(None)
