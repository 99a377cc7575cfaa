"""Lists by name go by the names a view shows (core.score.name_order): with names private, the
order of a share-safe screen or a partner-safe export must not tell the hidden names'
alphabetical order, nor the hidden domains' (a pair id holds the domains)."""

from __future__ import annotations

import csv
import io

from acctmap_tui.core import export
from acctmap_tui.core.model import CUSTOMER, OURS, PARTNER, PROSPECT, SESSION_SIDE, FieldInfo
from acctmap_tui.core import score
from acctmap_tui.core.score import in_shown_order, planned_accounts, ranked
from acctmap_tui.core.sharing import SharePolicy, default_field_policy
from acctmap_tui.views.prioritize import PrioritizeView

from tests.core.compare_factory import acct, session

# our names run against the domains, their names with them
ROWS = [("alpha.com", "Zeta Corp", "Alpha"), ("bravo.com", "Yankee Ltd", "Bravo"),
        ("charlie.com", "Xray GmbH", "Charlie"), ("delta.com", "Whiskey Inc", "Delta"),
        ("echo.com", "Victor AG", "Echo")]


def make(rows=ROWS, private=((OURS, "name"),), priority_shared: bool = False):
    s = session([acct(d, ours, CUSTOMER, PROSPECT, their_name=theirs) for d, ours, theirs in rows])
    s.session_id = "a-session"
    s.fields = default_field_policy(s)
    marks = {**{field: False for field in private}, (SESSION_SIDE, "priority"): priority_shared}
    s.fields = [FieldInfo(f.side, f.name, f.column, marks.get((f.side, f.name), f.shareable))
                for f in s.fields]
    return s


def shows(s):
    return SharePolicy(s).shareable


def our_names(accounts) -> list[str]:
    return [a.ours.name for a in accounts]


def domains(accounts) -> list[str]:
    return [a.key for a in accounts]


def test_with_nothing_hidden_lists_go_by_name_as_before():
    s = make(private=())
    assert our_names(ranked(s, shows(s))) == sorted(o for _, o, _ in ROWS)
    assert our_names(ranked(s)) == sorted(o for _, o, _ in ROWS)
    assert our_names(in_shown_order(s.overlap(), False)) == sorted(o for _, o, _ in ROWS)


def test_with_our_names_hidden_lists_go_by_the_names_shown():
    s = make()
    assert domains(ranked(s, shows(s))) == sorted(d for d, _, _ in ROWS)  # their names: Alpha...
    assert domains(in_shown_order(s.overlap(), False, score.name_order(shows(s), s.session_id))) == \
        sorted(d for d, _, _ in ROWS)
    assert domains(sorted(s.overlap(), key=score.names_order(shows(s), s.session_id))) == \
        sorted(d for d, _, _ in ROWS)
    assert our_names(ranked(s)) == sorted(o for _, o, _ in ROWS)  # internal: by our names


def test_placeholders_go_by_a_key_that_neither_names_nor_domains_order():
    every = ((OURS, "name"), (PARTNER, "name"), (OURS, "domain"), (PARTNER, "domain"))
    s = make(private=every)
    order = [a.pair_id for a in ranked(s, shows(s))]
    renamed = make([(d, theirs, ours) for d, ours, theirs in ROWS], private=every)
    assert [a.pair_id for a in ranked(renamed, shows(renamed))] == order  # names move nothing
    assert order == sorted(order, key=lambda pid: score.neutral_key(
        next(a for a in s.overlap() if a.pair_id == pid), s.session_id))
    assert score.neutral_key(s.overlap()[0], "a") != score.neutral_key(s.overlap()[0], "b")  # keyed


def test_the_top_n_and_its_ties_go_by_the_names_shown():
    s = make(priority_shared=True)
    for a in s.overlap():
        a.priority = 5  # all tied
    s.scoring.top_n = 2
    assert domains(planned_accounts(s, shows=shows(s))) == ["alpha.com", "bravo.com"]
    assert our_names(planned_accounts(s)) == ["Victor AG", "Whiskey Inc"]


def test_a_partner_safe_export_is_not_ordered_by_the_names_it_leaves_out(tmp_path):
    s = make()  # our names private, their names shared; the priority private: rows by name
    rows = list(csv.DictReader(io.StringIO(export.write_export(
        s, tmp_path / "safe.csv", "csv", partner_safe=True).read_text(encoding="utf-8-sig"))))
    assert [r["account"] for r in rows] == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    assert "Zeta Corp" not in str(rows)
    internal = export.action_rows(s)
    assert [r["account"] for r in internal] == sorted(o for _, o, _ in ROWS)


def test_the_prioritize_view_orders_and_ranks_by_the_names_shown_as_the_view_flips():
    s = make(priority_shared=True)
    on = {"share_safe": False}

    def view_shows(side: str, field: str) -> bool:
        return not on["share_safe"] or SharePolicy(s).shareable(side, field)

    view = PrioritizeView(s, view_shows)
    view.load()
    view.columns(118)
    assert our_names(view.rows()) == sorted(o for _, o, _ in ROWS)
    on["share_safe"] = True
    assert domains(view.rows()) == sorted(d for d, _, _ in ROWS)
    assert [view.ranks.rank(a) for a in view.rows()] == [1, 2, 3, 4, 5]
    view.sort_by("name")
    assert domains(view.rows()) == sorted(d for d, _, _ in ROWS)
    view.sort_by("name")
    assert domains(view.rows()) == sorted((d for d, _, _ in ROWS), reverse=True)
    on["share_safe"] = False
    assert our_names(view.rows()) == sorted((o for _, o, _ in ROWS), reverse=True)
