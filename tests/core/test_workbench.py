"""Every edit the call makes, through the workbench: effects, derived values, undo, save."""

import os
from datetime import date

import pytest

from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import (
    ACCEPTED, MUTUAL_PROSPECT, REJECTED, REVIEW, SHARED_CUSTOMER,
)
from acctmap_tui.core.score import ranks
from acctmap_tui.core.workbench import ChangeKind
from tests.ui.factory import small_workbench


def _by_name(wb, our_name):
    return next(a for a in wb.session.accounts if a.ours.name == our_name)


def test_accept_moves_pair_into_overlap_and_notifies():
    wb = small_workbench()
    seen = []
    wb.on_change = seen.append
    kestrel = _by_name(wb, "Kestrel Foods")
    assert kestrel.match.decision == REVIEW
    wb.accept(kestrel)
    assert kestrel.in_overlap and kestrel.match.decision == ACCEPTED
    assert kestrel not in wb.session.review_queue()
    assert wb.dirty and seen and seen[-1].kind is ChangeKind.MATCH


def test_reject_then_undo_restores_review():
    wb = small_workbench()
    martin = _by_name(wb, "Martin & Co")
    wb.reject(martin)
    assert martin.match.decision == REJECTED and not martin.in_overlap
    assert wb.undo() is not None
    assert martin.match.decision == REVIEW


def test_undo_names_the_account_it_restored():
    wb = small_workbench()
    seen = []
    wb.on_change = seen.append
    martin = _by_name(wb, "Martin & Co")
    wb.reject(martin)
    wb.set_weight("icp_fit", 2)  # touches no one account
    wb.undo()
    assert seen[-1].kind is ChangeKind.UNDO and seen[-1].account is None
    wb.undo()
    assert seen[-1].kind is ChangeKind.UNDO and seen[-1].account is martin


def test_manual_pair_replaces_rivals_and_undo_removes_it():
    wb = small_workbench()
    lumen_ours = _by_name(wb, "Lumen Learning Labs").ours
    orbital = next(r for r in wb.theirs.records if r.name == "Orbital Freight")
    before = len(wb.session.accounts)
    acct = wb.pair(lumen_ours, orbital)
    assert acct.in_overlap and acct.match.method == "manual"
    assert _by_name(wb, "Lumen Learning Labs").match.decision == REJECTED  # the review rival
    wb.undo()
    assert len(wb.session.accounts) == before
    assert _by_name(wb, "Lumen Learning Labs").match.decision == REVIEW


def test_a_pair_made_after_another_was_undone_is_the_one_an_accept_turns_down():
    """The pairs of each record are looked up in an index (`_pairs_holding`): a pair made by hand,
    undone, and another made in its place (the same number of pairs as before) must be the one
    found, not the first one's place."""
    wb = small_workbench()
    lumen = _by_name(wb, "Lumen Learning Labs")
    orbital = next(r for r in wb.theirs.records if r.name == "Orbital Freight")
    wb.accept(_by_name(wb, "Acme, Inc."))  # the index is made here
    wb.pair(lumen.ours, orbital)
    wb.undo()
    assert lumen.match.decision == REVIEW
    acme_theirs = _by_name(wb, "Acme, Inc.").theirs
    second = wb.pair(lumen.ours, acme_theirs)  # ours' Lumen with their Acme: holds Acme's record
    assert second.in_overlap and lumen.match.decision == REJECTED
    assert _by_name(wb, "Acme, Inc.").match.decision == REJECTED  # the accepted Acme pair gives way
    wb.undo()
    assert _by_name(wb, "Acme, Inc.").in_overlap and lumen.match.decision == REVIEW
    wb.accept(lumen)  # Lumen's own pair: the made pair (undone) is no rival any more
    assert lumen.match.decision == ACCEPTED and second not in wb.session.accounts
    # a pair made by hand is found at once: another pair for Orbital turns it down
    first = wb.pair(_by_name(wb, "Blue Harbor Logistics").ours, orbital)
    third = wb.pair(_by_name(wb, "Acme, Inc.").ours, orbital)
    assert third.in_overlap and first.match.decision == REJECTED


