"""What the share-safe view shows of a pair's match evidence, and the queue order it makes:
nothing made from a private field (privacy audit 4, N4)."""

from __future__ import annotations

import pytest

from acctmap_tui.core import model
from acctmap_tui.core.match import _place_role
from acctmap_tui.core.model import (
    DOMAIN, HASH, MANUAL, NAME, OURS, PARTNER, PSI, REVIEW, Account, FieldInfo, MatchInfo, Record,
    Session,
)
from acctmap_tui.core.review_order import (
    FLAG_EVIDENCE, METHOD_EVIDENCE, NAMES, PLACES, RIVAL_EVIDENCE, SCORE_EVIDENCE, evidence_shown,
    is_place_column,
    queue_order, shown_match,
)
from acctmap_tui.core.sharing import SharePolicy, default_field_policy


def test_every_flag_and_method_says_what_it_is_made_of():
    flags = {v for k, v in vars(model).items() if k.startswith("FLAG_") and isinstance(v, str)}
    assert set(FLAG_EVIDENCE) == flags
    for table in (METHOD_EVIDENCE, SCORE_EVIDENCE, RIVAL_EVIDENCE):
        assert set(table) == {DOMAIN, NAME, MANUAL, HASH, PSI}


@pytest.mark.parametrize("header", [
    "Billing Country", "Country/Region", "City", "Billing City", "Mailing Town", "Nation",
    "Shipping Country Code", "country", "CITY", "Industry", "Region", "State", "Phone",
    "Country phone", "Website", "Billing Street",
])
def test_every_column_the_matcher_reads_as_a_place_counts_as_one(header):
    if _place_role(header) is not None:
        assert is_place_column(header)
    assert not is_place_column("Industry") and not is_place_column("Billing Street")


def rec(name: str, domain: str, country: str = "", city: str = "", side: str = OURS) -> Record:
    extra = ({"Billing Country": country, "Billing City": city} if side == OURS
             else {"Country/Region": country, "City": city})
    return Record(name=name, domain=domain, name_key=name.casefold(), extra=extra)


THEIRS = [("Global Solutions", "global-solutions.de", "Germany", "Munich"),
          ("Quantum Widgets", "quantumwidgets.io", "Japan", "Tokyo"),
          ("Smith Plumbing", "smith-plumbing.net", "USA", "Austin"),
          ("Acme Corporation", "acme.com", "USA", "Boston")]


def session(differ: bool) -> Session:
    """Four pairs whose hidden values (our names, countries and cities) agree with the partner's,
    or differ: with the flags and scores the matcher gives each."""
    if differ:
        ours = [("Global Solutions GmbH", "globalsolutions.com", "Germany", "Berlin"),
                ("Quantum Widgets", "qw.fr", "France", "Paris"),
                ("Smith Plumbing & Heating", "smithplumbing.com", "USA", "Dallas"),
                ("Acme Holdings", "acme.com", "USA", "Boston")]
        made = [(NAME, 91.0, ["different-domains", "different-city"]),
                (NAME, 100.0, ["different-domains", "different-country"]),
                (NAME, 84.0, ["different-domains", "common-name", "close-candidates"]),
                (DOMAIN, 100.0, ["names-differ"])]
    else:
        ours = [("Global Solutions", "globalsolutions.com", "Germany", "Munich"),
                ("Quantum Widgets", "qw.fr", "Japan", "Tokyo"),
                ("Smith Plumbing", "smithplumbing.com", "USA", "Austin"),
                ("Acme Corporation", "acme.com", "USA", "Boston")]
        made = [(NAME, 100.0, ["different-domains"]),
                (NAME, 100.0, ["different-domains"]),
                (NAME, 100.0, ["different-domains", "common-name", "same-place"]),
                (DOMAIN, 100.0, [])]
    accounts = [Account(rec(*o), rec(*t, side=PARTNER), MatchInfo(m, s, REVIEW, f))
                for o, t, (m, s, f) in zip(ours, THEIRS, made)]
    s = Session(ours="Northwind", partner="Globex", accounts=accounts, session_id="s1")
    s.fields = default_field_policy(s)
    mark(s, (OURS, "name"), False)
    return s


