"""Dialog: pick one factor's level for one account (Prioritize: enter or l on a factor cell).

Lists the factor's own levels, "0 not scored" first: a digit picks a level at once, arrows and
enter pick the highlighted one, esc cancels. A digit past the factor's top level is refused with a
message in the dialog (never clamped to the top level): a stray key must not score silently.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from acctmap_tui.core.model import Factor
from acctmap_tui.screens.dialogs import Dialog

UNSCORED = "not scored"


class LevelPicker(Dialog[int | None]):
    """Answers the chosen level (0 = not scored), or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        *(Binding(str(d), f"pick({d})", f"Level {d}", show=False) for d in range(10)),
    ]
    DEFAULT_CSS = """
    LevelPicker { align: center middle; }
    LevelPicker #level-box { width: 56; max-width: 96%; height: auto; border: round $accent;
                             background: $surface; padding: 0 1; }
    LevelPicker #level-options { height: auto; max-height: 12; border: none; padding: 0; }
    LevelPicker #level-message { color: $warning; width: 1fr; height: auto; }
    LevelPicker #level-keys { color: $text-muted; }
    """

    def __init__(self, factor: Factor, account_name: str, current: int) -> None:
        super().__init__()
        self.factor = factor
        self.account_name = account_name
        self.current = current

    @property
    def top(self) -> int:
        """The factor's top level (its number of levels)."""
        return len(self.factor.levels)

    def compose(self) -> ComposeResult:
        names = [UNSCORED, *self.factor.levels]
        options = [Option(Text.assemble((f"{i}  ", "bold"), name,
                                        (" (now)", "italic") if i == self.current else ""),
                          id=str(i))
                   for i, name in enumerate(names)]
        with Vertical(id="level-box"):
            yield Label(Text.assemble((f"{self.factor.label} ×{self.factor.weight}", "bold"),
                                      " for ", (self.account_name, "bold")),
                        id="level-title")
            yield OptionList(*options, id="level-options")
            yield Label("", id="level-message")
            yield Label(f"0-{self.top} or ↑↓ enter picks · 0 clears · esc cancels", id="level-keys")

    def on_mount(self) -> None:
        options = self.query_one("#level-options", OptionList)
        options.highlighted = min(self.current, self.top)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))

    def action_pick(self, level: int) -> None:
        if level > self.top:  # refused, never clamped
            self.query_one("#level-message", Label).update(Text(
                f"No level {level}: {self.factor.label} has {self.top} levels "
                f"(0-{self.top}). Nothing was scored."))
            self.app.bell()
            return
        self.dismiss(level)

    def action_cancel(self) -> None:
        self.dismiss(None)
