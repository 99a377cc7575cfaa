"""Dialog: say what each status word nobody understood means (customer, open deal, prospect, churned).

A list whose status column holds words acctmap does not know (Salesforce "Other", "Channel Partner /
Reseller", HubSpot "other") leaves those accounts with no status, so their overlaps get no category.
One row per word and side; c / o / p / x maps the highlighted word at once through the workbench
(undoable, kept in the session). Words mapped earlier on this call are listed too, so a wrong
mapping can be changed. In the share-safe view a list whose Status is private has no rows: its
words, their counts and what they mean would tell that list's status mix.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from acctmap_tui.core.model import CHURNED, CUSTOMER, OPEN_DEAL, PROSPECT, SIDES
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.messages import SessionChanged
from acctmap_tui.screens.dialogs import Dialog, column_width

MAPPING_WIDTH = 12  # "? not mapped", "= open deal"
CURSOR_AND_GAP = 4  # "▶ " before the word, two spaces before its mapping
LEFT_LEAST = 8  # the narrowest the "Company: 'word' — N accounts" part is cut to
WORD_LEAST = 7  # the fewest cells a word cut in its middle keeps ("'Ch…EA'")


def row_text(company: str, word: str, count: str, width: int) -> Text:
    """"Company: 'word' — N accounts" in `width` cells. A long word is cut in its middle, the
    company and the count kept: two long words that begin alike ("Channel Partner / Value Added
    Reseller (EMEA)", "... (APAC)") still differ on screen; too narrow for that, its end is cut."""
    head, tail = f"{company}: ", f" — {count}"
    room = width - cell_len(head) - cell_len(tail)
    if cell_len(word) > room >= WORD_LEAST:
        front = set_cell_size(word, (room - 1) // 2 + (room - 1) % 2)
        back = word[::-1]
        back = set_cell_size(back, (room - 1) // 2)[::-1]
        word = f"{front}…{back}"
    shown = Text(f"{head}{word}{tail}")
    shown.truncate(width, overflow="ellipsis", pad=True)
    return shown


@dataclass(frozen=True)
class WordRow:
    """One status word of one side, as the dialog lists it."""

    side: str
    word: str


def word_states(workbench: Workbench, rows: list[WordRow]) -> dict[WordRow, tuple[int, str | None]]:
    """For each row: how many records carry the word, and the status they have now (None = unknown)."""
    wanted = {(r.side, r.word) for r in rows}
    counts: dict[WordRow, int] = {r: 0 for r in rows}
    statuses: dict[WordRow, set[str | None]] = {r: set() for r in rows}
    for side in {r.side for r in rows}:
        for rec in workbench.records(side):
            word = rec.raw_status.strip()
            if (side, word) in wanted:
                row = WordRow(side, word)
                counts[row] += 1
                statuses[row].add(rec.status)
    out: dict[WordRow, tuple[int, str | None]] = {}
    for row in rows:
        found = statuses[row]
        status = next(iter(found)) if len(found) == 1 else None
        out[row] = (counts[row], status)
    return out


class StatusMapDialog(Dialog[None]):
    """Map unknown status words, one row per (side, word); each key press maps at once."""

    BINDINGS = [
        Binding("c", f"map('{CUSTOMER}')", "Customer"),
        Binding("o", f"map('{OPEN_DEAL}')", "Open deal"),
        Binding("p", f"map('{PROSPECT}')", "Prospect"),
        Binding("x", f"map('{CHURNED}')", "Churned"),
        Binding("ctrl+z", "undo", "Undo"),
        Binding("escape", "close", "Close"),
        Binding("enter", "close", "Close", show=False),
    ]

    def __init__(self, workbench: Workbench, *, share_safe: bool = False) -> None:
        super().__init__(classes="dialog")
        self.workbench = workbench
        self.share_safe = share_safe  # the app's view: it cannot be switched while a dialog shows
        self.rows: list[WordRow] = []
        self.unknown_at_open = 0
        self.private_sides: tuple[str, ...] = ()  # lists whose words this view may not show
        self._states: dict[WordRow, tuple[int, str | None]] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="status-map-box", classes="dialog-box"):
            yield Label("Map status words", classes="dialog-title")
            yield Static(id="status-map-intro")
            yield OptionList(id="status-map-rows")
            yield Static("↑/↓ pick a word · c customer · o open deal · p prospect · x churned\n"
                         "Each key maps the word at once · ctrl+z undoes · enter or esc closes",
                         id="status-map-help", classes="dialog-hint")
        yield Footer()

    def on_mount(self) -> None:
        wb = self.workbench
        shows = wb.view_shows(self.share_safe)
        self.private_sides = tuple(side for side in SIDES
                                   if shows is not None and not shows(side, "status"))
        unknown = [WordRow(side, word) for side, word, _ in wb.unknown_status_words()
                   if side not in self.private_sides]
        earlier = [WordRow(src.side, word) for src in wb.session.sources
                   if src.side not in self.private_sides
                   for word in sorted(src.status_map, key=str.casefold)]
        self.unknown_at_open = len(unknown)
        rows = unknown + [r for r in earlier if r not in unknown]
        states = word_states(wb, rows)
        # a word mapped earlier whose accounts are no longer here has nothing left to change
        self.rows = [r for r in rows if r in unknown or states[r][0]]
        self._states = {r: states[r] for r in self.rows}
        options = self.query_one("#status-map-rows", OptionList)
        options.display = bool(self.rows)
        options.set_options(Option("", id=str(i)) for i in range(len(self.rows)))
        if self.rows:
            options.highlighted = 0
            options.focus()
        self._draw_rows()
        self.call_after_refresh(self._draw_rows)  # again at the list's width, now laid out

    def on_resize(self) -> None:
        self.call_after_refresh(self._redraw_at_size)

    def _redraw_at_size(self) -> None:
        """The rows at the list's new width, the word under the cursor still in view (a list the
        terminal made shorter does not scroll to it)."""
        self._draw_rows()
        self.query_one("#status-map-rows", OptionList).scroll_to_highlight()

    # --- drawing ----------------------------------------------------------------------------

    def _intro(self) -> str:
        if len(self.private_sides) == len(SIDES):
            return self._private_line()
        unmapped = sum(1 for _, status in self._states.values() if status is None)
        shown = [self.workbench.session.company(s) for s in SIDES if s not in self.private_sides]
        # with one list's words private, say nothing of them: only of the list shown
        scope = f" in {shown[0]}'s list" if self.private_sides else ""
        if unmapped:
            text = (f"{unmapped} status word{'s' if unmapped != 1 else ''} not understood{scope}: "
                    "those accounts have no status, so their overlaps get no category. Say what "
                    "each word means for its list.")
        elif self.unknown_at_open:
            text = f"Every status word{scope} is mapped now: each account has a status."
        elif scope:
            text = f"No unknown status words{scope}."
        else:
            text = "No unknown status words: every account has a status."
        if len(self.rows) > self.unknown_at_open:
            text += "\nWords mapped before in this session are listed too, to change them."
        if self.private_sides:
            text += "\n" + self._private_line()
        return text

    def _private_line(self) -> str:
        """Whose status words the share-safe view keeps out of this dialog, and how to see them."""
        whose = (f"{self.workbench.session.company(self.private_sides[0])}'s"
                 if len(self.private_sides) == 1 else "Both lists'")
        return f"{whose} status words are private: hidden in the share-safe view (esc, then p, shows them)."

    def _draw_rows(self) -> None:
        """Draw the intro and every row from the counts and statuses last taken from the session."""
        self.query_one("#status-map-intro", Static).update(self._intro())
        if not self.rows:
            return
        states = self._states
        lefts = []
        for row in self.rows:
            count = states[row][0]
            lefts.append((self.workbench.session.company(row.side), f"'{row.word}'",
                          f"{count} account{'' if count == 1 else 's'}"))
        options = self.query_one("#status-map-rows", OptionList)
        widest = max(cell_len(f"{company}: {word} — {count}") for company, word, count in lefts)
        # one line a word, the mapping always in view (80x24): a long word is cut instead
        width = column_width(options, MAPPING_WIDTH + CURSOR_AND_GAP, widest, LEFT_LEAST) or widest
        for index, (row, left) in enumerate(zip(self.rows, lefts)):
            status = states[row][1]
            mapping = (Text.assemble("= ", (status, "bold")) if status
                       else Text("? not mapped", style="italic"))
            # the cursor is marked with a glyph too, not by its colour alone
            cursor = "▶ " if index == options.highlighted else "  "
            prompt = Text.assemble(cursor, row_text(*left, width), "  ", mapping, no_wrap=True,
                                   overflow="ellipsis")
            options.replace_option_prompt_at_index(index, prompt)

    def on_session_changed(self, message: SessionChanged) -> None:
        self._states = word_states(self.workbench, self.rows)
        self._draw_rows()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._draw_rows()

    # --- actions ------------------------------------------------------------------------------

    def _highlighted(self) -> int | None:
        options = self.query_one("#status-map-rows", OptionList)
        return options.highlighted if self.rows else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "map" and not self.rows:
            return None  # shown greyed: nothing to map
        return True

    def action_map(self, status: str) -> None:
        index = self._highlighted()
        if index is None:
            return
        row = self.rows[index]
        if self._states[row][1] != status:  # the same status again would be an undo step of nothing
            self.workbench.map_status(row.side, row.word, status)  # the counts follow its notice
        # move on now, not on that notice: keys typed fast (or held down) are handled before it,
        # and each would map the same word again
        self._states[row] = (self._states[row][0], status)
        self._highlight_next_unmapped(index)

    def _highlight_next_unmapped(self, after: int) -> None:
        """Move on to the next word still unmapped (wrapping), so a run of keys maps the list."""
        order = list(range(after + 1, len(self.rows))) + list(range(0, after))
        for index in order:
            if self._states[self.rows[index]][1] is None:
                self.query_one("#status-map-rows", OptionList).highlighted = index
                return

    def action_undo(self) -> None:
        # The app's undo is off behind dialogs; the redraw follows the workbench's notice
        # (`on_session_changed`) and the highlight moved.
        if self.share_safe and self.workbench.undo_reveals():
            # taking back a "private" mark shows the field on the screen under this dialog: the
            # app's ctrl+z asks first, so it is left to that
            self.notify("Nothing undone here: this undo shows private fields again. Close this "
                        "(esc) and press ctrl+z to be asked.", markup=False)
            return
        undone = self.workbench.undo(self.workbench.view_shows(self.share_safe))
        self.notify(f"Undid: {undone}" if undone else "Nothing to undo.", markup=False)
        if not undone:
            return
        # the cursor goes back to the word restored, at the key (as `map` moves on), so the next
        # key maps that word again rather than the one the cursor had moved on to
        states = word_states(self.workbench, self.rows)
        restored = next((i for i, row in enumerate(self.rows)
                         if states[row][1] != self._states[row][1]), None)
        self._states = states
        if restored is not None:
            self.query_one("#status-map-rows", OptionList).highlighted = restored

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
