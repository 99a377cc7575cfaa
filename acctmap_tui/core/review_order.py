"""The order of a review queue: the pairs most likely to be one company first.

Kept apart from `core.match` (numpy, rapidfuzz) so the review screen can order its queue without
importing the matcher: a saved session opened on its review phase paints sooner.
"""

from __future__ import annotations

from acctmap_tui.core.model import (
    FLAG_CLOSE_CANDIDATES,
    FLAG_COMMON_NAME,
    FLAG_DIFFERENT_CITY,
    FLAG_DIFFERENT_COUNTRY,
    FLAG_DIFFERENT_DOMAINS,
    FLAG_DOMAIN_UNLIKE_NAME,
    FLAG_NAMES_DIFFER,
    FLAG_ONE_TO_MANY,
    FLAG_SAME_PLACE,
    NAME,
    Account,
)

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
    flags = set(account.match.flags)
    if (account.match.method == NAME and account.match.score >= SAME_NAME
            and flags == {FLAG_DIFFERENT_DOMAINS}):
        return -1, -account.match.score  # one distinctive name on two domains: likely one firm
    doubt = 3 if FLAG_ONE_TO_MANY in flags else 2 if FLAG_CLOSE_CANDIDATES in flags else 0
    doubt += FLAG_COMMON_NAME in flags and FLAG_SAME_PLACE not in flags
    doubt += len(flags & {FLAG_DIFFERENT_DOMAINS, FLAG_NAMES_DIFFER, FLAG_DOMAIN_UNLIKE_NAME,
                          FLAG_DIFFERENT_CITY})
    doubt += 2 * (FLAG_DIFFERENT_COUNTRY in flags)
    return doubt, -account.match.score
