"""Small defects from the audit of a live call: rows of the share-safe view ordered by names the
screen hides.

With the share-safe view on and names private, the Review, Prioritize and Assign tables list
their rows by what they show (the text shown, then a key that tells nothing of the hidden names
or domains), never by the real names: that order would give away the hidden names'
alphabetical order.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core.model import OURS, PARTNER, SESSION_SIDE, Account
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.widgets.account_table import AccountTable
from tests.ui.factory import small_workbench

SIZE = (120, 40)
IDENTITY = ((OURS, "name"), (PARTNER, "name"), (OURS, "domain"), (PARTNER, "domain"))


def names_against_domains(shift: int = 0) -> Workbench:
    """The small session with our names dealt out again: the overlap's our-names run backwards
    against their names and every domain (`shift` deals them once more, another way), so an
    order by our real names is neither the order of their names nor of the pair ids."""
    wb = small_workbench()
    overlap = sorted(wb.session.overlap(), key=lambda a: a.pair_id)
    names = sorted((a.ours.name for a in overlap), key=str.casefold, reverse=True)
    names = names[shift:] + names[:shift]
    for account, name in zip(overlap, names):
        account.ours.name = name
    return wb


def hide(wb: Workbench, *fields: tuple[str, str]) -> Workbench:
    for side, name in fields:
        wb.set_shareable(side, name, False)
    wb.dirty = False
    return wb


def by_our_real_name(accounts: list[Account]) -> list[str]:
    return [a.pair_id for a in sorted(accounts, key=lambda a: a.ours.name.casefold())]


def table_rows(app: AcctmapApp, selector: str) -> tuple[list[str], list[str]]:
    """(pair ids, texts of the name column) of an account table, top to bottom."""
    table = app.screen.query_one(selector, AccountTable)
    name_at = [spec.key for spec in table.specs].index("name")
    texts = [table.get_row_at(i)[name_at].plain.strip() for i in range(table.row_count)]
    return [a.pair_id for a in table.accounts], texts


def review_rows(app: AcctmapApp) -> tuple[list[str], list[tuple[str, str]]]:
    """(pair ids, (our name, their name) as shown) of the review table, top to bottom."""
    table = app.screen.query_one("#review-table", DataTable)
    cells = [[c.plain.strip() for c in table.get_row_at(i)] for i in range(table.row_count)]
    return list(app.screen._row_keys), [(row[1], row[2]) for row in cells]


def folded(texts) -> list:
    return [tuple(t.casefold() for t in x) if isinstance(x, tuple) else x.casefold() for x in texts]


async def share_safe(pilot, on: bool) -> None:
    await pilot.press(*(("p",) if on else ("p", "y")))
    await pilot.pause()
    assert pilot.app.share_safe is on


async def share_safe_order(tmp_path: Path, shift: int, phase: str, hidden, keys, rows) -> list:
    """The rows `rows(pilot)` reads in the share-safe view of a session whose names are shifted
    by `shift` against their domains, with `hidden` fields private (`keys` pressed first): the
    same session id each time, so only the hidden values differ."""
    wb = hide(names_against_domains(shift), *hidden)
    wb.session.session_id = "one-session"
    wb.session.agenda.current = phase
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*keys)
        await share_safe(pilot, True)
        return await rows(pilot)


# --- Prioritize ---------------------------------------------------------------------------------


async def test_prioritize_rows_go_by_the_names_shown_not_the_hidden_ones(tmp_path: Path) -> None:
    wb = hide(names_against_domains(), (OURS, "name"))  # their names show instead
    wb.session.agenda.current = "prioritize"
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        ids, texts = table_rows(app, "#prio-table")
        assert texts == sorted(texts, key=str.casefold)  # off: alphabetical by name, as ever
        assert ids == by_our_real_name(wb.session.overlap())

        await share_safe(pilot, True)
        ids, texts = table_rows(app, "#prio-table")
        assert texts == sorted(texts, key=str.casefold)  # by the names on screen: theirs
        assert ids != by_our_real_name(wb.session.overlap())

        app.screen.table.move_to(column="name")
        for descending in (True, False):  # `s` on the account column the rows go by: reversed
            await pilot.press("s")
            await pilot.pause()
            ids, texts = table_rows(app, "#prio-table")
            assert texts == sorted(texts, key=str.casefold, reverse=descending), descending

        await share_safe(pilot, False)
        ids, texts = table_rows(app, "#prio-table")
        assert ids == by_our_real_name(wb.session.overlap())  # the name sort, as left: ascending


async def test_a_shared_rank_breaks_its_ties_by_the_names_shown(tmp_path: Path) -> None:
    """Nothing scored: every priority ties, and the rank (shared here) goes by name."""
    wb = hide(names_against_domains(), (OURS, "name"))
    wb.set_shareable(SESSION_SIDE, "priority", True)
    wb.session.agenda.current = "prioritize"
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await share_safe(pilot, True)
        assert "rank" in [spec.key for spec in app.screen.table.specs]
        ids, texts = table_rows(app, "#prio-table")
        assert texts == sorted(texts, key=str.casefold)
        assert ids != by_our_real_name(wb.session.overlap())
        rank_of = {a.pair_id: app.screen.view.ranks.rank(a) for a in wb.session.overlap()}
        assert [rank_of[pid] for pid in ids] == list(range(1, len(ids) + 1))


async def test_rows_showing_only_placeholders_keep_an_order_the_hidden_names_do_not_move(
        tmp_path: Path) -> None:
    """Names and domains all private: every row says "(our name hidden)", and the order is
    the same whatever the hidden names are."""
    async def rows(pilot):
        ids, texts = table_rows(pilot.app, "#prio-table")
        assert set(texts) == {"(our name hidden)"}
        return ids

    orders = [await share_safe_order(tmp_path, shift, "prioritize", IDENTITY, (), rows)
              for shift in (0, 3)]
    assert orders[0] == orders[1]


# --- Review -------------------------------------------------------------------------------------


async def test_review_lists_go_by_the_names_shown(tmp_path: Path) -> None:
    wb = hide(names_against_domains(), (OURS, "name"))
    wb.session.agenda.current = "review"
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")  # the overlap: by name
        await pilot.pause()
        ids, names = review_rows(app)
        assert folded(names) == sorted(folded(names))
        assert ids == by_our_real_name(wb.session.overlap())

        await share_safe(pilot, True)
        ids, names = review_rows(app)
        assert {ours for ours, _ in names} == {"(name hidden)"}
        assert folded(names) == sorted(folded(names))  # by their names, the ones on screen
        assert ids != by_our_real_name(wb.session.overlap())

        await share_safe(pilot, False)
        assert review_rows(app)[0] == by_our_real_name(wb.session.overlap())


async def test_review_rows_of_hidden_names_only_do_not_follow_them(tmp_path: Path) -> None:
    async def rows(pilot):
        await pilot.pause()  # the kept order is made again after a frame
        ids, names = review_rows(pilot.app)
        assert set(names) == {("(name hidden)", "(name hidden)")}
        return ids

    orders = [await share_safe_order(tmp_path, shift, "review", ((OURS, "name"), (PARTNER, "name")),
                                     ("v",), rows) for shift in (0, 3)]
    assert orders[0] == orders[1]


# --- Assign -------------------------------------------------------------------------------------


async def test_assign_rows_go_by_the_names_shown(tmp_path: Path) -> None:
    wb = hide(names_against_domains(), (OURS, "name"))
    wb.session.agenda.current = "assign"
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        ids, texts = table_rows(app, "#assign-table")
        assert ids == by_our_real_name(wb.session.overlap())  # nothing scored: by name

        await share_safe(pilot, True)
        ids, texts = table_rows(app, "#assign-table")
        assert texts == sorted(texts, key=str.casefold)
        assert ids != by_our_real_name(wb.session.overlap())


async def test_a_name_marked_private_during_the_share_safe_view_leaves_the_review_rows(
        tmp_path: Path) -> None:
    """ctrl+o while the view is on: the names go from the rows at once, and so does their order."""
    wb = names_against_domains()
    wb.session.agenda.current = "review"
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")
        await share_safe(pilot, True)
        ids, names = review_rows(app)
        assert ids == by_our_real_name(wb.session.overlap())  # every name shows
        wb.set_shareable(OURS, "name", False)  # what the sharing dialog does
        await pilot.pause()
        await pilot.pause()  # the kept order is made again after a frame
        ids, names = review_rows(app)
        assert {ours for ours, _ in names} == {"(name hidden)"}
        assert folded(names) == sorted(folded(names))
        assert ids != by_our_real_name(wb.session.overlap())
