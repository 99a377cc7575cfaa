"""Phase screen: Assign — an owner, a next action and a due date for every priority account.

The rows are the action list (core.score.planned_accounts: the top N of the accounts scored or given
an owner or a next action, as the export lists them). Before anything is scored the screen shows
the first N of the overlap by name to work down (and any account given an owner or a next action
beyond those) and says so. `enter` / `e` edits a row in a dialog; `o` sets only the owner, `x`
only the next action. A row
without an owner or a next action says "⚠ missing owner" / "⚠ missing next action" in that column
and is styled as incomplete; the line above the table counts how many still need one.

Notes are private: the share-safe view (app.share_safe) hides the notes column (and every other column
the session does not mark shareable), the lists' CRM owners in the line under the table and in the
owner completion, and, while the priority is private, the rank (rows then go by name).

While the share-safe view is on and the priority private, the rows are not chosen by it either
(neither the top N nor "scored" may show): they are `core.score.shared_plan`, every account with
an owner or a next action (those of the two the partner sees) and the first N of the overlap by
name, whatever the priorities; the line above the table says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from acctmap_tui.core.categorize import category_of
from acctmap_tui.core.model import ACTION_OPEN, OURS, PARTNER, SESSION_SIDE, Account
from acctmap_tui.core.score import (
    PLAN_FIELDS,
    goes_by_priority,
    in_shown_order,
    name_order,
    plan_fields_shown,
    planned_accounts,
    ranked,
    shared_plan,
)
from acctmap_tui.core.workbench import Change, ChangeKind, Workbench
from acctmap_tui.screens.assign_edit import FIELD_LABELS, AssignEditScreen
from acctmap_tui.screens.base import PhaseScreen
from acctmap_tui.commands import ScreenCommands
from acctmap_tui.widgets.account_table import (
    AccountTable,
    ColumnSpec,
    FitsTableWidth,
)
from acctmap_tui.widgets.agenda_header import AgendaFooter, AgendaHeader

MISSING_OWNER = "⚠ missing owner"
MISSING_ACTION = "⚠ missing next action"
# Columns: key, header, the session field that decides whether the partner may see it.
_COLUMNS = (
    ("rank", "Rank", "priority"),  # a rank tells the priority order
    ("name", "Account", None),
    ("category", "Cat", "category"),
    ("owner", "Owner", "owner"),
    ("next_action", "Next action", "next_action"),
    ("due", "Due", "due"),
    ("action_status", "Status", "action_status"),
    ("notes", "Notes", "notes"),
)
_FIXED_WIDTHS = {"rank": 4, "category": 6, "owner": 18, "due": 10, "action_status": 7}
NARROW_TABLE = 90  # a table narrower than this drops the notes column
# the call's fields the edit dialog shows, each left out while the share-safe view hides it
EDIT_FIELDS = ("category", "owner", "next_action", "due", "action_status", "notes")


def incomplete(account: Account, plan_fields: tuple[str, ...] = PLAN_FIELDS) -> bool:
    """An account still missing its owner or its next action, of the `plan_fields` the view
    shows (`plan_fields_shown`): a hidden owner may not make a row look done or not done."""
    return any(not getattr(account, name).strip() for name in plan_fields)


def known_owners(workbench: Workbench,
                 shows: Callable[[str, str], bool] = lambda side, field: True) -> list[str]:
    """Owners to complete from: those set on the call first, then both lists' account owners.

    `shows(side, field)` says which fields may be on screen (the share-safe view): a side's CRM
    owners are offered only when its owner field may be shown.
    """
    names: list[str] = []
    if shows(SESSION_SIDE, "owner"):
        names.extend(a.owner for a in workbench.session.accounts if a.owner)
    for side, lst in ((OURS, workbench.ours), (PARTNER, workbench.theirs)):
        if lst is not None and shows(side, "owner"):
            names.extend(r.owner for r in lst.records if r.owner)
    for account in workbench.session.overlap():
        names.extend(record.owner for side, record in ((OURS, account.ours),
                                                       (PARTNER, account.theirs))
                     if record.owner and shows(side, "owner"))
    seen: set[str] = set()
    unique = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            unique.append(name)
    return unique


class AssignScreen(FitsTableWidth, PhaseScreen):
    """Owner, next action and due date for each priority account."""

    AUTO_FOCUS = "#assign-table"  # the table, so letter and digit keys act at once (never a filter box)

    COMMANDS = {ScreenCommands}
    PALETTE = (
        ("Assign: edit the account", "Owner, next action, due date, notes, status (e / enter)",
         "edit", ()),
        ("Assign: set the owner", "Only the owner, with completion (o)", "edit", ("owner",)),
        ("Assign: set the next action", "Only the next action (x)", "edit", ("next_action",)),
    )
    BINDINGS = [
        Binding("e", "edit", "Edit", key_display="e/enter"),
        Binding("o", "edit('owner')", "Owner"),
        Binding("x", "edit('next_action')", "Next action"),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fallback = False  # True while nothing is scored (rows are the overlap by name)
        self.by_shared_plan = False  # True while the rows may not go by the private priority
        self._rank: dict[str, int] = {}

    @property
    def table(self) -> AccountTable:
        return self.query_one("#assign-table", AccountTable)

    def _shows(self, name: str | None) -> bool:
        return name is None or self.shows(SESSION_SIDE, name)

    # --- compose and draw ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AgendaHeader()
        with Vertical(id="assign-body"):
            yield Static(id="assign-status-line")
            yield AccountTable(self._render_cell, id="assign-table", fixed_columns=2)
            yield Static(id="assign-detail")
        yield AgendaFooter()

    def on_mount(self) -> None:
        self._lay_out_columns()
        self._draw()
        self.table.focus()

    def on_screen_resume(self) -> None:
        self.table.focus()  # PhaseScreen catches up with changes made meanwhile

    def _columns(self) -> list[ColumnSpec]:
        shown = [(key, label) for key, label, field in _COLUMNS if self._shows(field)]
        fixed_widths = dict(_FIXED_WIDTHS)
        share = {"name": 3, "next_action": 4, "notes": 2}
        if self._layout_width < NARROW_TABLE:
            # 80 columns: notes and the action's status stay in the editor (enter; a status
            # other than open shows in the lines under the table), owners get 14, and the
            # account name as much room as the action: with the status column, names were cut
            # to 9 characters ("Ashton St…")
            shown = [(key, label) for key, label in shown if key not in ("notes", "action_status")]
            fixed_widths["owner"] = 14
            share = {"name": 1, "next_action": 1}
        fixed = sum(fixed_widths[key] + 2 for key, _ in shown if key in fixed_widths)
        flexible = [key for key, _ in shown if key not in fixed_widths]
        room = self._layout_width - fixed - 2 * len(flexible)
        # Account and next action get most of the room; notes what is left.
        parts = sum(share[k] for k in flexible) or 1
        widths = {k: max(10, room * share[k] // parts) for k in flexible}
        if flexible:  # what integer division left over goes to the last flexible column
            widths[flexible[-1]] += max(0, room - sum(widths.values()))
        return [ColumnSpec(key, label, fixed_widths.get(key) or widths[key])
                for key, label in shown]

    def rows(self) -> list[Account]:
        """The action list (`planned_accounts`: scored, or given an owner or a next action);
        while nothing is scored, the overlap by name (first N) to work down, and any account
        given an owner or a next action beyond those. While the priority is hidden (share-safe
        view) they are `shared_plan`, by name: neither the rows nor their order tell it."""
        shows = self.view_shows  # ties go by the names shown
        self.by_shared_plan = not goes_by_priority(shows)
        if self.by_shared_plan:
            self.fallback = False
            return shared_plan(self.session, shows)
        accounts = planned_accounts(self.session, shows=shows)
        self.fallback = not any(a.priority > 0 for a in accounts)
        if self.fallback:  # the first owner given must not shrink the list to that one account
            first = ranked(self.session, shows)[: self.session.scoring.top_n]
            listed = {a.pair_id for a in first}
            accounts = first + [a for a in accounts if a.pair_id not in listed]
        return in_shown_order(accounts, self._shows("priority"),
                              name_order(shows, self.session.session_id))

    def _draw(self) -> None:
        """Show the current priority accounts, updating only the cells that changed."""
        accounts = self.rows()
        self._rank = {a.pair_id: i for i, a in enumerate(accounts, start=1)}
        table = self.table
        if [a.pair_id for a in accounts] == [a.pair_id for a in table.accounts]:
            table.refresh_rows()
        else:
            table.show(accounts)
        self._update_status()
        self._update_detail()

    def _render_cell(self, account: Account, key: str) -> Text:
        missing = incomplete(account, plan_fields_shown(self.shows))
        style = "italic" if missing else ""
        warn = f"bold {self.app.current_theme.warning or 'yellow'}"
        if key == "rank":
            rank = self._rank.get(account.pair_id, 0)
            return Text(f"{'⚠' if missing else ' '}{rank:>3}", style=warn if missing else "",
                        justify="right")
        if key == "name":
            return Text(self.name_of(account), style="bold" if not missing else "bold italic",
                        overflow="ellipsis", no_wrap=True)
        if key == "category":
            cat = category_of(account)
            text = cat.code if cat else "—"
        elif key == "owner":
            if not account.owner:
                return Text(MISSING_OWNER, style=warn, overflow="ellipsis", no_wrap=True)
            text = account.owner
        elif key == "next_action":
            if not account.next_action:
                return Text(MISSING_ACTION, style=warn, overflow="ellipsis", no_wrap=True)
            text = account.next_action
        elif key == "due":
            text = account.due.isoformat() if account.due else "—"
            if account.due and account.due < self.session.date and account.action_status == ACTION_OPEN:
                return Text(text, style=warn + " underline")
        elif key == "action_status":
            text = account.action_status
        elif key == "notes":
            text = account.notes
        else:
            text = ""
        return Text(text, style=style, overflow="ellipsis", no_wrap=True)

    def _update_status(self) -> None:
        accounts = self.table.accounts
        fields = plan_fields_shown(self.shows)
        todo = sum(1 for a in accounts if incomplete(a, fields))
        top_n = self.session.scoring.top_n
        noun = "accounts" if self.by_shared_plan else "priority accounts"
        planned = {("owner", "next_action"): "an owner or next action",
                   ("owner",): "an owner", ("next_action",): "a next action"}.get(fields)
        if self.by_shared_plan:
            # one line at 80 columns, as below; says what chose the rows, since the priority
            # may not (the words of `plan_fields_shown`)
            head = (f"[b]Assign[/b]  Priority private: first {top_n} by name + all with {planned}"
                    if planned else f"[b]Assign[/b]  Priority private: the overlap by name, first {top_n}")
        elif self.fallback:
            # one line at 80 columns, so the count of what is left to assign stays in view
            head = (f"[b]Assign[/b]  Nothing scored yet: the overlap by name, first {len(accounts)} "
                    f"(score in phase 3)")
        else:
            head = (f"[b]Assign[/b]  {len(accounts)} priority account{'s' * (len(accounts) != 1)} "
                    f"(the top {top_n} scored or planned accounts)")
        if not accounts:
            tail = "No account in the overlap yet."
        elif planned is None:  # owner and next action both private: neither done nor not
            tail = "Owner and next action are private in the share-safe view."
        elif todo:
            need = f"{noun[:-1]} still needs" if len(accounts) == 1 else f"{noun} still need"
            tail = f"[reverse] {todo} of {len(accounts)} [/reverse] {need} {planned}"
        else:
            tail = "All listed accounts assigned ✓" if self.by_shared_plan else "All priority accounts assigned ✓"
        self.query_one("#assign-status-line", Static).update(f"{head}\n{tail}", layout=False)

    def _update_detail(self) -> None:
        account = self.table.cursor_account
        detail = self.query_one("#assign-detail", Static)
        if account is None:
            detail.update("", layout=False)
            return
        cat = category_of(account)
        line = Text.assemble((self.name_in(account.ours, OURS), "bold"), " = ",
                             (self.name_in(account.theirs, PARTNER), "bold"))
        if cat and self._shows("category"):
            line.append(f"  ·  {cat.code}: {cat.play}")
        owners = [f"{word} {record.owner}" for word, side, record in (
            ("ours", OURS, account.ours), ("theirs", PARTNER, account.theirs))
            if record.owner and self.shows(side, "owner")]
        if owners:
            line.append(f"\nCRM owners: {', '.join(owners)}")
        plan: list[Text] = []
        if account.action_status != ACTION_OPEN and self._shows("action_status"):
            # first, so a long next action cannot cut it: at 80 columns no Status column says it
            plan.append(Text.assemble("Status: ", (account.action_status, "bold")))
        if account.next_action and self._shows("next_action"):
            plan.append(Text(f"Next action: {account.next_action}"))
        if plan:
            line.append("\n")
            line.append(Text("  ·  ").join(plan))
        detail.update(line, layout=False)

    @on(DataTable.CellHighlighted, "#assign-table")
    def _cell_moved(self) -> None:
        self._update_detail()

    # --- reacting to the session ------------------------------------------------------------

    def sync(self, change: Change | None) -> None:
        """Redraw what one workbench change touched (None: anything may have changed)."""
        kind = change.kind if change else None
        if kind is ChangeKind.ASSIGN and change is not None and change.account is not None:
            self.table.refresh_cells(change.account)
            self._update_status()
            self._update_detail()
        elif kind is ChangeKind.SHARING:
            self.share_safe_changed(self.share_safe)
        elif kind not in (ChangeKind.SAVE, ChangeKind.AGENDA, ChangeKind.NOTES, ChangeKind.LISTS):
            self._draw()

    def share_safe_changed(self, share_safe: bool) -> None:
        self.table.set_columns(self._columns())
        self._draw()  # the row order follows whether the priority may show

    # --- editing ------------------------------------------------------------------------------

    @on(DataTable.CellSelected, "#assign-table")
    def _enter_pressed(self) -> None:
        self.action_edit()

    def action_edit(self, only: str | None = None) -> None:
        account = self.table.cursor_account
        if account is None:
            return
        hidden = frozenset(name for name in EDIT_FIELDS if not self._shows(name))
        if (only or "") in hidden or hidden >= set(EDIT_FIELDS) - {"category"}:
            what = FIELD_LABELS[only] if only else "The plan"
            self.notify(f"{what} is private: switch the share-safe view off (p) to edit it.",
                        markup=False)
            return

        def apply(changes: dict[str, str | date | None]) -> None:
            # one command for the whole dialog: one undo step, one redraw
            self.workbench.set_fields(account, **changes)

        self.app.push_screen(AssignEditScreen(
            account,
            owners=known_owners(self.workbench, self.shows),
            call_day=self.session.date,
            apply=apply,
            hidden=hidden,
            only=only,
            pair=f"{self.name_in(account.ours, OURS)} = {self.name_in(account.theirs, PARTNER)}",
        ))
