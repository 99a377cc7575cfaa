"""The screens' view models, without a terminal: Prioritize's columns, order, ranks and filters."""

from __future__ import annotations

from acctmap_tui.core.model import CATEGORIES, Factor
from acctmap_tui.core.score import ranked
from acctmap_tui.views.prioritize import (
    FACTOR_PREFIX, MIN_ACCOUNT_WIDTH, PrioritizeView, factor_cell_width, short_label, short_level,
)
from tests.ui.factory import small_workbench


def everything(side: str, field: str) -> bool:
    return True


def loaded(wb, shows=everything) -> PrioritizeView:
    view = PrioritizeView(wb.session, shows)
    view.load()
    view.columns(118)
    return view


def names(accounts) -> list[str]:
    return [a.name for a in accounts]


def test_rows_start_in_rank_order_and_sorts_reverse_on_a_second_press():
    wb = small_workbench()
    overlap = wb.session.overlap()
    wb.set_level(overlap[-1], "relationship", 3)
    wb.set_level(overlap[0], "relationship", 1)
    view = loaded(wb)
    assert names(view.rows()) == names(ranked(wb.session))
    view.sort_by("name")
    assert names(view.rows()) == sorted(names(overlap), key=str.casefold)
    view.sort_by("name")
    assert names(view.rows()) == sorted(names(overlap), key=str.casefold, reverse=True)
    view.sort_by(FACTOR_PREFIX + "relationship")  # numbers sort high to low first
    assert names(view.rows())[:2] == [overlap[-1].name, overlap[0].name]
    view.rerank()
    assert names(view.rows()) == names(ranked(wb.session))


def test_filters_by_category_and_text():
    wb = small_workbench()
    view = loaded(wb)
    view.next_category()
    first = CATEGORIES[0].key
    assert view.category == first
    assert all(a.category == first for a in view.rows())
    view.category = None
    target = wb.session.overlap()[1]
    view.text = target.ours.name[:5].upper()
    assert target in view.rows()
    assert all(target.ours.name[:5].casefold() in
               " ".join((a.ours.name, a.theirs.name, a.key, a.owner)).casefold()
               for a in view.rows())


def test_a_score_moves_the_rank_repaints_the_row_and_marks_the_order_stale():
    wb = small_workbench()
    view = loaded(wb)
    rows = view.rows()
    last = rows[-1]
    wb.set_level(last, "relationship", 3)
    moved = view.score_moved(last, shown=lambda a: True)
    assert view.ranks.rank(last) == 1 and view.is_top(last)
    assert moved.whole_rows[0] is last
    assert {a.pair_id for a in moved.whole_rows[1:] + moved.rank_only} == {
        a.pair_id for a in rows[:-1]}  # every other row shifted down one rank
    assert view.stale and last.pair_id in view.scored
    assert view.rows()[0] is last and not view.stale  # re-sorting clears it


def test_narrow_tables_drop_status_columns_then_shrink_factors():
    wb = small_workbench()
    view = loaded(wb)
    wide = [c.key for c in view.columns(200)]
    assert {"ours", "theirs", "category", "priority"} <= set(wide)
    narrow = view.columns(80)
    keys = [c.key for c in narrow]
    assert "ours" not in keys and "theirs" not in keys
    account = next(c for c in narrow if c.key == "name")
    assert account.width is not None and account.width >= MIN_ACCOUNT_WIDTH
    factors = [c for c in narrow if c.key.startswith(FACTOR_PREFIX)]
    assert any(c.width < factor_cell_width(f)
               for c, f in zip(factors, wb.session.scoring.factors))


def test_share_safe_hides_scores_and_private_statuses():
    wb = small_workbench()
    view = loaded(wb, shows=lambda side, field: field not in ("scores", "priority", "status"))
    keys = [c.key for c in view.columns(160)]
    assert keys == ["name", "category"]  # a rank would tell the private priority


