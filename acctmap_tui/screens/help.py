"""Dialog: the keys of the screen beneath and the call's agenda (opened with ? or F1).

The key list is read from the bindings that are live on that screen when help opens, so it always
says what the footer and the keys really do, including keys the footer has no room for.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.markup import escape
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from acctmap_tui.core.model import PHASE_LABELS, Agenda
from acctmap_tui.screens.dialogs import Dialog, fit_height, lines_left

HELP_KEYS = ("question_mark", "f1")
TEXTUAL_SCREEN_ACTIONS = frozenset(b.action for b in Screen.BINDINGS if isinstance(b, Binding))


# Where a key comes from, as help groups them, in the order it lists them.
OWN, MOVING, EVERYWHERE = "On this screen", "Moving around", "Everywhere"
GROUPS = (OWN, MOVING, EVERYWHERE)


@dataclass(frozen=True)
class KeyHelp:
    keys: str  # "a", "ctrl+s", "[ ]"
    what: str
    group: str  # OWN: the screen's (or dialog's) own; MOVING: its table's or list's; EVERYWHERE: the app's


def keys_of(screen: Screen) -> list[KeyHelp]:
    """The live keys of `screen` (its focused widget, itself and the app), one row per action:
    the screen's own first, then the focused widget's (a table's cursor keys), then the app's."""
    app: App = screen.app
    rows: dict[tuple[str, str], list[str]] = {}
    for key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        if not binding.description or key in HELP_KEYS or binding.action.startswith("app.focus"):
            continue
        # a key every Textual screen has (ctrl+c copies the selected text) is no key of this one
        everywhere = active.node is app or binding.action in TEXTUAL_SCREEN_ACTIONS
        group = EVERYWHERE if everywhere else OWN if active.node is screen else MOVING
        display = app.get_key_display(binding) if binding.key_display is None else binding.key_display
        rows.setdefault((binding.description, group), []).append(display or key)
    return [KeyHelp(" ".join(dict.fromkeys(keys)), what, group)
            for (what, group), keys in rows.items()]


def agenda_lines(agenda: Agenda) -> list[str]:
    """'  ✓ 1 ICP review · 5 min' per phase, the current one marked ▶."""
    keys = [key for key, _ in agenda.phases]
    current = keys.index(agenda.current) if agenda.current in keys else -1
    lines = []
    for i, (key, minutes) in enumerate(agenda.phases):
        mark = "▶" if i == current else "✓" if i < current else " "
        lines.append(f"{mark} {i + 1} {PHASE_LABELS.get(key, key)} · {minutes} min")
    return lines


class HelpScreen(Dialog[None]):
    """Keys for the screen beneath and the agenda; esc, ? or F1 closes it."""

    BINDINGS = [
        Binding("escape,question_mark,f1,q", "dismiss", "Close", show=False),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help-box { width: 84; max-width: 96%; height: auto; max-height: 92%; border: round $accent;
                background: $surface; padding: 0 1; }
    #help-body { height: auto; max-height: 32; }
    #help-keys { color: $text-muted; }
    """

    def __init__(self, title: str, keys: list[KeyHelp], agenda: Agenda | None = None,
                 notes: list[str] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.keys = keys
        self.agenda = agenda
        self.notes = notes or []  # the screen's own lines (e.g. what its short column headers mean)

    def compose(self) -> ComposeResult:
        width = max((len(k.keys) for k in self.keys), default=4) + 2
        with Vertical(id="help-box"):
            yield Label(f"Keys: {escape(self.title_text)}", classes="dialog-title")
            with VerticalScroll(id="help-body"):
                for heading in GROUPS:
                    rows = [k for k in self.keys if k.group == heading]
                    if rows:
                        yield Static(f"[b]{heading}[/b]")
                        # plain text: a key such as "[" on one line and "]" on the next read
                        # as a markup tag and both were lost
                        yield Static("\n".join(f"  {k.keys:<{width}} {k.what}" for k in rows),
                                     markup=False)
                if self.notes:
                    yield Static("\n".join(self.notes), markup=False)
                if self.agenda is not None:
                    yield Static("[b]The agenda[/b] (1-4 go to a phase, n to the next)")
                    yield Static("\n".join(f"  {line}" for line in agenda_lines(self.agenda)))
            yield Label("esc, ? or F1 closes · ctrl+p finds every action by name", id="help-keys")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()  # the arrows and page keys scroll it at once

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_body)

    def _fit_body(self) -> None:
        """The keys scroll in what the box's height leaves them under the title and above the
        closing line: at 80x24 a body of its full height was cut, its last keys and the agenda
        out of reach."""
        body = self.query_one("#help-body")
        room = lines_left(self.query_one("#help-box"), body)
        if room is not None:
            fit_height(body, room)
