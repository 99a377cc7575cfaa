"""Matching two lists: domain join, fuzzy name fallback, flags, thresholds and human decisions.

Records are built by hand (domain and name key set directly) so these tests do not depend on the
normalizer.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from acctmap_tui.core import match as match_module
from acctmap_tui.core.match import (
    CHAR_BUCKETS,
    FLAG_DIFFERENT_CITY,
    FLAG_DIFFERENT_COUNTRY,
    FLAG_DOMAIN_UNLIKE_NAME,
    FLAG_SAME_PLACE,
    GENERIC_WORDS,
    MAX_AFFIX_BLOCK,
    MAX_BLOCK,
    MAX_TYPO_BLOCK,
    MAX_TYPO_WORD,
    _alike,
    _char_counts,
    _deletion_hashes,
    _letter_hashes,
    _name_blocks,
    _name_words,
    _shared_keys,
    _utf32,
    _word_checks,
    _word_info,
    apply_decisions,
    candidates_for,
    evidence,
    manual_pair,
    match_lists,
)
from acctmap_tui.core.model import (
    ACCEPTED,
    AUTO,
    DOMAIN,
    FLAG_CLOSE_CANDIDATES,
    FLAG_COMMON_NAME,
    FLAG_DIFFERENT_DOMAINS,
    FLAG_NAMES_DIFFER,
    FLAG_NO_DOMAIN,
    FLAG_ONE_TO_MANY,
    HASH,
    IN_OVERLAP,
    MANUAL,
    NAME,
    OURS,
    PARTNER,
    REJECTED,
    REVIEW,
    Account,
    AccountList,
    MatchInfo,
    Record,
    Thresholds,
)
from acctmap_tui.core.review_order import review_priority


def rec(name: str, domain: str = "", key: str | None = None) -> Record:
    """A record as ingest would leave it; the key defaults to the lower-cased name."""
    return Record(name=name, domain=domain, name_key=name.lower() if key is None else key)


def lists(ours: list[Record], theirs: list[Record], hashed: bool = False) -> tuple[AccountList, AccountList]:
    return (
        AccountList(OURS, "Us", "ours.csv", records=ours),
        AccountList(PARTNER, "Them", "theirs.csv", records=theirs, hashed=hashed),
    )


def pairs(result, decision=None) -> dict[tuple[str, str], Account]:
    return {
        (a.ours.name, a.theirs.name): a
        for a in result.accounts
        if decision is None or a.match.decision in ((decision,) if isinstance(decision, str) else decision)
    }


# --- domain join ---------------------------------------------------------------------------------


def test_exact_domain_join_is_auto_with_score_100():
    ours, theirs = lists(
        [rec("Acme", "acme.com"), rec("Globex", "globex.com")],
        [rec("Globex", "globex.com"), rec("Initech", "initech.com"), rec("ACME Corp", "acme.com", "acme")],
    )
    result = match_lists(ours, theirs)
    got = pairs(result)
    assert set(got) == {("Acme", "ACME Corp"), ("Globex", "Globex")}
    for a in got.values():
        assert (a.match.method, a.match.score, a.match.decision, a.match.flags) == (DOMAIN, 100.0, AUTO, [])
        assert a.ours in ours.records and a.theirs in theirs.records
    assert result.stats[DOMAIN] == 2 and result.stats[AUTO] == 2
    assert [r.name for r in result.unmatched_theirs] == ["Initech"]
    assert result.unmatched_ours == []


def test_same_domain_very_different_names_goes_to_review():
    ours, theirs = lists([rec("Acme", "acme.com")], [rec("Zenith Holdings", "acme.com")])
    (a,) = match_lists(ours, theirs).accounts
    assert a.match.method == DOMAIN and a.match.score == 100.0
    assert a.match.decision == REVIEW and FLAG_NAMES_DIFFER in a.match.flags


def test_same_domain_with_a_blank_name_key_is_not_flagged():
    ours, theirs = lists([rec("Acme", "acme.com")], [rec("", "acme.com")])
    (a,) = match_lists(ours, theirs).accounts
    assert a.match.decision == AUTO and a.match.flags == []


def test_empty_domains_never_join_on_domain():
    ours, theirs = lists([rec("Alpha"), rec("Bravo")], [rec("Charlie"), rec("Delta")])
    result = match_lists(ours, theirs)
    assert result.accounts == []
    assert len(result.unmatched_ours) == 2 and len(result.unmatched_theirs) == 2


def test_domain_twice_on_one_side_is_one_to_many_review():
    for twice, once in (([rec("Acme", "acme.com"), rec("Acme EU", "acme.com")], [rec("Acme", "acme.com")]),
                        ([rec("Acme", "acme.com")], [rec("Acme", "acme.com"), rec("Acme EU", "acme.com")])):
        ours, theirs = lists(twice, once)
        result = match_lists(ours, theirs)
        assert len(result.accounts) == 2
        for a in result.accounts:
            assert a.match.decision == REVIEW and FLAG_ONE_TO_MANY in a.match.flags
        ours, theirs = lists(once, twice)
        assert len(match_lists(ours, theirs).accounts) == 2


# --- name fallback -------------------------------------------------------------------------------


def test_same_name_key_with_one_side_blank_domain_is_auto():
    ours, theirs = lists([rec("Acme, Inc.", "", "acme")], [rec("ACME Corporation", "acme.com", "acme")])
    (a,) = match_lists(ours, theirs).accounts
    assert (a.match.method, a.match.decision) == (NAME, AUTO)
    assert a.match.score == 100.0
    assert FLAG_NO_DOMAIN in a.match.flags


def test_name_keys_spaced_unlike_name_key_still_match_by_their_words():
    """Keys from a hand-edited session or an old version may carry doubled, leading or trailing
    spaces or a newline; the matcher splits them as words all the same."""
    ours, theirs = lists([rec("Zorvex Widgets", "", " zorvex  widgets\n")],
                         [rec("Zorvex Widgets Ltd", "zorvex.com", "zorvex widgets")])
    (a,) = match_lists(ours, theirs).accounts
    assert (a.match.method, a.match.decision, a.match.score) == (NAME, AUTO, 100.0)


def test_a_name_inside_a_longer_name_is_not_auto():
    ours, theirs = lists([rec("Acme")], [rec("Acme Labs", "acmelabs.io")])
    result = match_lists(ours, theirs)
    assert pairs(result, IN_OVERLAP) == {}
    assert len(result.unmatched_ours) == 1


def test_word_order_and_small_typos():
    ours, theirs = lists(
        [rec("Harbor Blue Logistics"), rec("Cobalt Analytics")],
        [rec("Blue Harbor Logistics", "bh.io"), rec("Kobalt Analytiks", "cobalt.de")],
    )
    got = pairs(match_lists(ours, theirs))
    assert got[("Harbor Blue Logistics", "Blue Harbor Logistics")].match.decision == AUTO
    typo = got[("Cobalt Analytics", "Kobalt Analytiks")]
    assert typo.match.decision == REVIEW and 80 <= typo.match.score < 100


def test_same_name_with_different_domains_is_review_never_auto():
    ours, theirs = lists([rec("Martin & Co", "martinco.fr")], [rec("Martin & Co", "martin-co.com")])
    (a,) = match_lists(ours, theirs, Thresholds(auto_accept=50, review=40)).accounts
    assert a.match.method == NAME and a.match.score == 100.0
    assert a.match.decision == REVIEW
    assert FLAG_DIFFERENT_DOMAINS in a.match.flags


def _close_pair() -> tuple[AccountList, AccountList]:
    # both theirs score about 95 against ours, a fraction of a point apart
    return lists(
        [rec("Vandelay Industries")],
        [rec("Vandelay Industriess", "a.com"), rec("Vandelay Industrie", "b.com")],
    )


def test_close_candidates_go_to_review():
    got = pairs(match_lists(*_close_pair()))
    assert len(got) == 2
    assert max(a.match.score for a in got.values()) >= Thresholds().auto_accept
    for a in got.values():
        assert a.match.decision == REVIEW and FLAG_CLOSE_CANDIDATES in a.match.flags


def test_a_clear_winner_beats_a_distant_candidate():
    ours, theirs = lists(
        [rec("Northwind Traders Group")],
        [rec("Northwind Traders Group", "a.com"), rec("Northwind Trade Grp", "b.com")],
    )
    result = match_lists(ours, theirs)
    assert list(pairs(result)) == [("Northwind Traders Group", "Northwind Traders Group")]
    assert result.accounts[0].match.decision == AUTO
    assert [r.name for r in result.unmatched_theirs] == ["Northwind Trade Grp"]


def test_one_name_matching_several_accounts_is_one_to_many():
    ours, theirs = lists([rec("Williams")], [rec("Williams", "w1.com"), rec("Williams", "w2.com")])
    result = match_lists(ours, theirs)
    assert len(result.accounts) == 2
    for a in result.accounts:
        assert a.match.decision == REVIEW and FLAG_ONE_TO_MANY in a.match.flags


def test_name_that_also_fits_a_domain_matched_record_is_not_auto():
    # "Acme" on our side with no domain could be the acme.com account too: ambiguous
    ours, theirs = lists(
        [rec("Acme", "acme.com"), rec("Acme")],
        [rec("Acme", "acme.com"), rec("Acme", "acme.io")],
    )
    result = match_lists(ours, theirs)
    overlap = [a for a in result.accounts if a.in_overlap]
    assert [a.match.method for a in overlap] == [DOMAIN]
    name_pairs = [a for a in result.accounts if a.match.method == NAME]
    assert name_pairs and all(a.match.decision == REVIEW for a in name_pairs)


def test_review_queue_is_cut_to_a_few_candidates_per_record():
    theirs = [rec("Smithfield Services", f"s{i}.com") for i in range(8)]
    ours, theirs = lists([rec("Smithfield Services")], theirs)
    result = match_lists(ours, theirs)
    assert 1 <= len(result.accounts) <= 3
    assert len(result.unmatched_theirs) == 8 - len(result.accounts)


def test_thresholds_change_outcomes():
    ours, theirs = lists([rec("Cobalt Analytics")], [rec("Kobalt Analytiks", "c.de")])
    default = match_lists(ours, theirs).accounts
    assert [a.match.decision for a in default] == [REVIEW]
    score = default[0].match.score
    assert [a.match.decision for a in match_lists(ours, theirs, Thresholds(auto_accept=score - 1)).accounts] == [AUTO]
    assert match_lists(ours, theirs, Thresholds(review=score + 1)).accounts == []
    names = lists([rec("Acme", "acme.com")], [rec("Zenith", "acme.com")])
    assert match_lists(*names, Thresholds(names_differ=0)).accounts[0].match.decision == AUTO


def test_close_gap_setting():
    result = match_lists(*_close_pair(), Thresholds(close_gap=0))
    assert [(a.theirs.name, a.match.decision) for a in result.accounts] == [("Vandelay Industriess", AUTO)]


# --- human decisions -----------------------------------------------------------------------------


def _decided(ours: Record, theirs: Record, decision: str, method: str = DOMAIN) -> Account:
    """A decision as a prior session stores it: its own copies of the records."""
    copy_o = Record(ours.name, ours.domain, name_key=ours.name_key)
    copy_t = Record(theirs.name, theirs.domain, name_key=theirs.name_key)
    return Account(copy_o, copy_t, MatchInfo(method, 90.0, decision))


def test_prior_accept_and_reject_are_reapplied():
    o_typo, t_typo = rec("Cobalt Analytics"), rec("Kobalt Analytiks", "c.de")
    o_acme, t_acme = rec("Acme", "acme.com"), rec("Acme", "acme.com")
    ours, theirs = lists([o_typo, o_acme], [t_typo, t_acme])
    prior = [_decided(o_typo, t_typo, ACCEPTED, NAME), _decided(o_acme, t_acme, REJECTED)]
    result = match_lists(ours, theirs, decisions=prior)
    got = pairs(result)
    assert got[("Cobalt Analytics", "Kobalt Analytiks")].match.decision == ACCEPTED
    assert got[("Acme", "Acme")].match.decision == REJECTED  # kept, so it stays rejected
    assert [r.name for r in result.unmatched_ours] == ["Acme"]
    assert result.stats[ACCEPTED] == 1 and result.stats[REJECTED] == 1


def test_manual_pair_is_recreated_when_both_records_still_exist():
    o, t = rec("Helios Robotics"), rec("Sunrise Automation", "sunrise.ai")
    ours, theirs = lists([o, rec("Other")], [t])
    prior = [manual_pair(Record(o.name, name_key=o.name_key), Record(t.name, t.domain, name_key=t.name_key))]
    result = match_lists(ours, theirs, decisions=prior)
    (a,) = result.accounts
    assert a.ours is o and a.theirs is t  # the current records, not the prior copies
    assert (a.match.method, a.match.decision) == (MANUAL, ACCEPTED)


def test_decision_on_a_record_that_left_the_list_lapses():
    ours, theirs = lists([rec("Acme", "acme.com")], [rec("Acme", "acme.com")])
    gone = manual_pair(rec("Vanished"), rec("Acme", "acme.com"))
    result = match_lists(ours, theirs, decisions=[gone])
    assert [(a.ours.name, a.match.decision) for a in result.accounts] == [("Acme", AUTO)]


def test_accepted_pair_displaces_competing_auto_and_review_pairs():
    o_acme, o_apex = rec("Acme", "acme.com"), rec("Apex Widgets")
    t_acme, t_apex, t_apex2 = rec("Acme", "acme.com"), rec("Apex Widgets", "a.com"), rec("Apex Widgets", "b.com")
    ours, theirs = lists([o_acme, o_apex], [t_acme, t_apex, t_apex2])
    before = match_lists(ours, theirs)
    assert pairs(before)[("Acme", "Acme")].match.decision == AUTO
    assert len([a for a in before.accounts if a.ours is o_apex]) == 2  # two tied candidates

    # a person paired our Acme with their second Apex, and our Apex with their first one
    decided = [_decided(o_acme, t_apex2, ACCEPTED, MANUAL), _decided(o_apex, t_apex, ACCEPTED, NAME)]
    result = match_lists(ours, theirs, decisions=decided)
    overlap = {(a.ours.name, a.theirs.domain) for a in result.accounts if a.in_overlap}
    assert overlap == {("Acme", "b.com"), ("Apex Widgets", "a.com")}
    assert [a for a in result.accounts if a.match.decision == REVIEW] == []
    assert [r.domain for r in result.unmatched_theirs] == ["acme.com"]


def test_apply_decisions_ignores_matcher_only_decisions():
    o, t = rec("Acme", "acme.com"), rec("Acme", "acme.com")
    ours, theirs = lists([o], [t])
    fresh = match_lists(ours, theirs).accounts
    stale_review = _decided(o, t, REVIEW)
    out = apply_decisions(fresh, [stale_review], ours, theirs)
    assert [a.match.decision for a in out] == [AUTO]


def test_two_accepted_pairs_for_one_record_go_back_to_review():
    o, t1, t2 = rec("Acme"), rec("Acme One", "one.com"), rec("Acme Two", "two.com")
    ours, theirs = lists([o], [t1, t2])
    decided = [_decided(o, t1, ACCEPTED, MANUAL), _decided(o, t2, ACCEPTED, MANUAL)]
    result = match_lists(ours, theirs, decisions=decided)
    assert [a.theirs.name for a in result.accounts if a.in_overlap] == ["Acme One"]
    contested = [a for a in result.accounts if a.match.decision == REVIEW]
    assert [a.theirs.name for a in contested] == ["Acme Two"]
    assert FLAG_ONE_TO_MANY in contested[0].match.flags


def test_manual_pair_scores_name_similarity():
    same = manual_pair(rec("Acme"), rec("Acme", "acme.com"))
    other = manual_pair(rec("Acme"), rec("Zenith", "z.com"))
    assert same.match.method == MANUAL and same.match.decision == ACCEPTED
    assert same.match.score == 100.0 and other.match.score < 50
    assert same.in_overlap


# --- hashed lists --------------------------------------------------------------------------------


def test_hashed_list_joins_on_hash_only_and_says_so():
    digest = "9f" * 32
    ours = [rec("Acme", digest), rec("Globex")]
    theirs = [Record("", digest, hashed=True), Record("", "ab" * 32, hashed=True, name_key="globex")]
    result = match_lists(*lists(ours, theirs, hashed=True))
    (a,) = result.accounts
    assert (a.match.method, a.match.decision) == (HASH, AUTO)
    assert result.stats[HASH] == 1
    assert any("hashed" in n for n in result.notes)
    assert [r.name for r in result.unmatched_ours] == ["Globex"]  # its name twin is not matched


def test_plain_lists_have_no_notes():
    assert match_lists(*lists([rec("A", "a.com")], [rec("A", "a.com")])).notes == []


# --- manual search -------------------------------------------------------------------------------


def test_candidates_for_puts_domain_hits_first_then_names():
    theirs = AccountList(PARTNER, "Them", "t.csv", records=[
        rec("Acme Labs", "acmelabs.io"), rec("Zenith", "zenith.com"), rec("Totally Different", "acme.com"),
        rec("ACME", "acme.org", "acme"),
    ])
    found = candidates_for(rec("Acme", "acme.com"), OURS, theirs, limit=3)
    names = [r.name for r, _ in found]
    assert names[0] == "Totally Different" and found[0][1] == 100.0
    assert set(names[1:]) == {"ACME", "Acme Labs"}
    assert "Zenith" not in names
    assert len(candidates_for(rec("Acme", "acme.com"), OURS, theirs, limit=1)) == 1


def test_candidates_for_hashed_list_uses_domain_only():
    theirs = AccountList(PARTNER, "Them", "t.csv", hashed=True,
                         records=[Record("", "ff" * 32, hashed=True, name_key="acme")])
    assert candidates_for(rec("Acme"), OURS, theirs) == []


# --- invariants ----------------------------------------------------------------------------------

_names = st.sampled_from(["acme", "acme labs", "apex", "apex widgets", "apex widget", "smith", "smyth", "zen"])
_domains = st.sampled_from(["", "", "a.com", "b.com", "c.com"])
_side = st.lists(st.tuples(_names, _domains), max_size=8)


@settings(max_examples=150, deadline=None)
@given(_side, _side, st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.sampled_from([ACCEPTED, REJECTED])),
                              max_size=4))
def test_no_record_is_in_two_overlap_pairs(ours_spec, theirs_spec, decided):
    # as ingest leaves a list: one record per key (rows of one domain or name are merged)
    ours = list({r.key: r for r in (rec(n, d) for n, d in ours_spec)}.values())
    theirs = list({r.key: r for r in (rec(n, d) for n, d in theirs_spec)}.values())
    prior = [
        _decided(ours[i], theirs[j], decision, MANUAL)
        for i, j, decision in decided
        if i < len(ours) and j < len(theirs)
    ]
    result = match_lists(*lists(ours, theirs), decisions=prior)
    overlap = [a for a in result.accounts if a.in_overlap]
    assert len({a.ours.key for a in overlap}) == len(overlap)
    assert len({a.theirs.key for a in overlap}) == len(overlap)
    # every record is either in some non-rejected pair or listed as unmatched, never both
    placed_o = {a.ours.key for a in result.accounts if a.match.decision != REJECTED}
    placed_t = {a.theirs.key for a in result.accounts if a.match.decision != REJECTED}
    assert {r.key for r in result.unmatched_ours} == {r.key for r in ours} - placed_o
    assert {r.key for r in result.unmatched_theirs} == {r.key for r in theirs} - placed_t


def test_progress_is_reported_from_0_to_1():
    seen: list[float] = []
    match_lists(*lists([rec("Acme", "acme.com"), rec("Zed")], [rec("Acme", "acme.com"), rec("Zed")]),
                progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen) and len(seen) >= 3


# --- common names and noisy words ----------------------------------------------------------------


def _crowds() -> tuple[list[Record], list[Record]]:
    """Six more "Smith ..." firms of ours and six more "... Plumbing" firms of theirs, so that both
    words are in more than five names of the two lists."""
    trades = ["Roofing", "Dental", "Law", "Bakery", "Realty", "Auto"]
    surnames = ["Jones", "Brown", "Davis", "Lee", "Young", "King"]
    ours = [rec(f"Smith {w}", f"so{i}.com") for i, w in enumerate(trades)]
    theirs = [rec(f"{s} Plumbing", f"pt{i}.com") for i, s in enumerate(surnames)]
    return ours, theirs


def test_a_name_of_only_common_words_is_review_not_auto():
    pair_o, pair_t = rec("Smith Plumbing"), rec("Smith Plumbing", "smithplumbing.com")
    crowd_o, crowd_t = _crowds()
    alone = match_lists(*lists([pair_o], [pair_t])).accounts
    assert [a.match.decision for a in alone] == [AUTO]  # distinctive in a short list

    result = match_lists(*lists([pair_o, *crowd_o], [pair_t, *crowd_t]))
    (a,) = [a for a in result.accounts if a.ours is pair_o]
    assert a.theirs is pair_t and a.match.decision == REVIEW
    assert "common-name" in a.match.flags


def test_common_name_with_two_domains_is_two_companies():
    pair_o, pair_t = rec("Smith Plumbing", "smith-plumbing.net"), rec("Smith Plumbing", "smithplumbing.com")
    crowd_o, crowd_t = _crowds()
    result = match_lists(*lists([pair_o, *crowd_o], [pair_t, *crowd_t]))
    assert [a for a in result.accounts if a.ours is pair_o] == []
    assert pair_o in result.unmatched_ours


def test_fuzzy_name_with_two_domains_is_not_proposed():
    ours, theirs = lists([rec("Cobalt Analytics", "cobalt.com")], [rec("Kobalt Analytiks", "kobalt.de")])
    assert match_lists(ours, theirs).accounts == []


def test_shared_common_word_does_not_make_a_match():
    # whole-name similarity is about 80 here, but the distinctive words differ
    ours = [rec("Erabel Security")]
    others = ["Ironclad", "Bastion", "Sentry", "Aegis", "Warden"]
    theirs = [rec("Grasil Security", "grasil.com")]
    theirs += [rec(f"{w} Security", f"s{i}.com") for i, w in enumerate(others)]
    result = match_lists(*lists(ours, theirs))
    assert result.accounts == []


def test_names_on_hundreds_of_accounts_are_left_to_a_person_with_a_note():
    theirs = [rec("Smith", f"smith{i}.com") for i in range(210)]
    result = match_lists(*lists([rec("Smith")], theirs))
    assert result.accounts == []
    assert any("'smith'" in n and "by hand" in n for n in result.notes)


# --- typos the blocks must still bring together --------------------------------------------------


def test_a_typo_in_a_short_name_is_compared():
    # no shared word and too short for first/last-letter blocks: only the letter-dropped block
    # brings "viwn" and "viwen" together
    ours, theirs = lists([rec("Viwen")], [rec("Viwn", "viwn.com")])
    (a,) = match_lists(ours, theirs).accounts
    assert a.match.decision == REVIEW and 80 <= a.match.score < 100


def test_a_letter_dropped_key_is_kept_only_where_two_words_give_it():
    # "viwn" is the word "viwn" and "viwen" with its "e" dropped: kept, with both words; "oo"
    # dropped from "zoom" is one word's twice ("zom"): left out, the word's own block pairs it
    words = ["viwn", "viwen", "zoom"]
    hashes = np.array([hash("viwn"), hash("viwn"), hash("zom"), hash("zom")], dtype=np.int64)
    word = np.array([0, 1, 2, 2], dtype=np.int64)
    kept, of = _shared_keys(hashes, word)
    assert kept.tolist() == [hash("viwn")] * 2 and sorted(words[w] for w in of.tolist()) == ["viwen", "viwn"]
    empty = np.zeros(0, dtype=np.int64)
    assert [len(x) for x in _shared_keys(empty, empty)] == [0, 0]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab\x00é\U0001F600", min_size=1, max_size=7), min_size=1, max_size=30))
def test_letter_hashes_are_equal_exactly_where_the_letters_are(words):
    # each word and the word with each letter dropped in turn, hashed from code points without
    # building the dropped forms: one hash a string (a small alphabet makes many strings equal)
    size = np.array([len(w) for w in words], dtype=np.int64)
    chars = _utf32("".join(words))
    begin = np.cumsum(size) - size
    whole, dropped, of = _deletion_hashes(chars, begin, size)
    order = np.argsort(of, kind="stable")  # a word's dropped forms together, letters in turn
    assert of[order].tolist() == [k for k, w in enumerate(words) for _ in w]
    texts = words + [w[:d] + w[d + 1:] for w in words for d in range(len(w))]
    hash_of: dict[str, int] = {}
    text_of: dict[int, str] = {}
    for text, h in zip(texts, whole.tolist() + dropped[order].tolist()):
        assert hash_of.setdefault(text, h) == h and text_of.setdefault(h, text) == text
    # a run of letters hashes as the same letters do anywhere else
    for k, w in enumerate(words):
        for start, n in ((0, len(w)), (1, len(w) - 1)):
            (h,) = _letter_hashes(chars, begin[k:k + 1] + start, n).tolist()
            assert h == hash_of.setdefault(w[start:start + n], h)


def test_characters_in_common_are_counted_bytewise_as_numpy_sums_them():
    # the bound that spares rapidfuzz most pairs; long texts (a count sum over 255) take numpy's sum
    rng = np.random.default_rng(7)
    for longest in (40, 600):
        texts = ["".join(rng.choice(list("abcxyz é1"), size=rng.integers(1, longest))) for _ in range(300)]
        counts, size = _char_counts(texts)
        a, b = rng.integers(0, len(texts), 5000), rng.integers(0, len(texts), 5000)
        expected = [sum(min(x.count(c), y.count(c)) for c in set(x)) for x, y in zip(
            (texts[i] for i in a.tolist()), (texts[j] for j in b.tolist()))]
        got = _alike(counts, size, a, b)
        assert (got >= np.asarray(expected)).all()  # a bound: buckets may merge characters
        assert got.tolist() == np.minimum(counts[a], counts[b]).sum(axis=1).tolist()


def test_characters_are_counted_text_by_text_in_runs(monkeypatch):
    """Long names are counted a run of texts at a time (memory): every text's own counts, by
    code point mod CHAR_BUCKETS, whichever run it falls in."""
    rng = np.random.default_rng(3)
    texts = ["".join(rng.choice(list("abc xyzé1\x00"), size=rng.integers(0, 60))) for _ in range(200)]
    monkeypatch.setattr(match_module, "TEXT_CHARS", 23)
    counts, size = _char_counts(texts)
    assert sum(map(len, texts)) > 40 * 23  # many runs, some of one text
    expected = [[sum(ord(c) % CHAR_BUCKETS == k for c in t) for k in range(CHAR_BUCKETS)] for t in texts]
    assert counts.tolist() == expected and size.tolist() == list(map(len, texts))


def test_a_typo_in_a_name_of_common_words_is_compared():
    # each word of the pair is in over a hundred of our names, too common to block on; the two
    # neighbouring words "red pacific" are not
    crowd = [rec(f"{w} Q{i}x Works", f"c{w}{i}.com")
             for w in ("Red", "Pacific", "Solutions") for i in range(101)]
    ours, theirs = lists([rec("Red Pacific Solutions"), *crowd], [rec("Red Pacific Soluttions", "rps.com")])
    got = [a for a in match_lists(ours, theirs).accounts if a.ours.name == "Red Pacific Solutions"]
    assert [a.theirs.name for a in got] == ["Red Pacific Soluttions"]


def test_names_that_swap_a_word_are_two_firms():
    # the shared words are the rare ones, so the whole name scores 86; but each name has a word
    # the other lacks ("Media" / "Foods")
    ours = [rec("North Pacific Evergreen Media")]
    ours += [rec(f"{w} Media", f"m{i}.com") for i, w in enumerate("ABC")]
    theirs = [rec("North Pacific Evergreen Foods", "npef.com")]
    theirs += [rec(f"{w} Foods", f"f{i}.com") for i, w in enumerate("DEF")]
    result = match_lists(*lists(ours, theirs))
    assert [a for a in result.accounts if a.ours is ours[0]] == []


# --- what the one domain says about the names ----------------------------------------------------


def test_a_domain_that_spells_the_other_name_settles_a_typo():
    # their name cell has the typo; their own domain spells our name: one company
    ours, theirs = lists([rec("Kestral Dynamic")], [rec("Kestrel Dynamics", "kestraldynamic.com")])
    (a,) = match_lists(ours, theirs).accounts
    assert a.match.decision == AUTO and a.match.score < 95  # the score stays the names' similarity
    # the other way round the domain only spells its own record's name: still a look-alike
    ours, theirs = lists([rec("Kestrel Dynamics")], [rec("Kestral Dynamic", "kestraldynamic.com")])
    (a,) = match_lists(ours, theirs).accounts
    assert a.match.decision == REVIEW


def test_a_domain_mending_a_typo_in_a_common_name_leaves_it_common():
    crowd_o, crowd_t = _crowds()
    ours = [rec("Smith Plumbing"), *crowd_o]
    theirs = [rec("Smith Plumbng", "smithplumbing.com"), *crowd_t]
    (a,) = [a for a in match_lists(*lists(ours, theirs)).accounts if a.ours is ours[0]]
    assert a.match.decision == REVIEW and FLAG_COMMON_NAME in a.match.flags


def test_a_domain_unlike_either_name_is_review():
    for domain, decision in (("getheliosrobotics.com", AUTO), ("helios.ai", AUTO), ("hr.io", AUTO),
                             ("zenithholdings.com", REVIEW)):
        (a,) = match_lists(*lists([rec("Helios Robotics")], [rec("Helios Robotics", domain)])).accounts
        assert a.match.decision == decision, domain
        assert (FLAG_DOMAIN_UNLIKE_NAME in a.match.flags) == (decision == REVIEW)


# --- country and city columns --------------------------------------------------------------------


def placed(name: str, domain: str = "", country: str = "", city: str = "", side: str = OURS) -> Record:
    """A record with the place columns each CRM names its own way."""
    headers = ("Billing Country", "Billing City") if side == OURS else ("Country/Region", "City")
    return Record(name=name, domain=domain, name_key=name.lower(), extra=dict(zip(headers, (country, city))))


def test_country_cells_are_compared_by_meaning():
    ours = placed("Helios Robotics", country="U.S.")
    assert evidence(ours, placed("Helios Robotics", "h.ai", "United States", side=PARTNER)).country == 1
    assert evidence(ours, placed("Helios Robotics", "h.ai", "USA", side=PARTNER)).country == 1
    assert evidence(ours, placed("Helios Robotics", "h.ai", "Deutschland", side=PARTNER)).country == -1
    assert evidence(ours, placed("Helios Robotics", "h.ai", "n/a", side=PARTNER)).country == 0
    assert evidence(placed("A", country="Germany"), placed("A", country="DE", side=PARTNER)).country == 1


def test_another_country_or_city_keeps_a_name_pair_in_review():
    def decide(country: str, city: str) -> tuple[str, list[str]]:
        ours = placed("Helios Robotics", "", "US", "Austin")
        theirs = placed("Helios Robotics", "heliosrobotics.ai", country, city, PARTNER)
        (a,) = match_lists(*lists([ours], [theirs])).accounts
        return a.match.decision, a.match.flags

    assert decide("United States", "AUSTIN")[0] == AUTO
    assert decide("", "")[0] == AUTO  # nothing to compare
    decision, flags = decide("France", "Paris")
    assert decision == REVIEW and FLAG_DIFFERENT_COUNTRY in flags
    decision, flags = decide("United States", "Boston")
    assert decision == REVIEW and FLAG_DIFFERENT_CITY in flags


def test_a_common_name_in_two_countries_is_not_proposed():
    crowd_o, crowd_t = _crowds()
    ours = [placed("Smith Plumbing", "", "US", "Chicago"), *crowd_o]
    abroad = placed("Smith Plumbing", "smithplumbing.co.uk", "United Kingdom", "Leeds", PARTNER)
    result = match_lists(*lists(ours, [abroad, *crowd_t]))
    assert [a for a in result.accounts if a.ours is ours[0]] == []


def test_a_common_name_in_the_same_place_is_flagged_but_left_to_a_person():
    crowd_o, crowd_t = _crowds()
    ours = [placed("Smith Plumbing", "", "US", "Chicago"), *crowd_o]
    same = placed("Smith Plumbing", "smithplumbing.com", "USA", "Chicago", PARTNER)
    (a,) = [a for a in match_lists(*lists(ours, [same, *crowd_t])).accounts if a.ours is ours[0]]
    assert a.match.decision == REVIEW
    assert FLAG_COMMON_NAME in a.match.flags and FLAG_SAME_PLACE in a.match.flags


# --- ordering the review queue -------------------------------------------------------------------


def test_review_priority_puts_a_lone_candidate_before_tied_ones():
    ours, theirs = lists(
        [rec("Williams"), rec("Cobalt Analytics")],
        [rec("Williams", "w1.com"), rec("Williams", "w2.com"), rec("Kobalt Analytiks", "kobalt-analytiks.de")],
    )
    queue = [a for a in match_lists(ours, theirs).accounts if a.match.decision == REVIEW]
    assert len(queue) == 3
    by_score = sorted(queue, key=lambda a: -a.match.score)
    assert by_score[0].ours.name == "Williams"  # 100, but one of two equal candidates
    assert sorted(queue, key=review_priority)[0].theirs.name == "Kobalt Analytiks"


# --- long names: the same answers in bounded memory ---------------------------------------------

_name_text = st.lists(st.sampled_from(["ab", "acme", "bass", "sons", "group", "holdings", "s", "é",
                                       "x\x01", "boss's", "a\tb", "", " "]),
                      min_size=1, max_size=6).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_name_text, min_size=1, max_size=25, unique=True))
def test_each_names_words_sorted_and_run_together_are_what_the_docs_say(names):
    """`_name_words` builds its forms from vocab words, never one string per token: each name's
    words sorted (what token_sort_ratio compares), its compact form (generic words and a plural
    or possessive "s" left out, every word when all are generic) and whether every name is
    plainly written, against the same rules applied name by name."""
    words = _name_words(names, np.ones(len(names), dtype=np.int64))
    # words are parted by single spaces (a tab is inside a word) unless a name is blank, has a
    # line break, two spaces running or a space at either end
    as_written = all(n and "  " not in n and "\n" not in n and n == n.strip() for n in names)
    split = [n.split(" ") if as_written else (" ".join(n.split()) or "?").split(" ") for n in names]

    def compact(w: str) -> str:
        if w in GENERIC_WORDS:
            return ""
        return w[:-1] if len(w) > 3 and w[-1] == "s" and w[-2] != "s" else w

    expected = ["".join(map(compact, ws)) or "".join(ws) for ws in split]
    assert words.sorted_forms == [" ".join(sorted(ws)) for ws in split]
    assert words.compact_forms == expected
    assert words.n_tokens == sum(map(len, split))
    assert words.plain == (as_written and not any(c < " " for ws in split for w in ws for c in w))


def test_word_checks_in_runs_give_what_one_run_gives(monkeypatch):
    """Pairs of long names are checked word by word a run at a time (memory): every run's answers
    land on their own pairs."""
    rng = np.random.default_rng(7)
    vocab = ["acme", "acne", "globex", "globe", "initech", "initek", "umbrella", "hooli", "dental"]
    names = sorted({" ".join(rng.choice(vocab, size=rng.integers(1, 9))) for _ in range(120)})
    words = _name_words(names, np.ones(len(names), dtype=np.int64))
    rare_at, _common = _word_info(words, len(names))
    a, b = rng.integers(0, len(names), 500), rng.integers(0, len(names), 500)
    whole = _word_checks(words, rare_at, a, b, 80.0)
    monkeypatch.setattr(match_module, "WORD_CELLS", 37)
    runs = _word_checks(words, rare_at, a, b, 80.0)
    assert (words.size[a] * words.size[b]).sum() > 20 * 37  # many runs, some of one pair
    for one, other in zip(whole, runs):
        assert one.tolist() == other.tolist()
    assert len({tuple(x.tolist()) for x in whole}) == 4  # the four answers differ: none swapped


def test_name_blocks_in_runs_give_what_one_run_gives(monkeypatch):
    """Names get their blocking keys a run of names at a time (memory): each name ends with the
    very blocks one run gives it, whatever run its own keys and its neighbours' fall in."""
    rng = np.random.default_rng(11)
    vocab = ["acme", "acne", "globex", "globe", "initech", "initek", "umbrella", "hooli", "dental",
             "x", "of", "soluttions", "solutions", "pacific"]
    names = sorted({" ".join(rng.choice(vocab, size=rng.integers(1, 12))) for _ in range(300)})
    words = _name_words(names, np.ones(len(names), dtype=np.int64))
    one = _name_blocks(names, words)
    monkeypatch.setattr(match_module, "NAME_KEYS", 29)
    runs = _name_blocks(names, words)
    start, flat = one[0], one[1]
    assert len(flat) > 20 * 29  # many runs, some of one name
    for whole, in_runs in zip(one, runs):
        assert whole.tolist() == in_runs.tolist()
    # and what one run gives: every name in its whole key's block and each of its words' blocks
    for n in range(len(names)):
        blocks = set(flat[start[n]:start[n + 1]].tolist())
        assert one[3][n] in blocks
        assert len(blocks) == start[n + 1] - start[n]  # each block once per name
        assert len(blocks) >= len({w for w in names[n].split() if len(w) >= 3}) + 1


