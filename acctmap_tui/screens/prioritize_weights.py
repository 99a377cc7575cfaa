"""Dialog: edit the scoring factors (priority = sum of weight x level).

One row per factor: its label, its weight (0-10) and its levels (comma-separated, low to high,
1-9 of them so the digit keys can score every level). `ctrl+n` adds a factor (its key comes from
the label), `ctrl+r` removes one (the accounts keep its levels, so undo or adding it back restores
them), `ctrl+↑` / `ctrl+↓` move one. Saving hands the whole list to `apply` (the workbench's
`set_factors`, one undoable change); if that refuses, its message shows and the dialog stays open.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.widgets import Button, Input, Label, Static

from acctmap_tui.core.model import MAX_LEVELS, MAX_WEIGHT, Factor
from acctmap_tui.core.score import max_priority
from acctmap_tui.screens.dialogs import FIELD_KEYS, Dialog, FieldInput, Typed, field_value

FIELDS = ("factor-label", "factor-weight", "factor-levels")
NARROW_BELOW = 100  # columns: narrower name and weight fields (class -narrow)
SHORT_BELOW = 30  # lines: no blank lines, one-line buttons (class -short)


def key_for(label: str, taken: set[str]) -> str:
    """A factor key from its label ("Budget owner" -> "budget_owner"), not one of `taken`."""
    base = re.sub(r"\W+", "_", label.casefold()).strip("_") or "factor"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def parse_levels(text: str) -> list[str]:
    """Level names from 'Low, Medium, High' (blanks between commas are dropped)."""
    return [name.strip() for name in text.split(",") if name.strip()]


class FactorRow(Horizontal):
    """One factor being edited; `key` is None for a factor added in this dialog."""

    def __init__(self, factor: Factor | None) -> None:
        super().__init__(classes="factor-row")
        self.key = factor.key if factor else None
        self.factor = factor

    def compose(self) -> ComposeResult:
        f = self.factor
        yield FieldInput(f.label if f else "", classes="factor-label", placeholder="Factor name",
                         max_length=40, compact=True)
        yield FieldInput(str(f.weight) if f else "1", classes="factor-weight", restrict=r"[0-9]*",
                         max_length=2, compact=True)
        yield FieldInput(", ".join(f.levels) if f else "", classes="factor-levels",
                         placeholder="Levels low to high, e.g. Weak, Moderate, Strong", compact=True)

    def field(self, name: str) -> Input:
        return self.query_one(f".{name}", Input)

    def typed(self, typed: Typed | None = None) -> tuple[str, str, list[str]]:
        """(label, weight, levels) as typed (`typed`: the field enter was pressed in, and its
        text then)."""
        return (field_value(self, ".factor-label", typed).strip(),
                field_value(self, ".factor-weight", typed).strip(),
                parse_levels(field_value(self, ".factor-levels", typed)))


class FactorsScreen(Dialog[bool]):
    """Edit every factor; dismisses True once `apply` took the new list, False on cancel."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (SHORT_BELOW, "-tall")]

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+n", "add", "Add factor"),
        Binding("ctrl+r", "remove", "Remove factor"),
        Binding("ctrl+up", "reorder(-1)", "Move up", show=False),
        Binding("ctrl+down", "reorder(1)", "Move down", show=False),
        *FIELD_KEYS,
        Binding("plus,equals_sign", "bump(1)", "Weight +", key_display="+", priority=True),
        Binding("minus", "bump(-1)", "Weight -", key_display="-", priority=True),
        # Priority, as tab is (FIELD_KEYS): a plain binding runs only once the key is back from
        # the field, after a `-` typed behind it (a priority binding) has already run.
        Binding("down", "move(1)", "Next", show=False, priority=True),
        Binding("up", "move(-1)", "Previous", show=False, priority=True),
    ]

    def __init__(self, factors: list[Factor], apply: Callable[[list[Factor]], object]) -> None:
        super().__init__()
        self.factors = list(factors)
        self.apply = apply
        self._row: FactorRow | None = None  # the row last focused (buttons take focus when clicked)
        self._removed: list[str] = []
        self._refused: str | None = None  # what `apply` said when it refused the list

    def compose(self) -> ComposeResult:
        with Vertical(id="factors-box"):
            yield Label("Scoring factors", id="factors-title")
            yield Static(f"priority = Σ weight × level · weight 0–{MAX_WEIGHT} (or +/-) · "
                         f"levels low → high, comma-separated, 1–{MAX_LEVELS}\n"
                         "tab / ↑ ↓ move · ctrl+n add · ctrl+r remove · ctrl+↑ ↓ reorder · "
                         "enter saves · esc cancels", id="factors-help")
            with Horizontal(id="factors-head"):
                yield Label("Factor", classes="factor-label")
                yield Label("Weight", classes="factor-weight")
                yield Label("Levels (low → high)", classes="factor-levels")
            with VerticalScroll(id="factors-rows"):
                for factor in self.factors:
                    yield FactorRow(factor)
            yield Static(id="factors-message")
            yield Static(id="factors-note")
            with Horizontal(id="factors-buttons"):
                yield Button("Add factor", id="factors-add")
                yield Button("Remove", id="factors-remove")
                yield Button("Save", id="factors-save", variant="primary")
                yield Button("Cancel", id="factors-cancel")

    def on_mount(self) -> None:
        self._show_message()
        rows = self.rows()
        if rows:
            rows[0].field("factor-weight").focus()  # weights are the usual edit

    # --- reading the rows ----------------------------------------------------------------

    def rows(self) -> list[FactorRow]:
        return list(self.query(FactorRow))

    def read(self, typed: Typed | None = None) -> tuple[list[Factor], str | None]:
        """The factors as typed, and the first problem (None when the list can be saved);
        `typed`: the field enter was pressed in, and its text then."""
        rows = self.rows()
        if not rows:
            return [], "Keep at least one factor."
        taken = {row.key for row in rows if row.key}
        factors: list[Factor] = []
        labels: set[str] = set()
        for number, row in enumerate(rows, start=1):
            label, text, levels = row.typed(typed)
            if not label:
                return factors, f"Factor {number}: give it a name."
            if label.casefold() in labels:
                return factors, f"Two factors are called “{label}”."
            labels.add(label.casefold())
            if not text.isdigit() or int(text) > MAX_WEIGHT:
                return factors, f"{label}: the weight must be a whole number 0–{MAX_WEIGHT}."
            if not 1 <= len(levels) <= MAX_LEVELS:
                return factors, (f"{label}: give 1–{MAX_LEVELS} levels, low to high, "
                                 "separated by commas.")
            seen = {name.casefold() for name in levels}
            if len(seen) != len(levels):
                return factors, f"{label}: a level name is given twice."
            key = row.key
            if key is None:
                key = key_for(label, taken)
                taken.add(key)
            factors.append(Factor(key, label, int(text), levels))
        return factors, None

    def _show_message(self) -> None:
        factors, problem = self.read()
        message = self.query_one("#factors-message", Static)
        problem = self._refused or problem
        if problem:
            message.update(f"[b]⚠ {escape(problem)}[/b]")  # names factors: user text
            message.add_class("error")
        else:
            message.update(f"{len(factors)} factors · highest possible priority "
                           f"{max_priority(factors)}")
            message.remove_class("error")
        note = self.query_one("#factors-note", Static)
        note.display = bool(self._removed)
        note.update(Content(f"Removed: {', '.join(self._removed)} (accounts keep its levels: undo "
                            "or adding it back restores them)" if self._removed else ""))

    @on(Input.Changed)
    def _typed(self) -> None:
        self._refused = None
        self._show_message()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_save((event.input, event.value))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        row = next((w for w in event.widget.ancestors if isinstance(w, FactorRow)), None)
        if row is not None:
            self._row = row

    # --- buttons -------------------------------------------------------------------------

    @on(Button.Pressed, "#factors-add")
    def _add_pressed(self) -> None:
        self.action_add()

    @on(Button.Pressed, "#factors-remove")
    def _remove_pressed(self) -> None:
        self.action_remove()

    @on(Button.Pressed, "#factors-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#factors-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    # --- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "bump":
            # +/- only step a weight; in a label or the levels they are typed ("Long-term").
            return isinstance(self.focused, Input) and self.focused.has_class("factor-weight")
        return True

    def action_bump(self, delta: int) -> None:
        focused = self.focused
        if not isinstance(focused, Input):
            return
        text = focused.value.strip()
        weight = int(text) if text.isdigit() else 0
        focused.value = str(Factor.clamp_weight(weight + delta))

    def _focused_field(self) -> str:
        focused = self.focused
        return next((name for name in FIELDS if focused is not None and focused.has_class(name)),
                    "factor-weight")

    def _focused_row(self) -> FactorRow | None:
        """The row holding the focus now, else the row last focused."""
        focused = self.focused
        if focused is not None:
            row = next((w for w in focused.ancestors if isinstance(w, FactorRow)), None)
            if row is not None:
                return row
        return self._row

    def action_move(self, delta: int) -> None:
        """Up/down: the same field in the previous/next factor."""
        rows = self.rows()
        if not rows:
            return
        name = self._focused_field()
        row = self._focused_row()
        index = rows.index(row) if row in rows and self.focused else -1
        self._row = rows[(index + delta) % len(rows)]
        # Now, not on the next turn of the loop (`focus()`): a `-` or a second `Up` typed in
        # the same burst acts on the row it was typed for.
        self.set_focus(self._row.field(name))

    async def action_add(self) -> None:
        row = FactorRow(None)
        await self.query_one("#factors-rows", VerticalScroll).mount(row)
        row.field("factor-label").focus()
        row.scroll_visible()
        self._show_message()

    async def action_remove(self) -> None:
        rows = self.rows()
        row = self._focused_row()
        row = row if row in rows else None
        if row is None:
            return
        if len(rows) == 1:
            self._refused = "Keep at least one factor."
            self._show_message()
            return
        index = rows.index(row)
        name = self._focused_field()
        if row.factor is not None:
            self._removed.append(row.factor.label)
        await row.remove()
        rest = self.rows()
        self._row = rest[min(index, len(rest) - 1)]
        # the same field of the next factor, now: on its name (selected whole), a `-` typed
        # behind ctrl+r to lower a weight renamed the factor "-"
        self.set_focus(self._row.field(name))
        self._show_message()

    def action_reorder(self, delta: int) -> None:
        rows = self.rows()
        row = self._focused_row()
        row = row if row in rows else None
        if row is None:
            return
        index = rows.index(row)
        target = index + delta
        if not 0 <= target < len(rows):
            return
        container = self.query_one("#factors-rows", VerticalScroll)
        if delta < 0:
            container.move_child(row, before=rows[target])
        else:
            container.move_child(row, after=rows[target])
        self._show_message()

    def action_save(self, typed: Typed | None = None) -> bool:
        """Apply the factors and close; False (the problem shown) when they cannot be."""
        factors, problem = self.read(typed)
        if problem:
            self._show_message()
            return False
        if factors == self.factors:  # nothing changed: no empty undo step
            self.dismiss(False)
            return True
        try:
            self.apply(factors)
        except ValueError as error:
            self._refused = str(error)
            self._show_message()
            return False
        self.dismiss(True)
        return True

    def typed_changes(self) -> str | None:
        factors, problem = self.read()
        if problem is None and factors == self.factors:
            return None
        return "the scoring factors being edited"

    def apply_typed(self) -> bool:
        return self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(False)
