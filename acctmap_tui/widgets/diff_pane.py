"""The review diff pane: one candidate pair side by side, field by field.

Each row says "=" or "≠" (so the difference never depends on colour), and within a differing value
the characters that changed are underlined and highlighted. Below the fields: how the pair was
matched, its flags in words, its category and play, and the other candidates for either account.
The row-building functions are plain and tested without a terminal.

Moving down a long review queue shows a new pair per key press, so the pane keeps its work small:
each section is rendered once per width (`PaneVisual`; Textual would otherwise render it twice, to
measure and to paint), the last pairs shown are kept ready (a key names what a pair looks like), a
section whose height does not change is repainted without a new layout, and other candidates come
from the workbench's index of pairs by record (`Workbench.pairs_sharing`), not a scan of them all.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, RichVisual
from textual.widget import Widget
from textual.widgets import Static

from acctmap_tui.core.categorize import categorize, category_of
from acctmap_tui.core.review_order import KIND_WORDS, evidence_view
from acctmap_tui.core.score import names_order
from acctmap_tui.core.sharing import Shows, record_name, view_shows
from acctmap_tui.core.model import (
    ACCEPTED,
    AUTO,
    FLAG_CLOSE_CANDIDATES,
    FLAG_COMMON_NAME,
    FLAG_DIFFERENT_CITY,
    FLAG_DIFFERENT_COUNTRY,
    FLAG_DIFFERENT_DOMAINS,
    FLAG_DOMAIN_UNLIKE_NAME,
    FLAG_NAME_NOTE,
    FLAG_NAMES_DIFFER,
    FLAG_NO_DOMAIN,
    FLAG_ONE_TO_MANY,
    FLAG_SAME_PLACE,
    OURS,
    PARTNER,
    REJECTED,
    REVIEW,
    SESSION_SIDE,
    Account,
    Record,
    Session,
)

DECISION_MARKS = {
    REVIEW: "? review",
    AUTO: "✓ auto",
    ACCEPTED: "✓ accepted",
    REJECTED: "✗ rejected",
}

FLAG_EXPLANATIONS = {
    FLAG_NAMES_DIFFER: "same domain, very different names",
    FLAG_DIFFERENT_DOMAINS: "same name but each side has its own domain: two companies unless you say so",
    FLAG_CLOSE_CANDIDATES: "another candidate scored within a few points: check which is right",
    FLAG_ONE_TO_MANY: "one account matches several on the other side",
    FLAG_NO_DOMAIN: "matched on name only: a side has no usable domain",
    FLAG_COMMON_NAME: "a name made only of common words: several firms may share it",
    FLAG_DIFFERENT_COUNTRY: "the two records give different countries",
    FLAG_DIFFERENT_CITY: "same country, different cities",
    FLAG_DOMAIN_UNLIKE_NAME: "the one domain given looks like neither name",
    FLAG_SAME_PLACE: "a common name, but both records give the same city and country",
    FLAG_NAME_NOTE: "the names are equal once the note in brackets is left out",
}

METHOD_EXPLANATIONS = {
    "domain": "same registrable domain",
    "name": "similar company names",
    "manual": "paired by hand",
    "hash": "same hashed domain",
    "psi": "same domain, found by the private overlap exchange (no names compared)",
}

# Changed characters: a style that is readable on dark and light themes and still visible without
# colour (underline).
CHANGED_STYLE = "bold underline black on #e5c07b"
MIN_CHAR_DIFF_RATIO = 0.4
MIN_COMMON_RUN = 3
SAME_MARK = "="
DIFF_MARK = "≠"
EMPTY = "—"

# Extra CRM columns that mean the same thing under different headers ("Billing Country" on one
# side, "Country/Region" on the other) are aligned on one row named after the meaning.
_CONCEPT_WORDS = {
    "country": ("country", "nation"),
    "region": ("region",),
    "state": ("state", "province"),
    "city": ("city", "town"),
    "industry": ("industry", "sector", "vertical"),
    "employees": ("employees", "employee", "headcount", "size"),
    "revenue": ("revenue", "arr", "turnover"),
    "phone": ("phone", "telephone"),
    "postal code": ("zip", "postcode", "postal"),
}
_CONCEPT_ORDER = ("country", "state", "region", "city", "postal code", "industry", "employees",
                  "revenue", "phone")


def decision_mark(decision: str) -> str:
    """The decision as a word with a symbol, e.g. "? review"."""
    return DECISION_MARKS.get(decision, decision)


def concept_of(header: str) -> str | None:
    """The meaning of an extra column header ("Billing Country" -> "country"), or None."""
    words = set(re.findall(r"[a-z]+", header.casefold()))
    for concept in _CONCEPT_ORDER:  # first concept wins: "Country/Region" is a country
        if words & set(_CONCEPT_WORDS[concept]):
            return concept
    return None


@dataclass
class FieldRow:
    """One line of the diff: a label and each side's value.

    A value is None when that side's list has no such column, or when it is private and hidden
    (then `ours_private` / `theirs_private` says so).
    """

    label: str
    ours: str | None
    theirs: str | None
    compare: bool = True  # False for rows where "different" means nothing (e.g. owners)
    highlight: bool = True  # mark the changed characters
    ours_private: bool = False
    theirs_private: bool = False

    @property
    def same(self) -> bool:
        return _norm(self.ours) == _norm(self.theirs)


def _norm(value: str | None) -> str:
    return " ".join((value or "").split()).casefold()


def _shown_domain(rec: Record) -> str:
    if rec.hashed and rec.domain:
        return f"hash {rec.domain[:10]}…"
    return rec.domain


def _status_text(rec: Record) -> str:
    status = rec.status or "unknown"
    raw = rec.raw_status.strip()
    if raw and raw.casefold() != status.casefold():
        return f"{status} ({raw})"
    return status


def field_rows(account: Account, session: Session, privacy: bool,
               shows: Shows | None = None) -> tuple[list[FieldRow], int]:
    """The diff rows for a pair, and how many fields privacy hid.

    A value of a field that is private (per `session.fields`) is shown as None when privacy is on;
    a row whose two values are both hidden is left out. The raw website cell ("as written") is
    always private. `shows` is the session's share policy when the caller has it made already
    (`view_shows`); else it is made here, once for the pair, not once per field.
    """
    ours, theirs = account.ours, account.theirs
    rows: list[FieldRow] = []
    hidden = 0
    shareable = (shows or view_shows(session, True)) if privacy else None

    def add(row: FieldRow, ours_field: str | None, theirs_field: str | None) -> None:
        nonlocal hidden
        if shareable is not None:
            if ours_field is not None and not shareable(OURS, ours_field):
                row.ours, row.ours_private, ours_field = None, True, None
                hidden += 1
            if theirs_field is not None and not shareable(PARTNER, theirs_field):
                row.theirs, row.theirs_private, theirs_field = None, True, None
                hidden += 1
            if ours_field is None and theirs_field is None:
                return
        rows.append(row)

    add(FieldRow("name", ours.name, theirs.name), "name", "name")
    add(FieldRow("domain", _shown_domain(ours), _shown_domain(theirs)), "domain", "domain")
    if not (ours.hashed or theirs.hashed):
        # The cell as written (often an e-mail address or a URL with a path) is not what a shared
        # domain shares: it is private whatever the domain's mark, so privacy always hides it.
        if privacy:
            hidden += 2
        else:
            rows.append(FieldRow("as written", ours.raw_domain, theirs.raw_domain))
    add(FieldRow("status", _status_text(ours), _status_text(theirs), highlight=False),
        "status", "status")
    add(FieldRow("owner", ours.owner, theirs.owner, compare=False), "owner", "owner")

    # Extra columns: pair headers by meaning, then by identical header, else one row each.
    ours_by_concept: dict[str, str] = {}
    theirs_by_concept: dict[str, str] = {}
    for header in ours.extra:
        ours_by_concept.setdefault(concept_of(header) or f"\0{header}", header)
    for header in theirs.extra:
        theirs_by_concept.setdefault(concept_of(header) or f"\0{header}", header)
    for key in dict.fromkeys([*ours_by_concept, *theirs_by_concept]):
        oh, th = ours_by_concept.get(key), theirs_by_concept.get(key)
        label = key[1:] if key.startswith("\0") else key
        row = FieldRow(label, ours.extra.get(oh) if oh else None,
                       theirs.extra.get(th) if th else None)
        add(row, oh, th)
    return rows, hidden


def carried_plan(account: Account, shows: Shows | None = None) -> Text | None:
    """For a pair waiting in review that holds last session's plan (carry-forward gives it to
    the same account whose partner domain changed): that accepting keeps the plan, with the
    owner and next action the view may show. None for any other pair."""
    if not account.carried or account.match.decision != REVIEW:
        return None
    said = [f"{label} {value}" for label, field, value in
            (("owner", "owner", account.owner), ("next action", "next_action", account.next_action))
            if value and (shows is None or shows(SESSION_SIDE, field))]
    text = Text("Last session's plan goes with this pair if you accept it", style="italic")
    if said:
        text.append(": " + " · ".join(said))
    return text


def char_diff(ours: str, theirs: str) -> tuple[Text, Text]:
    """Both strings with the characters that differ highlighted (case is ignored for matching)."""
    a = ours.lower() if len(ours.lower()) == len(ours) else ours
    b = theirs.lower() if len(theirs.lower()) == len(theirs) else theirs
    left, right = Text(), Text()
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() < MIN_CHAR_DIFF_RATIO:  # nearly all different: marking bits is noise
        left.append(ours, style=CHANGED_STYLE)  # style the characters, not the padding
        right.append(theirs, style=CHANGED_STYLE)
        return left, right
    opcodes = matcher.get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        # A short common run between two changes ("Acm[e], [In]c.") reads as noise: mark it too.
        inner = 0 < n < len(opcodes) - 1
        if tag == "equal" and not (inner and i2 - i1 < MIN_COMMON_RUN):
            left.append(ours[i1:i2])
            right.append(theirs[j1:j2])
        else:
            left.append(ours[i1:i2], style=CHANGED_STYLE)
            right.append(theirs[j1:j2], style=CHANGED_STYLE)
    return left, right


def _value(value: str | None, private: bool = False) -> Text:
    if private:
        return Text("(private)", style="italic")
    if value is None:
        return Text("(no such column)", style="dim italic")
    if not value.strip():
        return Text(EMPTY, style="dim")
    return Text(value)


def _fields_table(rows: list[FieldRow], ours_company: str, theirs_company: str) -> Table:
    table = Table(box=None, expand=True, pad_edge=False, show_edge=False, padding=(0, 1, 0, 0))
    table.add_column("", width=1, no_wrap=True)
    table.add_column("field", style="bold", no_wrap=True, width=10)
    table.add_column(Text(ours_company), ratio=5, overflow="fold")  # user text: never markup
    table.add_column(Text(theirs_company), ratio=5, overflow="fold")
    for row in rows:
        if row.ours is None or row.theirs is None:
            mark = Text(" ")
            left, right = _value(row.ours, row.ours_private), _value(row.theirs, row.theirs_private)
        elif row.same:
            mark = Text(SAME_MARK)
            left, right = _value(row.ours), _value(row.theirs)
        else:
            mark = Text(DIFF_MARK, style="bold")
            if row.highlight and row.compare and row.ours.strip() and row.theirs.strip():
                left, right = char_diff(row.ours, row.theirs)
            else:
                left, right = _value(row.ours), _value(row.theirs)
        if not row.compare and mark.plain != " ":
            mark = Text(" ")
        table.add_row(mark, Text(row.label), left, right)
    return table


def best_first(account: Account, sharing: Iterable[Account], shows: Shows | None = None,
               salt: str = "") -> list[Account]:
    """The pairs sharing a record with `account` (in the session's order), but itself, each once,
    best score first: the other candidates the pane shows. For a view that `shows(side, field)`
    (share-safe), by the scores it shows (`core.review_order.shown_match`), the names as shown,
    then `neutral_key` (`salt`: the session's id): never by a hidden score or name."""
    seen: dict[str, Account] = {}
    pair_id = account.pair_id
    for a in sharing:
        if a.pair_id != pair_id:
            seen[a.pair_id] = a
    if shows is None:
        return sorted(seen.values(), key=lambda a: (-a.match.score, a.name.casefold()))
    shown, by_names = evidence_view(shows), names_order(shows, salt, neutral=True)
    return sorted(seen.values(), key=lambda a: (-(shown(a).score or 0.0), *by_names(a)))


def _match_table(account: Account, shows: Shows | None = None) -> Table:
    """Match, flags, category and play as a two-column grid (labels left, text wraps right);
    the category and play only where the view may show them, and of the method, score and flags
    what the view shows (`core.review_order.shown_match`: none made from a private field)."""
    m = evidence_view(shows)(account)
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(style="bold", no_wrap=True, width=10)
    grid.add_column(ratio=1)
    method = (f" · {m.method}: {METHOD_EXPLANATIONS.get(m.method, m.method)}"
              if m.method is not None else " · method hidden")
    score = f" · score {m.score:.0f}" if m.score is not None else " · score hidden"
    grid.add_row("Match", Text.assemble((decision_mark(account.match.decision), "bold"),
                                        method, score))
    for i, flag in enumerate(m.flags):
        grid.add_row("Flags" if i == 0 else "",
                     Text.assemble((flag, "bold"), f": {FLAG_EXPLANATIONS.get(flag, flag)}"))
    if not m.flags:
        grid.add_row("Flags", Text("none shown" if m.hidden else "none", style="dim"))
    if m.hidden:
        # said for every pair the policy hides evidence of, flagged or not: said only where a
        # flag was left out, it would tell that flag
        kinds = ", ".join(KIND_WORDS[k] for k in m.hidden)
        grid.add_row("", Text(f"match evidence from private {kinds} hidden (privacy on)",
                              style="italic"))
    cat = category_of(account)
    if shows is not None and not shows(SESSION_SIDE, "category"):
        grid.add_row("Category", Text("hidden in the share-safe view", style="italic"))
    elif cat is None:
        grid.add_row("Category", "none: a status was not understood (g sets one)")
    else:
        how = "set by hand" if account.category_manual else "from statuses"
        grid.add_row("Category", Text.assemble((cat.code, "bold"), f" {cat.label} ({how})"))
        if shows is None or shows(SESSION_SIDE, "play"):
            grid.add_row("Play", cat.play)
        if account.category_manual:
            auto = categorize(account.ours.status, account.theirs.status)
            if auto and auto.key != cat.key:
                grid.add_row("", Text(f"statuses alone would say {auto.code}", style="italic"))
    return grid


def _candidates(account: Account, alternatives: list[Account], highlighted: int,
                ours_company: str, theirs_company: str, shows: Shows | None = None) -> Group:
    """Each other candidate by the record it differs in (the shared one is this pair's)."""
    title = Text("Other candidates", style="bold")
    if not alternatives:
        return Group(title, Text("  none: no other pair shares either account", style="dim"))
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=1, no_wrap=True)
    grid.add_column(width=10, no_wrap=True)
    grid.add_column(width=3, no_wrap=True, justify="right")
    grid.add_column(ratio=1)
    shown = evidence_view(shows)
    for i, alt in enumerate(alternatives):
        if alt.ours.key == account.ours.key:
            company, rec, side = theirs_company, alt.theirs, PARTNER
        else:
            company, rec, side = ours_company, alt.ours, OURS
        domain = (f" ({rec.domain})" if rec.domain and not rec.hashed
                  and (shows is None or shows(side, "domain")) else "")
        style = "reverse" if i == highlighted else ""
        score = shown(alt).score
        grid.add_row("▶" if i == highlighted else " ",
                     Text(decision_mark(alt.match.decision), style=style),
                     Text(EMPTY if score is None else f"{score:.0f}", style=style),
                     Text(f"{company}: {record_name(rec, side, shows) or EMPTY}{domain}", style=style))
    return Group(title, grid, Text("  [ ] choose · c takes the marked one", style="dim"))


class PaneVisual(RichVisual):
    """A Rich renderable that renders once per width and style.

    Textual renders a Rich renderable to measure its height and again to paint it; this keeps the
    first render for the paint, and keeps it while the pair is cached. It is still a Rich renderable
    (printing it prints what it wraps).
    """

    def __init__(self, widget: Widget, renderable: RenderableType) -> None:
        super().__init__(widget, renderable)
        self.renderable = renderable
        self._strips: dict[tuple[int, Style], list[Strip]] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.renderable

    def _lines(self, width: int, style: Style) -> list[Strip]:
        key = (width, style)
        strips = self._strips.get(key)
        if strips is None:
            if len(self._strips) > 4:  # a few widths at most (resizes)
                self._strips.clear()
            strips = super().render_strips(width, None, style, None)  # type: ignore[arg-type]
            self._strips[key] = strips
        return strips

    def get_height(self, rules, width: int) -> int:
        return len(self._lines(width, self._widget.visual_style))

    def render_strips(self, width: int, height: int | None, style: Style,
                      options: RenderOptions) -> list[Strip]:
        strips = self._lines(width, style)
        return strips if height is None else strips[:height]


SECTIONS = ("diff-fields", "diff-match", "diff-candidates")
CACHED_PAIRS = 64  # pairs kept rendered, for moving back and forth in the list


SCROLL_HINT = "more below: tab, then ↓ PgDn"
SCROLLING_HINT = "↑ ↓ PgUp PgDn scroll · shift+tab: back to the list"


class DiffPane(VerticalScroll):
    """Shows one candidate pair side by side (or a message when nothing is selected).

    When the pair is longer than the pane (80x24), tab reaches it and ↑ ↓ PgUp PgDn scroll it;
    the screen's keys still act on the list's pair. A pane that fits is left out of tab.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown_pair: str | None = None  # a new pair is read from its top
        self._shown_key: Hashable | None = None
        self._cache: OrderedDict[Hashable, tuple[PaneVisual, ...]] = OrderedDict()
        self._heights: dict[str, tuple[int, int]] = {}  # section -> (width, height) shown

    def compose(self) -> ComposeResult:
        for section in SECTIONS:
            yield Static(id=section)

    def allow_focus(self) -> bool:
        return self.max_scroll_y > 0 or self.has_focus

    def watch_show_vertical_scrollbar(self) -> None:
        self._show_hint()

    def watch_has_focus(self, has_focus: bool) -> None:
        super().watch_has_focus(has_focus)
        self._show_hint()

    def _show_hint(self) -> None:
        """Say on the pane's top edge (stacked below the list) how to read what is below it."""
        if self.has_focus:
            self.border_title = SCROLLING_HINT
        else:
            self.border_title = SCROLL_HINT if self.show_vertical_scrollbar else None

    def _sections(self) -> list[Static]:
        return [self.query_one(f"#{section}", Static) for section in SECTIONS]

    def show_message(self, message: str) -> None:
        """Nothing selected: show a plain sentence instead of a pair."""
        self._shown_key = None
        self._shown_pair = None
        self._heights.clear()
        self.scroll_home(animate=False)
        for static, content in zip(self._sections(), (Text(message), "", "")):
            static.update(content)

    def show_pair(self, account: Account, session: Session, privacy: bool,
                  alternatives: list[Account], highlighted: int = 0,
                  key: Hashable | None = None) -> None:
        """Show `account` field by field, its match, and its other candidates.

        `key`, when given, must change whenever anything shown would (the session's revision, the
        privacy switch, the marked candidate): the same key shows the pair without rebuilding it.
        """
        if key is not None and key == self._shown_key:
            return
        visuals = self._cache.get(key) if key is not None else None
        statics = self._sections()
        if visuals is None:
            visuals = tuple(PaneVisual(static, renderable) for static, renderable in zip(
                statics, self._renderables(account, session, privacy, alternatives, highlighted)))
            if key is not None:
                self._cache[key] = visuals
                if len(self._cache) > CACHED_PAIRS:
                    self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        self._shown_key = key
        for static, visual in zip(statics, visuals):
            self._update(static, visual)
        if account.pair_id != self._shown_pair:
            self._shown_pair = account.pair_id
            self.scroll_home(animate=False)

    def _update(self, static: Static, visual: PaneVisual) -> None:
        # A new layout costs a pass over the whole screen (and a second frame when sizes change):
        # skip it when the section keeps its height at its current width.
        width = static.size.width
        height = visual.get_height(static.styles, width) if width else -1
        same = width > 0 and self._heights.get(static.id or "") == (width, height)
        static.update(visual, layout=not same)
        self._heights[static.id or ""] = (width, height)

    def _renderables(self, account: Account, session: Session, privacy: bool,
                     alternatives: Sequence[Account], highlighted: int) -> list[RenderableType]:
        shows = view_shows(session, privacy)  # the session's policy, once for the pane
        rows, hidden = field_rows(account, session, privacy, shows)
        parts: list = [_fields_table(rows, session.ours or "ours", session.partner or "theirs")]
        if hidden:
            parts.append(Text(f"{hidden} private field value(s) hidden (privacy on)",
                              style="italic"))
        plan = carried_plan(account, shows)
        if plan is not None:
            parts.append(plan)
        return [Group(*parts), _match_table(account, shows),
                _candidates(account, list(alternatives), highlighted, session.ours or "ours",
                            session.partner or "theirs", shows)]
