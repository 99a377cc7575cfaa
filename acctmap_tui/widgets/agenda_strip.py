"""The agenda itself, on one line under the header: every phase with its minutes, the current one
marked and the ones behind it ticked, so both partners see where the call stands.

    ✓ 1 ICP 5 · ▶ 2 Review 20 · 3 Prioritize 20 · 4 Assign 15

Below 70 columns the labels shorten ("Rev", "Prio"); the marks stay words and symbols, never
colour alone.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from acctmap_tui.core.model import PHASE_LABELS, Agenda

SHORT_LABELS = {"icp": "ICP", "review": "Review", "prioritize": "Prioritize", "assign": "Assign"}
TINY_LABELS = {"icp": "ICP", "review": "Rev", "prioritize": "Prio", "assign": "Asgn"}
NARROW = 70


def agenda_strip(agenda: Agenda, width: int = 120) -> Text:
    """The agenda line for a terminal `width` columns wide."""
    labels = SHORT_LABELS if width >= NARROW else TINY_LABELS
    keys = [key for key, _ in agenda.phases]
    current = keys.index(agenda.current) if agenda.current in keys else -1
    line = Text()
    for i, (key, minutes) in enumerate(agenda.phases):
        if i:
            line.append(" · ", style="dim")
        label = f"{i + 1} {labels.get(key, PHASE_LABELS.get(key, key))} {minutes}"
        if i == current:
            line.append(f"▶ {label}", style="bold reverse")
        elif i < current:
            line.append(f"✓ {label}", style="dim")
        else:
            line.append(label)
    return line


class AgendaStrip(Static):
    """Shows `agenda_strip` for the app's session; the owner calls `show(agenda)` on changes."""

    DEFAULT_CSS = "AgendaStrip { height: 1; padding: 0 1; text-wrap: nowrap; }"

    _shown: Text | None = None

    def show(self, agenda: Agenda) -> None:
        """Show the agenda; the same line again is left as it is (no repaint, no layout: the
        header asks on every change and clock tick)."""
        self._agenda = agenda
        line = agenda_strip(agenda, self.size.width or self.app.size.width)
        if line != self._shown:
            self._shown = line
            self.update(line)

    def on_resize(self) -> None:
        if agenda := getattr(self, "_agenda", None):
            self.show(agenda)
