"""Phase screen: Prioritize (placeholder until built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from acctmap_tui.widgets.agenda_header import AgendaHeader


class PrioritizeScreen(Screen):
    """Prioritize."""

    def compose(self) -> ComposeResult:
        yield AgendaHeader()
        yield Static("Prioritize")
        yield Footer()