def test_category_override_and_back_to_automatic():
    wb = small_workbench()
    acme = _by_name(wb, "Acme, Inc.")
    auto = acme.category
    wb.set_category(acme, MUTUAL_PROSPECT.key)
    assert acme.category == MUTUAL_PROSPECT.key and acme.category_manual
    wb.set_category(acme, None)
    assert acme.category == auto and not acme.category_manual
    with pytest.raises(ValueError):
        wb.set_category(acme, "no-such-category")


def test_scoring_changes_priority_and_rank():
    wb = small_workbench()
    s = wb.session
    acme, blue = _by_name(wb, "Acme, Inc."), _by_name(wb, "Blue Harbor Logistics")
    wb.set_level(blue, "relationship", 1)
    assert ranks(s)[blue.pair_id] == 1
    wb.bump(acme, "relationship", 2)
    wb.bump(acme, "icp_fit", 1)
    assert acme.priority == 3 * 2 + 3 * 1
    assert ranks(s)[acme.pair_id] == 1 and ranks(s)[blue.pair_id] == 2
    wb.bump(acme, "relationship", 10)  # clamps to the top level
    assert acme.scores["relationship"] == 3
    wb.undo()
    assert acme.scores["relationship"] == 2


def test_weight_change_rescores_everyone():
    wb = small_workbench()
    acme = _by_name(wb, "Acme, Inc.")
    wb.set_level(acme, "timing", 2)
    wb.set_weight("timing", 5)
    assert acme.priority == 10
    wb.undo()
    assert acme.priority == 4


def test_weights_are_capped_at_the_one_maximum():
    from acctmap_tui.core.model import MAX_WEIGHT, Factor

    wb = small_workbench()
    wb.set_weight("timing", 99)
    assert wb.session.scoring.factor("timing").weight == MAX_WEIGHT
    wb.set_factors([Factor("timing", "Timing", -3, ["Later", "Now"]),
                    Factor("fit", "Fit", MAX_WEIGHT + 1, ["Weak", "Strong"])])
    assert [f.weight for f in wb.session.scoring.factors] == [0, MAX_WEIGHT]
    with pytest.raises(ValueError, match="no scoring factor"):
        wb.set_weight("no-such-factor", 1)


def test_bump_steps_from_the_level_shown_after_a_factor_shrinks():
    """A level above a shrunk factor's top counts (and shows) as the top level; - steps down from
    there, as the Prioritize screen's - key always did."""
    from acctmap_tui.core.model import Factor

    wb = small_workbench()
    acme = _by_name(wb, "Acme, Inc.")
    wb.set_level(acme, "relationship", 3)
    wb.set_factors([Factor("relationship", "Partner love", 1, ["Low", "High"])])
    wb.bump(acme, "relationship", -1)
    assert acme.scores["relationship"] == 1 and acme.priority == 1


def test_assign_fields_validate_and_undo():
    wb = small_workbench()
    acme = _by_name(wb, "Acme, Inc.")
    wb.set_field(acme, "owner", "  Dana Reyes ")
    wb.set_field(acme, "next_action", "Intro to VP Eng")
    wb.set_field(acme, "due", date(2026, 12, 9))
    assert (acme.owner, acme.next_action, acme.due) == ("Dana Reyes", "Intro to VP Eng", date(2026, 12, 9))
    with pytest.raises(ValueError):
        wb.set_field(acme, "due", "next week")
    with pytest.raises(ValueError):
        wb.set_field(acme, "priority", "99")
    wb.undo()
    assert acme.due is None


def test_save_clears_unsaved_mark_and_reloads_equal(tmp_path):
    wb = small_workbench()
    wb.accept(_by_name(wb, "Kestrel Foods"))
    wb.set_category(_by_name(wb, "Acme, Inc."), SHARED_CUSTOMER.key)
    wb.set_icp_notes("Mid-market SaaS, NA + DACH, ops personas")
    path = wb.save(tmp_path / "s.toml")
    assert not wb.dirty
    for src in wb.session.sources:  # a list path comes back absolute, resolved from the file
        src.path = os.path.abspath(src.path)
    assert session_io.load(path) == wb.session


