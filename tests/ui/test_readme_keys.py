"""The README's keys table says what the keys really are: every key it lists for a screen is bound
there (or app-wide), and every key a screen's footer shows is in the table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.widgets import DataTable

from acctmap_tui.app import AcctmapApp
from acctmap_tui.screens.assign import AssignScreen
from acctmap_tui.screens.compare import CompareScreen
from acctmap_tui.screens.icp import IcpScreen
from acctmap_tui.screens.prioritize import PrioritizeScreen
from acctmap_tui.screens.review import ReviewScreen

README = Path(__file__).resolve().parents[2] / "README.md"
SCREENS = {"ICP review": IcpScreen, "Review": ReviewScreen, "Prioritize": PrioritizeScreen,
           "Assign": AssignScreen, "Compare": CompareScreen}
# How the README writes a key -> Textual's key name
NAMES = {"?": "question_mark", "/": "slash", "[": "left_square_bracket",
         "]": "right_square_bracket", "+": "plus", "-": "minus", "esc": "escape", "F1": "f1"}


def keys_table() -> dict[str, set[str]]:
    """{where: the Textual key names its cell lists}, from the "| where | keys |" table."""
    text = README.read_text(encoding="utf-8")
    start = text.index("| where | keys |")
    table = {}
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        where, cell = (part.strip() for part in line.strip("|").split("|", 1))
        cell = re.sub(r"`(\d)`-`(\d)`", lambda m: " ".join(
            f"`{d}`" for d in range(int(m.group(1)), int(m.group(2)) + 1)), cell)
        table[where] = {NAMES.get(k, k) for k in re.findall(r"`([^`]+)`", cell)}
    return table


def bound_keys(bindings: list[Binding | tuple]) -> dict[str, Binding]:
    """Key name -> binding, each comma-separated key on its own."""
    keys = {}
    for binding in bindings:
        if isinstance(binding, Binding):
            for key in binding.key.split(","):
                keys.setdefault(key.strip(), binding)
    return keys


APP_KEYS = bound_keys(AcctmapApp.BINDINGS)
# Keys a screen's focused table handles for it: Assign edits the row the table selects (enter).
TABLE_KEYS = {"Assign": {"enter"} & set(bound_keys(DataTable.BINDINGS))}


def footer_keys(bindings: list[Binding | tuple]) -> dict[str, set[str]]:
    """Action -> its keys, for the bindings the footer shows (one footer item per action)."""
    shown: dict[str, set[str]] = {}
    for key, binding in bound_keys(bindings).items():
        if binding.show:
            shown.setdefault(binding.action, set()).add(key)
    return shown


def test_the_table_names_the_app_row_and_every_phase_screen() -> None:
    assert set(keys_table()) == {"everywhere", *SCREENS}


def test_every_key_the_readme_lists_is_bound() -> None:
    table = keys_table()
    app_keys = {*APP_KEYS, AcctmapApp.COMMAND_PALETTE_BINDING}
    assert table["everywhere"] <= app_keys, table["everywhere"] - app_keys
    for where, screen in SCREENS.items():
        missing = table[where] - {*bound_keys(screen.BINDINGS), *app_keys, *TABLE_KEYS.get(where, ())}
        assert not missing, f"README lists {sorted(missing)} for {where}, which are not bound there"


@pytest.mark.parametrize("where", SCREENS)
def test_every_footer_key_is_in_the_readme(where: str) -> None:
    table = keys_table()
    for action, keys in footer_keys(SCREENS[where].BINDINGS).items():
        assert keys & table[where], f"{where}: the footer shows {action} ({sorted(keys)}), " \
                                    f"which the README does not list"
    for action, keys in footer_keys(AcctmapApp.BINDINGS).items():
        assert keys & table["everywhere"], f"the footer shows {action} ({sorted(keys)}) everywhere"
