"""The acctmap Textual app: one mode per agenda phase, driven by a `Workbench`."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from acctmap_tui.core.workbench import Change, Workbench
from acctmap_tui.messages import SessionChanged
from acctmap_tui.screens.assign import AssignScreen
from acctmap_tui.screens.icp import IcpScreen
from acctmap_tui.screens.prioritize import PrioritizeScreen
from acctmap_tui.screens.review import ReviewScreen

PHASE_MODES = ("icp", "review", "prioritize", "assign")


class AcctmapApp(App[None]):
    """Runs a mapping call on a workbench (session + lists)."""

    CSS_PATH = "acctmap.tcss"
    TITLE = "acctmap"
    MODES = {
        "icp": IcpScreen,
        "review": ReviewScreen,
        "prioritize": PrioritizeScreen,
        "assign": AssignScreen,
    }
    BINDINGS = [
        Binding("1", "phase('icp')", "ICP"),
        Binding("2", "phase('review')", "Review"),
        Binding("3", "phase('prioritize')", "Prioritize"),
        Binding("4", "phase('assign')", "Assign"),
    ]

    privacy: reactive[bool] = reactive(False)

    def __init__(self, workbench: Workbench, sessions_dir: Path = Path("sessions")) -> None:
        super().__init__()
        self.workbench = workbench
        self.sessions_dir = sessions_dir
        workbench.on_change = self._on_workbench_change

    def on_mount(self) -> None:
        self.switch_mode(self.workbench.session.agenda.current)

    def _on_workbench_change(self, change: Change) -> None:
        self.screen.post_message(SessionChanged(change))

    def action_phase(self, phase: str) -> None:
        self.workbench.set_phase(phase)
        self.switch_mode(phase)
