"""Dialog: edit the scoring factors' weights (priority = sum of weight x level)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from acctmap_tui.core.model import Factor

MAX_WEIGHT = 10


class WeightsScreen(ModalScreen[dict[str, int] | None]):
    """One row per factor: label, weight (type it or +/-), its levels. Returns {factor key: weight}."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
        Binding("plus,equals_sign", "bump(1)", "Weight +", key_display="+", priority=True),
        Binding("minus", "bump(-1)", "Weight -", key_display="-", priority=True),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(self, factors: list[Factor]) -> None:
        super().__init__()
        self.factors = list(factors)

    def compose(self) -> ComposeResult:
        with Vertical(id="weights-box"):
            yield Label("Factor weights", id="weights-title")
            yield Static(f"priority = Σ weight × level.   Weight 0–{MAX_WEIGHT}: type it or +/-  ·  "
                         "↑/↓ move  ·  enter saves  ·  esc cancels", id="weights-help")
            for i, factor in enumerate(self.factors):
                with Horizontal(classes="weight-row"):
                    yield Label(factor.label, classes="weight-label")
                    yield Input(str(factor.weight), id=f"weight-{i}", classes="weight-input",
                                restrict=r"[0-9]*", max_length=2, compact=True)
                    yield Label("  ".join(f"{n} {name}" for n, name in
                                          enumerate(factor.levels, start=1)),
                                classes="weight-levels")
            yield Static(id="weights-total")
            with Horizontal(id="weights-buttons"):
                yield Button("Save", id="weights-save", variant="primary")
                yield Button("Cancel", id="weights-cancel")

    def on_mount(self) -> None:
        self._show_total()
        if self.factors:
            self.query_one("#weight-0", Input).focus()

    def _inputs(self) -> list[Input]:
        return [self.query_one(f"#weight-{i}", Input) for i in range(len(self.factors))]

    def _read(self) -> tuple[dict[str, int], str | None]:
        """The typed weights, and the first problem (None when all are valid)."""
        weights: dict[str, int] = {}
        for factor, box in zip(self.factors, self._inputs()):
            text = box.value.strip()
            if not text.isdigit() or int(text) > MAX_WEIGHT:
                return weights, f"{factor.label}: the weight must be a whole number 0–{MAX_WEIGHT}."
            weights[factor.key] = int(text)
        return weights, None

    def _show_total(self) -> None:
        weights, problem = self._read()
        total = self.query_one("#weights-total", Static)
        if problem:
            total.update(f"[b]⚠ {problem}[/b]")
            total.add_class("error")
            return
        total.remove_class("error")
        best = sum(weights[f.key] * len(f.levels) for f in self.factors)
        total.update(f"Highest possible priority: {best}")

    @on(Input.Changed, ".weight-input")
    def _typed(self) -> None:
        self._show_total()

    @on(Input.Submitted, ".weight-input")
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#weights-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#weights-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_bump(self, delta: int) -> None:
        focused = self.focused
        if not isinstance(focused, Input):
            return
        text = focused.value.strip()
        weight = int(text) if text.isdigit() else 0
        focused.value = str(max(0, min(MAX_WEIGHT, weight + delta)))

    def action_move(self, delta: int) -> None:
        inputs = self._inputs()
        if self.focused in inputs:
            index = inputs.index(self.focused)  # type: ignore[arg-type]
            inputs[(index + delta) % len(inputs)].focus()
        elif inputs:
            inputs[0].focus()

    def action_save(self) -> None:
        weights, problem = self._read()
        if problem:
            self._show_total()
            return
        self.dismiss(weights)

    def action_cancel(self) -> None:
        self.dismiss(None)
