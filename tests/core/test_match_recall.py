"""Recall classes real lists need (issue 12): one small example per class of missed true pair.

Records here go through the normalizer (name keys and domains as ingest builds them), because
several classes live in the keys. Each test also checks that the fix does not let the look-alike
pair the old rule guarded against through.
"""

from __future__ import annotations

from acctmap_tui.core.match import match_lists, review_priority
from acctmap_tui.core.model import (
    AUTO,
    FLAG_DIFFERENT_DOMAINS,
    OURS,
    PARTNER,
    REVIEW,
    AccountList,
    Record,
)
from acctmap_tui.core.normalize import name_key, registrable_domain


def rec(name: str, website: str = "", **extra: str) -> Record:
    """A record as ingest builds it from a name and a website cell."""
    return Record(name=name, domain=registrable_domain(website), raw_domain=website,
                  name_key=name_key(name), extra=dict(extra))


def run(ours: list[Record], theirs: list[Record]):
    return match_lists(AccountList(OURS, "Us", "o.csv", records=ours),
                       AccountList(PARTNER, "Them", "t.csv", records=theirs))


def decision(result, ours_name: str, theirs_name: str) -> str | None:
    for a in result.accounts:
        if a.ours.name == ours_name and a.theirs.name == theirs_name:
            return a.match.decision
    return None


# --- legal suffixes with a typo ---------------------------------------------------------------


def test_a_mistyped_legal_suffix_is_stripped_like_the_suffix():
    for typo in ("Incorproated", "Liited", "oCrp", "PPty Ltd", "Limted", "Compnay"):
        assert name_key(f"Vantor Robotics {typo}") == "vantor robotics", typo
    result = run([rec("Vantor Robotics Incorproated", "vantorrobotics.com")],
                 [rec("Vantor Robotics Inc.")])
    assert decision(result, "Vantor Robotics Incorproated", "Vantor Robotics Inc.") == AUTO


def test_real_words_one_letter_from_a_legal_suffix_stay():
    assert name_key("Golden Crop") == "golden crop"  # "corp" with two letters swapped
    assert name_key("Apple Core") == "apple core"  # "corp" with a letter changed
    assert name_key("Acme SaaS") == "acme saas"


# --- acronyms and initials at one domain ------------------------------------------------------


def test_an_acronym_and_the_full_name_at_one_domain_whose_label_is_both_are_auto():
    result = run([rec("KKR & Co.", "https://www.kkr.com"), rec("IBM", "ibm.com")],
                 [rec("Kohlberg Kravis Roberts & Co. L.P.", "kkr.com"),
                  rec("International Business Machines Corporation", "jo@ibm.com")])
    assert decision(result, "KKR & Co.", "Kohlberg Kravis Roberts & Co. L.P.") == AUTO
    assert decision(result, "IBM", "International Business Machines Corporation") == AUTO


def test_unrelated_names_at_one_domain_still_go_to_review():
    # the label is our name's initials, but the partner's name is neither it nor its initials
    result = run([rec("Kohlberg Kravis Roberts", "kkr.com")], [rec("Totally Different", "kkr.com")])
    assert decision(result, "Kohlberg Kravis Roberts", "Totally Different") == REVIEW