def test_autosave_writes_recovery_only_when_dirty(tmp_path):
    wb = small_workbench()
    assert wb.autosave(tmp_path) is None
    wb.set_icp_notes("notes")
    rec = wb.autosave(tmp_path)
    assert rec is not None and rec.exists()
    assert session_io.load(rec).icp_notes == "notes"


def test_notes_handed_over_in_one_burst_are_one_undo_step(tmp_path):
    wb = small_workbench()
    wb.set_icp_notes("EMEA")
    wb.set_icp_notes("EMEA + APAC", continuing=True)  # a pause in the same typing burst
    assert wb.dirty and session_io.load(wb.autosave(tmp_path)).icp_notes == "EMEA + APAC"
    wb.set_icp_notes("EMEA + APAC + NA", continuing=True)
    assert wb.undo() == "ICP notes"
    assert wb.session.icp_notes == "" and not wb.can_undo


def test_notes_after_another_command_or_an_undo_are_their_own_step():
    wb = small_workbench()
    wb.set_icp_notes("EMEA")
    wb.set_category(_by_name(wb, "Acme, Inc."), SHARED_CUSTOMER.key)
    wb.set_icp_notes("EMEA + APAC", continuing=True)  # the burst was cut by the category
    wb.undo()
    assert wb.session.icp_notes == "EMEA"
    wb.undo()
    wb.set_icp_notes("EMEA + NA", continuing=True)  # cut by the undo
    wb.undo()
    assert wb.session.icp_notes == "EMEA"
    wb.set_icp_notes("EMEA + DACH")
    wb.set_icp_notes("EMEA + DACH!")  # not continuing: a step of its own
    wb.undo()
    assert wb.session.icp_notes == "EMEA + DACH"


def test_map_status_word_categorizes_and_undoes():
    from acctmap_tui.core.model import OURS, PROSPECT

    wb = small_workbench()
    acme = _by_name(wb, "Acme, Inc.")
    acme.ours.status, acme.ours.raw_status = None, "Partner"
    wb._refresh_derived()
    assert acme.category is None
    assert wb.unknown_status_words() == [(OURS, "Partner", 1)]
    wb.map_status(OURS, "partner", PROSPECT)
    assert acme.ours.status == PROSPECT and acme.category == "mutual-prospect"
    assert wb.session.source(OURS).status_map == {"partner": PROSPECT}
    assert wb.unknown_status_words() == []
    wb.undo()
    assert acme.ours.status is None and acme.category is None
    assert wb.session.source(OURS).status_map == {}
    with pytest.raises(ValueError):
        wb.map_status(OURS, "Partner", "friend")


def test_status_mapping_is_saved(tmp_path):
    from acctmap_tui.core.model import OURS, PROSPECT

    wb = small_workbench()
    wb.map_status(OURS, "Partner", PROSPECT)
    again = session_io.load(wb.save(tmp_path / "s.toml"))
    assert again.source(OURS).status_map == {"Partner": PROSPECT}


def test_factors_can_be_relabelled_added_and_removed():
    from acctmap_tui.core.model import Factor

    wb = small_workbench()
    acme = _by_name(wb, "Acme, Inc.")
    wb.set_level(acme, "relationship", 3)
    wb.set_level(acme, "timing", 2)
    assert acme.priority == 3 * 3 + 2 * 2
    factors = [Factor("relationship", "Partner love", 1, ["Low", "High"]),
               Factor("region", "Region fit", 2, ["Other", "Core"])]
    wb.set_factors(factors)
    assert acme.priority == 1 * 2  # relationship clamps to 2 levels; timing no longer counts
    wb.set_level(acme, "region", 2)
    assert acme.priority == 2 + 4
    wb.undo()
    wb.undo()
    assert [f.key for f in wb.session.scoring.factors][:2] == ["relationship", "icp_fit"]
    assert acme.priority == 3 * 3 + 2 * 2
    with pytest.raises(ValueError):
        wb.set_factors([Factor("a", "A", 1, ["x"]), Factor("a", "B", 1, ["y"])])