def test_removing_the_sorted_factor_goes_back_to_rank_order():
    wb = small_workbench()
    view = loaded(wb)
    view.sort_by(FACTOR_PREFIX + "timing")
    view.rows()
    kept = [Factor(f.key, f.label, f.weight, list(f.levels))
            for f in wb.session.scoring.factors if f.key != "timing"]
    wb.set_factors(kept)
    done = view.resync()
    assert done.columns_changed and done.rows_changed
    assert view.sort == ("rank", False)


def test_cells_say_level_names_in_the_room_they_have():
    wb = small_workbench()
    account = wb.session.overlap()[0]
    wb.set_level(account, "relationship", 3)
    view = loaded(wb)
    assert view.cell(account, FACTOR_PREFIX + "relationship").plain.startswith("3 ")
    assert view.cell(account, "rank").plain.split() == ["★", "1"]
    assert short_level("Upcoming budget", 8) == "Upcoming"
    assert short_label("Partner relationship", 12) == "Relationship"


def test_pages_follow_the_focused_row_and_stop_at_the_ends():
    from acctmap_tui.views.prioritize import Pager

    pager = Pager(size=500)
    pager.show(1_234, focus_index=1_100)
    assert (pager.start, pager.end, pager.paged) == (1_000, 1_234, True)
    assert not pager.turn(1)  # no page after the last
    assert pager.turn(-1) and (pager.start, pager.end) == (500, 1_000)
    pager.show(1_234, focus_index=None)
    assert pager.start == 0 and not pager.turn(-1)
    pager.show(300, focus_index=299)
    assert (pager.start, pager.end, pager.paged) == (0, 300, False)


def test_an_80_column_table_fits_every_column_and_abbreviates_headers_without_cutting():
    wb = small_workbench()
    factors = wb.session.scoring.factors
    factors[0].weight = 10  # a top priority of three digits: 10x3 + 3x3 + 2x3 + 2x3 + 1x3 = 54
    factors[0].levels = [f"Level {i}" for i in range(1, 10)]  # 10x9 + 27 = 117
    view = loaded(wb)
    for width in (78, 98, 118):  # the table at 80, 100 and 120 columns
        columns = view.columns(width)
        assert sum(c.width + 2 for c in columns) <= width, width
        prio = next(c for c in columns if c.key == "priority")
        assert prio.width >= len("117")
        headers = [str(c.label) for c in columns]
        assert not any("…" in h for h in headers), headers
    narrow = {c.key: str(c.label) for c in view.columns(78)}
    assert narrow["f:relationship"] == "Relat."
    assert narrow["f:competition"] == "Comp."
    assert narrow["f:icp_fit"] == "ICP" and narrow["f:deal_size"] == "Deal"


def test_abbreviations_cut_before_a_vowel_and_say_so():
    from acctmap_tui.views.prioritize import abbreviate

    assert abbreviate("Relationship", 6) == "Relat."
    assert abbreviate("Competition", 6) == "Comp."
    assert abbreviate("Timing", 6) == "Timing"
    assert abbreviate("Audience", 4) == "Aud."


def test_sort_on_the_column_in_force_as_shown_reverses_it():
    """Rank (or priority, or a score) hidden: the rows go by name, and sorting by name reverses
    that at the first press, as on any column the rows are sorted by."""
    wb = small_workbench()
    overlap = wb.session.overlap()
    wb.set_level(overlap[-1], "relationship", 3)
    hidden = {"priority", "scores"}
    view = loaded(wb, lambda side, field: field not in hidden)
    by_name = sorted(names(overlap), key=str.casefold)
    for chosen in [("rank", False), ("priority", True), (FACTOR_PREFIX + "relationship", True)]:
        view.sort = chosen
        assert view.shown_sort() == ("name", False) and names(view.rows()) == by_name
        view.sort_by("name")
        assert view.shown_sort() == ("name", True)
        assert names(view.rows()) == by_name[::-1]
        view.sort_by("name")
        assert names(view.rows()) == by_name
    view.sort = ("rank", False)
    view.sort_by("category")  # another column: ascending first, as always
    assert view.shown_sort() == ("category", False)
    hidden.clear()  # shown again: a chosen sort the rank hid goes by it again
    view.sort = ("rank", False)
    view.sort_by("name")
    assert view.shown_sort() == ("name", False)