def _shared_caps(names: list[str]) -> list[int]:
    """The size caps of the blocks the two names share."""
    start, flat, cap, _whole = _name_blocks(names, _name_words(names, np.ones(2, dtype=np.int64)))
    shared = set(flat[start[0]:start[1]].tolist()) & set(flat[start[1]:start[2]].tolist())
    return sorted(cap[sorted(shared)].tolist())


def test_each_block_kind_has_its_own_size_cap():
    """The keys two names share, each with the cap of its kind: the words and the pair of
    neighbouring words (MAX_BLOCK), the first letters of the name run together and the first or
    last letters of a long word (MAX_AFFIX_BLOCK), a word with a letter dropped (MAX_TYPO_BLOCK)."""
    # red, pacific, "red pacific"; "redpa"; paci, ific
    assert _shared_caps(["red pacific bay", "red pacific cove"]) == [MAX_AFFIX_BLOCK] * 3 + [MAX_BLOCK] * 3
    assert _shared_caps(["viwen", "viwn"]) == [MAX_TYPO_BLOCK]  # "viwen" less its e


def test_a_number_is_blocked_on_as_a_whole_only():
    # store 123456 and store 123465 are two stores: no first letters, no digit dropped
    assert _shared_caps(["alpha 123456", "beta 123465"]) == []
    assert _shared_caps(["alpha 123456", "beta 123456"]) == [MAX_AFFIX_BLOCK, MAX_BLOCK]  # and "23456" last
    # a word of letters: abcd, and abcde / abcdf with a letter dropped from each
    assert _shared_caps(["alpha abcdef", "beta abcdfe"]) == sorted([MAX_AFFIX_BLOCK] + [MAX_TYPO_BLOCK] * 2)


def test_a_word_too_long_for_a_name_gets_no_letter_dropped_blocks():
    # one key a letter: a code or a text with no spaces mapped as the name took minutes and GBs
    word = "northwindtradersinternationalholdingsgroup"[:MAX_TYPO_WORD]
    assert MAX_TYPO_BLOCK in _shared_caps([f"alpha {word}", f"beta {word[:9] + word[10:]}"])
    longer = word + "s"
    assert MAX_TYPO_BLOCK not in _shared_caps([f"alpha {longer}", f"beta {longer[:9] + longer[10:]}"])