def test_switching_phase_is_not_an_unsaved_change_but_is_told():
    wb = small_workbench()
    wb.dirty = False
    told = []
    wb.on_change = told.append
    wb.set_phase("review")
    assert not wb.dirty and [c.kind for c in told] == [ChangeKind.AGENDA]
    assert wb.session.agenda.current == "review"


def test_the_overlap_figures_are_counted_again_only_after_a_change_that_can_move_them():
    """A score, a weight, an owner, the ICP notes, a field's sharing or the phase keep the count
    the header drew (a count walks every pair); accepting, a category, a status word and an
    undo count again. Kept or counted, the figures equal a fresh count of the session."""
    from acctmap_tui.core.categorize import overlap_figures

    wb = small_workbench()
    overlap = [a for a in wb.session.accounts if a.in_overlap]
    scored, factor = overlap[0], wb.session.scoring.factors[0]
    kept = [
        lambda: wb.set_level(scored, factor.key, 2),
        lambda: wb.bump(scored, factor.key, 1),
        lambda: wb.set_weight(factor.key, factor.weight + 1),
        lambda: wb.set_field(scored, "owner", "Dana"),
        lambda: wb.set_icp_notes("mid-market, EMEA"),
        lambda: wb.set_shareable(wb.session.fields[0].side, wb.session.fields[0].name, True),
        lambda: wb.set_phase("prioritize"),
    ]
    for command in kept:
        before = wb.figures()
        change = command()
        assert wb.figures() is before, change.kind
        assert wb.figures() == overlap_figures(wb.session), change.kind
    review = wb.session.review_queue()
    counted = [
        lambda: wb.accept(review[0]),
        lambda: wb.set_category(overlap[1], MUTUAL_PROSPECT.key),
        lambda: wb.undo(),
        lambda: wb.reject(review[1]),
    ]
    for command in counted:
        before = wb.figures()
        command()
        assert wb.figures() is not before
        assert wb.figures() == overlap_figures(wb.session)
    assert wb.figures().review == len(wb.session.review_queue())


def test_figures_moved_by_decisions_equal_a_fresh_count_through_any_run_of_edits():
    """Accept, reject and pair move the kept figures by the pairs they decide (no pass over every
    pair); through a long run of edits and undos, mixed with edits that keep them, the figures
    always equal a fresh count of the session."""
    import random

    from acctmap_tui.core.categorize import overlap_figures
    from tests.ui.test_review import with_rival_candidates

    wb = small_workbench()
    with_rival_candidates(wb)
    rng = random.Random(7)
    factor = wb.session.scoring.factors[0].key
    moved = 0
    for _ in range(300):
        wb.figures()  # counted (or kept) before each edit, as the header asks
        accounts = wb.session.accounts
        before = {id(a): (a, a.match.decision) for a in accounts}
        changes: list = []
        wb.on_change = changes.append
        step = rng.choice(("accept", "reject", "pair", "undo", "score", "category"))
        account = rng.choice(accounts)
        if step == "accept":
            wb.accept(account)
        elif step == "reject":
            wb.reject(account)
        elif step == "pair":
            wb.pair(rng.choice(wb.ours.records), rng.choice(wb.theirs.records))
        elif step == "undo":
            wb.undo()
        elif step == "score" and account.in_overlap:
            wb.set_level(account, factor, rng.randint(1, 3))
        elif step == "category":
            wb.set_category(account, rng.choice((None, MUTUAL_PROSPECT.key, SHARED_CUSTOMER.key)))
        moved += step in ("accept", "reject", "pair")
        assert wb.figures() == overlap_figures(wb.session), step
        # every pair whose decision the edit set is named in its change (screens trust it)
        if changes:
            set_now = {id(a) for a, d in before.values() if a.match.decision != d}
            assert set_now <= {id(a) for a in changes[-1].decided}, step
        # an undo of a decision recomputes no category or priority: none may have moved
        derived = [(a.category, a.priority) for a in wb.session.accounts]
        wb._refresh_derived()
        assert [(a.category, a.priority) for a in wb.session.accounts] == derived, step
    assert moved > 100