def mark(s: Session, field: tuple[str, str], shareable: bool) -> None:
    next(f for f in s.fields if (f.side, f.name) == field).shareable = shareable


def shown(s: Session) -> list:
    shows = SharePolicy(s).shareable
    return [shown_match(a, shows) for a in s.accounts]


def order(s: Session, share_safe: bool) -> list[str]:
    shows = SharePolicy(s).shareable if share_safe else None
    return [a.pair_id for a in sorted(s.accounts, key=queue_order(shows, s.session_id))]


def test_share_safe_evidence_and_order_are_the_same_whether_hidden_values_agree_or_differ():
    agree, differ = session(False), session(True)
    assert [a.pair_id for a in agree.accounts] == [a.pair_id for a in differ.accounts]
    assert shown(agree) == shown(differ)
    assert order(agree, True) == order(differ, True)
    assert order(agree, False) != order(differ, False)  # the hidden evidence does order inside
    for m in shown(differ):
        assert not {"different-city", "different-country", "same-place", "common-name",
                    "close-candidates", "names-differ"} & set(m.flags)
    by_method = {m.method for m in shown(differ)}
    assert NAME not in by_method  # our names are private: "similar names" would tell them
    glob, _quantum, _smith, acme = shown(differ)
    assert (glob.method, glob.score, glob.flags) == (None, None, ("different-domains",))
    # a domain pair's method and score say only that the shared domains are one
    assert (acme.method, acme.score, acme.flags) == (DOMAIN, 100.0, ())
    assert glob.hidden == (NAMES, PLACES) == acme.hidden


def test_shared_fields_show_every_flag_and_score_as_the_internal_view():
    s = session(True)
    for field in ((OURS, "name"), (OURS, "Billing Country"), (OURS, "Billing City"),
                  (PARTNER, "Country/Region"), (PARTNER, "City")):
        mark(s, field, True)
    for a, m in zip(s.accounts, shown(s)):
        assert (m.method, m.score, m.flags, m.hidden) == (
            a.match.method, a.match.score, tuple(a.match.flags), ())
    assert order(s, True) == order(s, False)
    # only the places private: the name evidence shows, the place evidence does not
    mark(s, (OURS, "Billing City"), False)
    glob, quantum, smith, _acme = shown(s)
    assert (glob.method, glob.score, glob.flags) == (NAME, 91.0, ("different-domains",))
    assert quantum.flags == ("different-domains",)
    assert smith.flags == ("different-domains", "common-name", "close-candidates")


def test_a_private_domain_hides_what_the_domains_say():
    s = session(False)
    mark(s, (OURS, "name"), True)
    mark(s, (PARTNER, "domain"), False)
    m = shown(s)
    assert (m[3].method, m[3].score) == (None, None)  # "same domain" would tell theirs
    assert all("different-domains" not in x.flags for x in m)
    assert (m[0].method, m[0].score) == (None, 100.0)  # a name pair is one whose domains differ


def test_the_kept_order_is_made_again_when_a_place_column_is_marked():
    s = session(True)
    fields = [(f.side, f.name) for f in s.fields]
    before = evidence_shown(SharePolicy(s).shareable, fields)
    mark(s, (PARTNER, "City"), True)
    assert evidence_shown(SharePolicy(s).shareable, fields) != before
    mark(s, (PARTNER, "City"), False)
    mark(s, (PARTNER, "status"), False)  # not evidence: the order holds
    assert evidence_shown(SharePolicy(s).shareable, fields) == before
    assert evidence_shown(None, fields) == ()
    assert isinstance(s.fields[0], FieldInfo)
