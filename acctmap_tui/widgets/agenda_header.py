"""The header every phase screen shows: companies, phase, clock, category counts, unsaved mark."""

from __future__ import annotations

from textual.widgets import Static


class AgendaHeader(Static):
    """Placeholder until built."""

    def on_mount(self) -> None:
        wb = self.app.workbench  # type: ignore[attr-defined]
        self.update(f"{wb.session.ours} x {wb.session.partner}")
