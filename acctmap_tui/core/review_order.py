"""The order of a review queue: the pairs most likely to be one company first; and what of a
pair's match evidence (method, score, flags) a view may show.

Kept apart from `core.match` (numpy, rapidfuzz) so the review screen can order its queue without
importing the matcher: a saved session opened on its review phase paints sooner.

Match evidence in the share-safe view. The matcher (`core.match`) makes a pair's method, score and
flags from fields of both records: a name score from the two names, "different-country" from the
two country columns, and so on. Each says how our value relates to the partner's, and the partner
knows its own: a flag made from a private field tells that field. So a view that
`shows(side, field)` shows a piece of evidence only when every field it was made from shows, on
both sides (`EVIDENCE_FROM`, `shown_match`), and orders the queue by what it shows, then by a
keyed hash of the pair id (`queue_order`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from acctmap_tui.core.model import (
    DOMAIN,
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
    HASH,
    MANUAL,
    NAME,
    OURS,
    PARTNER,
    PSI,
    Account,
)
from acctmap_tui.core.score import IDENTITY_FIELDS, identity_shown, names_order
from acctmap_tui.core.sharing import Shows

SAME_NAME = 95.0  # a name pair scoring this much is the same name


def review_priority(account: Account) -> tuple[int, float]:
    """Sort key for a review queue, likely pairs first: the doubts its flags raise, then score.

    A pair that is the only candidate of both its records comes before one with close rivals,
    which comes before one of several equal candidates; a common name (unless the same city and
    country back it), a second domain, another country or a domain unlike the name each add a
    doubt. On the 50k bench (`bench/cli_bench.py`, 7,983 pairs in review, 1,187 true) the first
    1,000 pairs in this order hold 138 true ones and the first 2,000 hold 593; in score order the
    first 1,000 hold 182. The first 838 are distinctive names on two domains, which that world
    makes two firms more often than one (1,000 same-name decoys for 297 true pairs).
    """
    m = account.match
    return _priority(m.method, m.score, set(m.flags))


def _priority(method: str | None, score: float | None, flags: set[str]) -> tuple[int, float]:
    """`review_priority` of a pair's evidence (a hidden method or score: None, and it counts
    for nothing)."""
    score = score or 0.0
    if method == NAME and score >= SAME_NAME and flags == {FLAG_DIFFERENT_DOMAINS}:
        return -1, -score  # one distinctive name on two domains: likely one firm
    doubt = 3 if FLAG_ONE_TO_MANY in flags else 2 if FLAG_CLOSE_CANDIDATES in flags else 0
    doubt += FLAG_COMMON_NAME in flags and FLAG_SAME_PLACE not in flags
    doubt += len(flags & {FLAG_DIFFERENT_DOMAINS, FLAG_NAMES_DIFFER, FLAG_DOMAIN_UNLIKE_NAME,
                          FLAG_DIFFERENT_CITY})
    doubt += 2 * (FLAG_DIFFERENT_COUNTRY in flags)
    return doubt, -score


# --- what the evidence is made of ------------------------------------------------------------

# The kinds of field evidence is made from, each of both records: the names, the domains, and
# the country / city columns (extra CRM columns whose header names one, as `core.match` reads
# them: "Billing Country", "Country/Region", "City"; private by default).
NAMES, DOMAINS, PLACES = "names", "domains", "places"
KIND_WORDS = {NAMES: "names", DOMAINS: "domains", PLACES: "country/city columns"}
# Rival flags ("one-to-many", "close-candidates") compare this pair's score with its rivals':
# they are made from what the score is made from (see EVIDENCE_FROM).
RIVALS = "rivals"

# Each flag the matcher sets (`core.match`), by what it was made from:
# - names-differ: the domain join, the two name keys scoring below `names_differ` on one domain;
# - different-domains / no-domain: a name pair whose records both carry a domain / do not;
# - common-name: both names made of common words; same-place: that, with the same country and
#   city; different-country / different-city: the two records' country / city columns;
# - domain-unlike-name: the one domain given spells neither name;
# - name-note: the names are equal but for a note in brackets;
# - one-to-many / close-candidates: rivals of equal or close score (the domain join: a domain
#   on several records; name pairs: the scores; a second accepted pair on a record).
FLAG_EVIDENCE: dict[str, tuple[str, ...]] = {
    FLAG_NAMES_DIFFER: (NAMES, DOMAINS),
    FLAG_DIFFERENT_DOMAINS: (DOMAINS,),
    FLAG_NO_DOMAIN: (DOMAINS,),
    FLAG_COMMON_NAME: (NAMES,),
    FLAG_SAME_PLACE: (NAMES, PLACES),
    FLAG_DIFFERENT_COUNTRY: (PLACES,),
    FLAG_DIFFERENT_CITY: (PLACES,),
    FLAG_DOMAIN_UNLIKE_NAME: (NAMES, DOMAINS),
    FLAG_NAME_NOTE: (NAMES,),
    FLAG_ONE_TO_MANY: (RIVALS,),
    FLAG_CLOSE_CANDIDATES: (RIVALS,),
}
# Per method: what says it (a name pair is one whose domains did not join), what its score is
# made from (a manual pair's score is the names' likeness), and what its rivals' scores are
# (a name pair's rivals are weighed with a domain that spells the other side's name).
METHOD_EVIDENCE: dict[str, tuple[str, ...]] = {
    DOMAIN: (DOMAINS,), HASH: (DOMAINS,), PSI: (DOMAINS,), NAME: (NAMES, DOMAINS), MANUAL: (),
}
SCORE_EVIDENCE: dict[str, tuple[str, ...]] = {
    DOMAIN: (DOMAINS,), HASH: (DOMAINS,), PSI: (DOMAINS,), NAME: (NAMES,), MANUAL: (NAMES,),
}
RIVAL_EVIDENCE: dict[str, tuple[str, ...]] = {
    DOMAIN: (DOMAINS,), HASH: (DOMAINS,), PSI: (DOMAINS,), NAME: (NAMES, DOMAINS), MANUAL: (),
}
ALL_KINDS = (NAMES, DOMAINS, PLACES)  # a flag or method not known here: shown only with all
_PLACE_WORDS = frozenset(("country", "nation", "city", "town"))


def is_place_column(header: str) -> bool:
    """Whether `core.match` may read an extra column as a country or city (its `_place_role`,
    without its exception for phone columns: here a column more counts, never one less)."""
    words = re.findall(r"[a-z]+", header.casefold())
    return not _PLACE_WORDS.isdisjoint(words)


@dataclass(frozen=True)
class ShownMatch:
    """A pair's match as a view shows it: None for a method or score it may not show; `flags`
    those it may; `hidden`, the kinds of evidence (KIND_WORDS) the view keeps private for this
    pair, said whether or not the pair has evidence of that kind (saying it only when a flag
    was left out would tell that flag)."""

    method: str | None
    score: float | None
    flags: tuple[str, ...]
    hidden: tuple[str, ...] = ()


def evidence_view(shows: Shows | None) -> Callable[[Account], ShownMatch]:
    """`account -> ShownMatch` for a view that `shows(side, field)` (None: all, the internal
    view). The kinds shown are worked out once per view, the places once per set of headers."""
    if shows is None:
        return lambda a: ShownMatch(a.match.method, a.match.score, tuple(a.match.flags))
    our_name, their_name, our_domain, their_domain = identity_shown(shows)
    names, domains = our_name and their_name, our_domain and their_domain
    places: dict[tuple[tuple[str, ...], tuple[str, ...]], bool] = {}

    def shown(account: Account) -> ShownMatch:
        heads = (tuple(account.ours.extra), tuple(account.theirs.extra))
        place = places.get(heads)
        if place is None:
            place = places[heads] = all(
                shows(side, header) for side, headers in zip((OURS, PARTNER), heads)
                for header in headers if is_place_column(header))
        kinds = {NAMES: names, DOMAINS: domains, PLACES: place}
        method = account.match.method

        def may(needs: tuple[str, ...]) -> bool:
            return all(kinds[k] for k in needs)

        rivals = RIVAL_EVIDENCE.get(method, ALL_KINDS)
        flags = tuple(f for f in account.match.flags
                      if may(tuple(k for need in FLAG_EVIDENCE.get(f, ALL_KINDS)
                                   for k in (rivals if need == RIVALS else (need,)))))
        return ShownMatch(method if may(METHOD_EVIDENCE.get(method, ALL_KINDS)) else None,
                          account.match.score if may(SCORE_EVIDENCE.get(method, ALL_KINDS)) else None,
                          flags, tuple(k for k in ALL_KINDS if not kinds[k]))

    return shown


def shown_match(account: Account, shows: Shows | None = None) -> ShownMatch:
    """What a view that `shows(side, field)` may show of one pair's match (`evidence_view`)."""
    return evidence_view(shows)(account)


