"""Dialog: pair two accounts by hand, searching the other side's whole list.

Opened on a candidate pair, it keeps our record and searches the partner's list (ctrl+t searches
ours instead, keeping theirs). With an empty search it lists the matcher's closest candidates; as
the user types it filters by name or domain and adds the matcher's fuzzy name hits for the typed
text (`match.candidates_for`, the one search by hand). Opened with no pair, it first asks for our
account, then theirs. Answers `(ours, theirs)` or None. In the share-safe view, with a name or
domain private, an empty search lists the first accounts instead: the closest candidates would
tell what the hidden values are like.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from acctmap_tui.core.model import IN_OVERLAP, OURS, PARTNER, Account, AccountList, Record
from acctmap_tui.core.normalize import name_key
from acctmap_tui.core.sharing import Shows, record_name
from acctmap_tui.core.workbench import ChangeKind, Workbench
from acctmap_tui.messages import SessionChanged
from acctmap_tui.screens.dialogs import Dialog, FieldInput

NOT_LOADED = "source lists not loaded: open the session with its lists to pair by hand"
READING = "the source lists are still being read: the search opens here once they are"
MAX_RESULTS = 30
FUZZY_CUTOFF = 75  # typed text lists fuzzy name hits from this score up
MIN_FUZZY_QUERY = 3  # shorter text only filters by substring
SEARCH_AT_ONCE = 2000  # lists up to this size are searched on every keystroke
SEARCH_DELAY = 0.2  # longer lists: seconds after the last keystroke


class PairDialog(Dialog[tuple[Record, Record] | None]):
    """Search one side's list for the record to pair with a fixed record of the other side."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("ctrl+t", "switch_side", "Switch side"),
    ]

    def __init__(self, workbench: Workbench, account: Account | None = None,
                 shows: Shows | None = None) -> None:
        super().__init__()
        self.workbench = workbench
        self.shows = shows or (lambda side, field: True)  # what the share-safe view may show
        self.account = account
        self.fixed: Record | None = account.ours if account else None
        self.fixed_side = OURS
        self._timer: Timer | None = None
        self._searched: str | None = None  # the text the results shown were found for
        self._records: list[Record] = []
        self._index: dict[str, int] = {}

    # --- which list is searched ---------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self.workbench.ours is not None and self.workbench.theirs is not None

    @property
    def search_side(self) -> str:
        """The side whose list is searched."""
        if self.fixed is None:
            return OURS  # first step without a pair: pick our account
        return PARTNER if self.fixed_side == OURS else OURS

    def _list(self, side: str) -> AccountList:
        lst = self.workbench.ours if side == OURS else self.workbench.theirs
        assert lst is not None
        return lst

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="pair-dialog"):
            yield Label("", id="pair-title")
            if not self.loaded:
                if self.workbench.lists_pending:
                    yield Label(READING, id="pair-not-loaded")
                else:
                    note = self.workbench.lists_note
                    yield Label(f"{NOT_LOADED} ({note})" if note else NOT_LOADED,
                                id="pair-not-loaded", markup=False)
                yield Label("esc closes", id="pair-help")
                return
            yield FieldInput(placeholder="type a name or domain", id="pair-search")
            yield OptionList(id="pair-results")
            yield Label("type to search · ↑↓ choose · enter pairs · ctrl+t other side · esc cancels",
                        id="pair-help")

    def on_mount(self) -> None:
        self._start()

    def _start(self) -> None:
        self._update_title()
        if self.loaded:
            self._prepare_index()
            self._search("")
            self.query_one("#pair-search", Input).focus()

    async def on_session_changed(self, message: SessionChanged) -> None:
        """The lists arrived while the dialog said they were being read: it becomes the search."""
        if message.change.kind is ChangeKind.LISTS and self.loaded and not self.query("#pair-search"):
            await self.recompose()
            self._start()

    def _update_title(self) -> None:
        title = self.query_one("#pair-title", Label)
        if not self.loaded:
            title.update(Text("Pair by hand", style="bold"))
            return
        side = self.search_side
        if self.fixed is None:
            title.update(Text.assemble(("Pair by hand: ", "bold"),
                                       f"first pick one of {self.workbench.session.company(OURS)}'s accounts"))
            return
        fixed_desc = record_name(self.fixed, self.fixed_side, self.shows) + (
            f" ({self.fixed.domain})" if self.fixed.domain and not self.fixed.hashed
            and self.shows(self.fixed_side, "domain") else "")
        title.update(Text.assemble(
            ("Pair by hand: ", "bold"), f"{self.workbench.session.company(self.fixed_side)}'s ",
            (fixed_desc, "bold"), f" with one of {self.workbench.session.company(side)}'s accounts",
        ))

    def _prepare_index(self) -> None:
        """Cache the searched list's folded names and domains, and who is in the overlap."""
        side = self.search_side
        records = self._list(side).records
        self._records = records
        self._index = {r.key: i for i, r in enumerate(records)}  # keys are unique in a list
        # the share-safe view searches only what it may show: a search that matched a hidden
        # name would tell, by its results, what the hidden name holds
        self._by_name = self.shows(side, "name")
        by_domain = self.shows(side, "domain")
        self._names = [r.name.casefold() if self._by_name else "" for r in records]
        self._domains = [("" if r.hashed or not by_domain else r.domain).casefold() for r in records]
        self._partner_of: dict[str, Account] = {}
        for a in self.workbench.session.accounts:
            if a.match.decision in IN_OVERLAP:
                rec = a.ours if side == OURS else a.theirs
                self._partner_of[rec.key] = a

    # --- search -------------------------------------------------------------------------------

    def _results(self, query: str) -> list[tuple[int, float | None]]:
        """(record index, score or None) for the query, best first."""
        q = query.strip().casefold()
        if not q:
            if self.fixed is None or not self._suggests():
                return [(i, None) for i in range(min(MAX_RESULTS, len(self._records)))]
            return self._candidates(self.fixed, self.fixed_side, limit=10)
        hits = [i for i, (n, d) in enumerate(zip(self._names, self._domains))
                if q in n or (d and q in d)]
        hits.sort(key=lambda i: (not self._names[i].startswith(q), len(self._names[i])))
        typed = Record(name=query.strip(), name_key=name_key(query))
        other_side = PARTNER if self.search_side == OURS else OURS
        scored = self._candidates(typed, other_side, limit=MAX_RESULTS) if self._by_name else []
        score_of = dict(scored)
        results: dict[int, float | None] = {i: score_of.get(i) for i in hits[:MAX_RESULTS]}
        if len(q) >= MIN_FUZZY_QUERY:
            for i, score in scored:
                if len(results) >= MAX_RESULTS or score < FUZZY_CUTOFF:
                    break
                results.setdefault(i, score)
        return list(results.items())

    def _suggests(self) -> bool:
        """Whether the matcher's closest candidates for the kept record may be listed: only when
        the view shows the names and domains they are found by, on both sides (in the share-safe
        view, with our names private, they listed the partner's accounts most like the hidden
        name, with their scores). Otherwise an empty search lists the first accounts."""
        return all(self.shows(side, field) for side in (self.fixed_side, self.search_side)
                   for field in ("name", "domain"))

    def _candidates(self, record: Record, side: str, limit: int) -> list[tuple[int, float]]:
        """The matcher's candidates for `record` (of `side`) in the searched list, by index."""
        from acctmap_tui.core.match import candidates_for  # imports numpy: when first searched

        found = candidates_for(record, side, self._list(self.search_side), limit=limit)
        return [(self._index[r.key], score) for r, score in found if r.key in self._index]

    def _option(self, i: int, score: float | None) -> Option:
        rec, side = self._records[i], self.search_side
        parts: list = [(record_name(rec, side, self.shows) or "—", "bold")]
        if rec.domain and not rec.hashed and self.shows(side, "domain"):
            parts.append(f"  {rec.domain}")
        if self.shows(side, "status"):
            parts.append(f"  {rec.status or 'unknown status'}")
        if score is not None:
            parts.append(f"  · score {score:.0f}")
        paired = self._partner_of.get(rec.key)
        if paired is not None:
            other, other_side = (paired.theirs, PARTNER) if side == OURS else (paired.ours, OURS)
            parts.append((f"\n   already in the overlap with {record_name(other, other_side, self.shows)}",
                          "italic"))
        return Option(Text.assemble(*parts), id=str(i))

    def _search(self, query: str) -> None:
        self._searched = query
        options = self.query_one("#pair-results", OptionList)
        options.clear_options()
        results = self._results(query)
        if results:
            options.add_options([self._option(i, s) for i, s in results])
            options.highlighted = 0
        else:
            empty = "no close names: type to search" if not query.strip() else "nothing found"
            options.add_option(Option(Text(empty, style="italic"), disabled=True))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if len(self._records) <= SEARCH_AT_ONCE:
            self._search(event.value)
        else:  # a long list: search once typing pauses
            self._timer = self.set_timer(SEARCH_DELAY, self._search_now)

    def _search_now(self) -> None:
        self._timer = None
        self._search(self.query_one("#pair-search", Input).value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:  # enter before the search ran
            self._timer.stop()
            self._timer = None
        # results for the text enter saw (keys typed after it in one burst may have searched
        # again by now); when they are, the one chosen with up/down stays chosen
        if event.value != self._searched:
            self._search(event.value)
        options = self.query_one("#pair-results", OptionList)
        if options.highlighted is not None:
            self._choose(options.get_option_at_index(options.highlighted))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option)

    def _choose(self, option: Option) -> None:
        if option.disabled or option.id is None:
            return
        rec = self._records[int(option.id)]
        if self.fixed is None:  # first step: our account is chosen, now search theirs
            self.fixed, self.fixed_side = rec, OURS
            self._restart()
            return
        if self.fixed_side == OURS:
            self.dismiss((self.fixed, rec))
        else:
            self.dismiss((rec, self.fixed))

    def _restart(self) -> None:
        self._update_title()
        self._prepare_index()
        search = self.query_one("#pair-search", Input)
        search.value = ""  # posts Changed, which searches again
        self._search("")
        search.focus()

    # --- actions ------------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        if not self.loaded:
            return
        options = self.query_one("#pair-results", OptionList)
        if delta > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_switch_side(self) -> None:
        """Keep the other record of the pair and search the opposite list."""
        if not self.loaded or self.account is None:
            return
        if self.fixed_side == OURS:
            self.fixed, self.fixed_side = self.account.theirs, PARTNER
        else:
            self.fixed, self.fixed_side = self.account.ours, OURS
        self._restart()

    def action_cancel(self) -> None:
        self.dismiss(None)
