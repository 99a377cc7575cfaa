"""The share-safe Review shows no match evidence made from a private field (privacy audit 4, N4):
its table, pane and queue order are the same whether our hidden names, countries and cities
agree with the partner's or not; the internal view shows it all, and so does the share-safe view
once those fields are shared."""

from __future__ import annotations

from acctmap_tui.core.model import OURS, PARTNER, REVIEW, Account, MatchInfo, Record
from acctmap_tui.core.sharing import default_field_policy
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens import review as review_screen
from tests.ui.factory import small_workbench
from tests.ui.test_review import pair_of, review_app, rows, shown_text

PANE = ("#diff-fields", "#diff-match", "#diff-candidates")
# the hidden fields: our names, and both sides' country and city columns
HIDDEN_PLACES = ((OURS, "Billing Country"), (OURS, "Billing City"),
                 (PARTNER, "Country/Region"), (PARTNER, "City"))


def variant(differ: bool) -> Workbench:
    """The small workbench's queue, with our hidden values agreeing with the partner's or not,
    and the flags and scores the matcher gives each; Lumen with two rivals."""
    wb = small_workbench()
    kestrel, lumen, martin = (pair_of(wb, n) for n in ("Kestrel Foods", "Lumen Learning Labs",
                                                       "Martin & Co"))
    for account in wb.session.accounts:
        account.ours.extra["Billing City"] = "Austin"
        account.theirs.extra["City"] = "Austin"
    martin.ours.extra["Billing Country"] = "FR" if differ else "US"
    kestrel.ours.extra["Billing City"] = "Boston" if differ else "Austin"
    martin.match.flags = ["different-domains", *(["different-country"] if differ else [])]
    kestrel.match.flags = ["different-domains", *(["different-city"] if differ else [])]
    # our name (private) equals theirs, or not: the name score says which
    lumen.ours.name = "Lumen Learning Labs" if differ else "Lumen Learning"
    lumen.match.score = 86.0 if differ else 100.0
    lumen.match.flags = ["different-domains", "close-candidates"]
    for name, domain, score in (("Lumen Labs Group", "lumen-labs.co", 70.0 if differ else 84.0),
                                ("Lumen Learning Ltd", "lumenlearning.net", 90.0 if differ else 82.0)):
        rival = Record(name=name, domain=domain, status=lumen.theirs.status, raw_domain=domain,
                       raw_status=lumen.theirs.raw_status, name_key=name.casefold(),
                       extra={"Country/Region": "Canada", "City": "Toronto"})
        wb.theirs.records.append(rival)
        wb.session.accounts.append(Account(lumen.ours, rival, MatchInfo(
            "name", score, REVIEW, ["different-domains", "close-candidates"])))
    wb.session.fields = default_field_policy(wb.session)
    wb.set_shareable(OURS, "name", False)
    return wb


async def screen_text(wb: Workbench, sessions_dir, share_safe: bool, size=(120, 40)
                      ) -> tuple[list[str], list[list[str]], list[tuple[str, ...]]]:
    """The queue's pair ids, its rows, and the pane's sections for each row in turn (and its
    other candidates as each is marked)."""
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if share_safe:
            await pilot.press("p")
            await pilot.pause()
        await pilot.pause()  # the kept order, made after a frame
        screen = app.screen
        assert isinstance(screen, review_screen.ReviewScreen)
        await pilot.press(*"k" * len(screen._row_keys))  # p kept the cursor on its pair
        await pilot.pause()
        panes = []
        for i in range(len(screen._row_keys)):
            panes.append(tuple(shown_text(app, s) for s in PANE))
            # each candidate marked in turn: the pane shows it, and c would take it
            for _ in screen._alternatives[1:]:
                await pilot.press("right_square_bracket")
                await pilot.pause()
                panes.append((shown_text(app, "#diff-candidates"),))
            await pilot.press("j")
            await pilot.pause()
        return list(screen._row_keys), rows(app), panes


async def test_share_safe_review_is_the_same_whether_hidden_values_agree_or_differ(sessions_dir):
    for size in ((120, 40), (80, 24)):
        agree = await screen_text(variant(False), sessions_dir, True, size)
        differ = await screen_text(variant(True), sessions_dir, True, size)
        assert agree == differ
        order, table, panes = differ
        text = " ".join(" ".join(p) for p in panes)
        for word in ("different-country", "different-city", "close-candidates", "score 86",
                     "score 100", "similar company names"):
            assert word not in text
        assert {r[3] for r in table} == {r[4] for r in table} == {"—"}
        assert "method hidden · score hidden" in text
        assert "match evidence from private names, country/city columns hidden" in text
        assert "different-domains" in text  # the domains are shared: what they say shows


async def test_the_internal_view_shows_every_flag_and_score_and_share_safe_hides_them(sessions_dir):
    order, table, panes = await screen_text(variant(True), sessions_dir, False)
    text = " ".join(" ".join(p) for p in panes)
    for word in ("different-country", "different-city", "close-candidates", "score 86",
                 "similar company names"):
        assert word in text
    assert "match evidence from private" not in text and "method hidden" not in text
    assert {r[4] for r in table} == {"100", "88", "86", "90", "70"}
    wb = variant(True)
    assert order == [a.pair_id for a in review_screen.view_accounts(wb.session.accounts,
                                                                    review_screen.QUEUE)]
    _, safe_table, safe_panes = await screen_text(variant(True), sessions_dir, True)
    assert "different-country" not in " ".join(" ".join(p) for p in safe_panes)
    assert {r[4] for r in safe_table} == {"—"}


async def test_shared_fields_show_flags_and_scores_as_today_in_the_share_safe_view(sessions_dir):
    internal = await screen_text(variant(True), sessions_dir, False)
    wb = variant(True)
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        await pilot.pause()
        assert {r[4] for r in rows(app)} == {"—"}
        for side, name in ((OURS, "name"), *HIDDEN_PLACES):
            wb.set_shareable(side, name, True)  # ctrl+o, while the view is on
        await pilot.pause()
        await pilot.pause()  # the order made again, after a frame
        screen = app.screen
        assert isinstance(screen, review_screen.ReviewScreen)
        assert screen._row_keys == internal[0]
        kept = screen._orders[review_screen.QUEUE][1]  # made again for the marks
        assert [a.pair_id for a in kept if a.match.decision == REVIEW] == internal[0]
        assert rows(app) == internal[1]
        await pilot.press(*"k" * len(screen._row_keys))
        await pilot.pause()
        panes = []
        for _ in screen._row_keys:
            panes.append((shown_text(app, "#diff-match"), shown_text(app, "#diff-candidates")))
            await pilot.press("j")
            await pilot.pause()
        assert panes == [p[1:] for p in internal[2] if len(p) > 1]
        text = " ".join(" ".join(p) for p in panes)
        assert "different-country: the two records give different countries" in text
        assert "score 86" in text and "match evidence from private" not in text