def evidence_shown(shows: Shows | None, fields: list[tuple[str, str]]) -> tuple:
    """What a view's evidence and names go by: which names and domains it shows, and which of
    the session's `fields` (side, header) read as places: a view makes its order again when
    one of these moves (marked private or shared)."""
    if shows is None:
        return ()
    return tuple((side, name, shows(side, name)) for side, name in
                 (*IDENTITY_FIELDS,
                  *((s, h) for s, h in fields if s in (OURS, PARTNER) and is_place_column(h))))


def queue_order(shows: Shows | None = None, salt: str = "") -> Callable[[Account], tuple]:
    """Sort key of a review queue for a view that `shows(side, field)`: `review_priority`, then
    by names (`core.score.names_order`). In a view that may hide something (share-safe), by the
    evidence it shows (`shown_match`: a hidden flag or score orders nothing), the names as
    shown, then `neutral_key` (the session's id as `salt`), never by the session's order,
    which is the matcher's."""
    by_names = names_order(shows, salt, neutral=shows is not None)
    if shows is None:
        return lambda a: (*review_priority(a), *by_names(a))
    shown = evidence_view(shows)

    def key(account: Account) -> tuple:
        m = shown(account)
        return (*_priority(m.method, m.score, set(m.flags)), *by_names(account))

    return key
