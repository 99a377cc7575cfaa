"""Match two account lists into overlap candidates.

Domain first: records that share a registrable domain pair up with score 100 (auto, unless the
names differ a lot or the domain is on several records). Company names are the fallback for the
records the domain join left alone; they are compared in blocks (only names sharing the whole key, a
rare word, two neighbouring words, a word's first or last letters, or a rare word but for one
letter are scored), so the cost follows the number of plausible pairs, not ours x theirs.

A name pair is auto only when it scores at least `auto_accept`, no other candidate of either record
comes within `close_gap`, the name has a rare word (not "Smith Plumbing"), the two records do not
carry two different domains, and nothing else they carry says no: another country or city (from
`extra` columns such as "Billing Country", "Country/Region", "City"), or, where only one side has a
domain, a domain that looks like neither name. Where that one domain spells the other side's name
(redpacificsolutions.net on their "Red Pacific Soluttions", for our "Red Pacific Solutions"), the
pair is decided as if the names were equal. Otherwise a pair goes to review with flags saying why;
pairs with two different domains are proposed only when the names are near-identical and
distinctive, and a common name in two countries is not proposed. `core.review_order` orders a
queue with the likely pairs first.

Every candidate pair becomes an `Account` whose `match` says how it was found (method), how sure the
matcher is (score), and whether it is in the overlap (auto) or waiting for a person (review); its
flags say why a person should look. Prior human decisions (accepted, rejected, manual pairs) are then
applied by `pair_id`.

One record is in at most one overlap pair. The rule when pairs compete for a record:
1. a pair a person accepted wins (two accepted pairs sharing a record: the first keeps it, the next
   goes back to review flagged one-to-many);
2. an auto pair that competes with an accepted one is dropped (the person decided otherwise);
3. review pairs involving a record already in the overlap are dropped from the queue;
4. rejected pairs stay in the list, so the same pair is never proposed again.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import compress, repeat
from operator import attrgetter

import numpy as np
from rapidfuzz import fuzz, process

from acctmap_tui.core.bulk import paused_gc
from acctmap_tui.core.normalize import LEGAL_TERMS, is_shared_domain, name_key, registrable_domain
from acctmap_tui.core.model import (
    ACCEPTED,
    AUTO,
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
    IN_OVERLAP,
    MANUAL,
    METHODS,
    NAME,
    REJECTED,
    REVIEW,
    SIDES,
    Account,
    AccountList,
    MatchInfo,
    Record,
    Thresholds,
)

# The name scorer. Keys arrive normalised (case, accents, punctuation and legal suffixes gone), so
# "Acme, Inc." and "ACME Corporation" are both "acme" and need no forgiving scorer. token_sort_ratio
# is plain edit similarity after sorting words: word order does not matter, a typo costs a few
# points, and an extra word costs a lot ("acme" vs "acme labs" = 62, two companies). token_set_ratio
# and WRatio score any subset or substring at 90-100, which auto-accepts "Acme" = "Acme Labs". In
# bench/match_bench.py (--n 20000 --scorer ...) auto precision was 0.995 for token_sort_ratio (ratio
# and QRatio the same), 0.989 for WRatio and 0.984 for token_set_ratio, whose review queues were
# also twice as long.
SCORER = fuzz.token_sort_ratio
SEARCH_SCORER = fuzz.WRatio  # for a person searching by hand: forgiving, shows "acme labs" for "acme"

MIN_TOKEN = 3  # words shorter than this ("co", "of", "de") do not open a block
MAX_NAME_BLOCK = 200  # a name key held by more records than this on a side is not compared
MAX_BLOCK = 100  # a word in more names than this on either side is too common to block on
MAX_AFFIX_BLOCK = 40  # tighter cap for first/last-letters blocks (they only catch typos)
AFFIX = 4  # letters in a first/last-letters block key
MIN_TYPO_WORD = 4  # words this long or longer are also blocked with a letter dropped ("viwn" ~ "viwen")
MAX_TYPO_WORD = 40  # but not longer ones (a code, a text with no spaces): that is a key a letter
# A letter-dropped block shared by more names than this on a side is a crowd of look-alike short
# words ("quara", "quaka", "qara"), where one letter says nothing. On the 50k bench these blocks
# with a cap of 10 put 30 more true pairs in the queue for 195 more pairs; a cap of 40, 36 for 914.
MAX_TYPO_BLOCK = 10
NEIGHBOURS = 2  # second pass: names compared on each side of a lonely name in sorted order
SCORE_CHUNK = 200_000  # name pairs given to rapidfuzz at a time (bounds the peak memory)
WORD_CELLS = 2_000_000  # words against words compared at a time (`_word_checks`; bounds the peak)
TEXT_CHARS = 2_000_000  # characters of names counted at a time (`_char_counts`; bounds the peak)
NAME_KEYS = 2_000_000  # names' blocking keys given to them at a time (`_name_blocks`; bounds the peak)
REVIEW_PER_RECORD = 3  # keep the review queue human-sized: at most this many candidates per record
# A name whose every word is in more than this many names of the two lists ("Allen Auto", "Smith",
# "Blue River Foods") is too common to trust alone: two firms of that name are likely, so a
# name-only pair on it goes to review instead of auto.
COMMON_WORD = 5
# A name of common words is still rare as a whole when fewer than this many names of the two
# lists are expected to hold all its words by chance (see _word_info).
# On the 20k bench 0.05 gave 0.7 points more auto recall at the same precision; 0.5 gave 3.3
# points more but precision fell to 0.984 (the bench's world is full of namesakes).
RARE_NAME = 0.05



# What the matcher is doing from each reported fraction on (see `phase_of`): a driver labels its
# progress bar with these, so the CLI and the app's load screen show the same phases.
PHASES = (
    (0.0, "joining on domains"),
    (0.2, "finding name candidates"),
    (0.4, "scoring names"),
    (0.75, "weighing the evidence"),
    (0.9, "settling decisions"),
)


def phase_of(fraction: float) -> str:
    """The matcher's phase at a progress fraction reported by `match_lists`."""
    return next(label for start, label in reversed(PHASES) if fraction >= start or start == 0.0)


@dataclass
class MatchResult:
    """What the matcher found.

    `stats` counts overlap pairs by method ("domain", "name", "manual", "hash") and all pairs by
    decision ("auto", "accepted", "review", "rejected"), plus "overlap".
    """

    accounts: list[Account] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    lists: tuple[list[Record], list[Record]] = field(default_factory=lambda: ([], []))  # ours, theirs

    # The records in no pair but a rejected one, asked of the pairs as they are when first asked
    # (neither the CLI nor the app asks: at 200k, working them out took 0.9 s).
    @cached_property
    def unmatched_ours(self) -> list[Record]:
        placed = self._placed
        return [r for r in self.lists[0] if id(r) not in placed]

    @cached_property
    def unmatched_theirs(self) -> list[Record]:
        placed = self._placed
        return [r for r in self.lists[1] if id(r) not in placed]

    @cached_property
    def _placed(self) -> set[int]:
        # every pair holds the lists' own record objects (apply_decisions re-creates a decided
        # pair from them), so a record is placed when its object is in a pair
        return {id(r) for a in self.accounts if a.match.decision != REJECTED for r in (a.ours, a.theirs)}


def match_lists(
    ours: AccountList,
    theirs: AccountList,
    thresholds: Thresholds | None = None,
    decisions: Iterable[Account] = (),
    progress: Callable[[float], None] | None = None,
) -> MatchResult:
    """Pair our records with theirs: domain join, blocked fuzzy names, then prior decisions.

    The two lists must carry comparable `domain` values (when one side is hashed, the caller hashes
    the other side's domains with the same key). `progress` gets a fraction 0..1 a few times.
    """
    with paused_gc():
        return _match_lists(ours, theirs, thresholds or Thresholds(), decisions,
                            progress or (lambda _fraction: None))


def _match_lists(ours: AccountList, theirs: AccountList, th: Thresholds, decisions: Iterable[Account],
                 report: Callable[[float], None]) -> MatchResult:
    report(0.0)
    hashed = ours.hashed or theirs.hashed
    notes: list[str] = []

    accounts, paired_o, paired_t = _domain_pairs(ours.records, theirs.records, th, HASH if hashed else DOMAIN)
    report(0.2)
    if hashed:
        who = ("both lists are" if ours.hashed and theirs.hashed
               else "the partner list is" if theirs.hashed else "our list is")
        notes.append(f"{who} hashed: name matching is not possible, domain hashes only")
    else:
        accounts += _name_pairs(ours.records, theirs.records, paired_o, paired_t, th, notes, report)
        accounts += _note_pairs(ours.records, theirs.records, accounts)
    report(0.9)

    accounts = apply_decisions(accounts, decisions, ours, theirs)
    result = MatchResult(accounts=accounts, notes=notes, lists=(ours.records, theirs.records))
    result.stats = _stats(accounts)
    report(1.0)
    return result


def apply_decisions(
    accounts: list[Account], decisions: Iterable[Account], ours: AccountList, theirs: AccountList
) -> list[Account]:
    """Re-apply human decisions to fresh matcher output and settle competing pairs.

    A decision counts when it is accepted or rejected, or is a manual pair. It is matched by
    `pair_id`; a decided pair the matcher did not propose is re-created from the current records
    when both still exist (a decision on a record that left the lists lapses). Accounts passed in
    may be updated in place. Returns the settled accounts sorted by our name key; see the module
    docstring for how competing pairs are settled.
    """
    out = list(accounts)
    decisions = [d for d in decisions
                 if d.match.decision in (ACCEPTED, REJECTED) or d.match.method == MANUAL]
    if not decisions:  # a new session: nothing to look up
        return _settled_in_order(out)
    by_pair: dict[str, Account] = {}
    for a in out:
        by_pair.setdefault(a.pair_id, a)
    ours_by_key: dict[str, Record] = {}
    for r in ours.records:
        ours_by_key.setdefault(r.key, r)
    theirs_by_key: dict[str, Record] = {}
    for r in theirs.records:
        theirs_by_key.setdefault(r.key, r)

    for d in decisions:  # auto and review are the matcher's, not a person's: left out above
        decision = REJECTED if d.match.decision == REJECTED else ACCEPTED
        current = by_pair.get(d.pair_id)
        if current is not None:
            current.match.decision = decision
            continue
        o, t = ours_by_key.get(d.ours.key), theirs_by_key.get(d.theirs.key)
        if o is None or t is None:
            continue
        method = d.match.method if d.match.method in METHODS else MANUAL
        account = Account(o, t, MatchInfo(method, d.match.score, decision, list(d.match.flags)))
        out.append(account)
        by_pair[account.pair_id] = account

    return _settled_in_order(out)


_BY_NAMES = attrgetter("ours.name_key", "ours.name", "theirs.name_key", "theirs.name")


def _settled_in_order(accounts: list[Account]) -> list[Account]:
    out = _settle(accounts)
    out.sort(key=_BY_NAMES)
    return out


def candidates_for(record: Record, side: str, other: AccountList, limit: int = 10) -> list[tuple[Record, float]]:
    """Records of the other list a person might pair `record` (from `side`) with, best first.

    Exact domain hits come first (score 100), then the closest names by a forgiving scorer. A hashed
    list can only be searched by domain.
    """
    if side not in SIDES:
        raise ValueError(f"unknown side {side!r}")
    if limit <= 0:
        return []
    hits: list[tuple[Record, float]] = []
    seen: set[str] = set()  # record keys (unique within one list)
    if record.domain:
        for r in other.records:
            if r.domain == record.domain:
                hits.append((r, 100.0))
                seen.add(r.key)
    query = record.name_key or record.name.casefold().strip()
    if query and not (record.hashed or other.hashed):
        choices = [r.name_key or r.name.casefold() for r in other.records]
        found = process.extract(query, choices, scorer=SEARCH_SCORER, limit=limit + len(hits), score_cutoff=50)
        for _choice, score, index in found:
            r = other.records[index]
            if r.key not in seen:
                hits.append((r, float(score)))
                seen.add(r.key)
    return hits[:limit]


def manual_pair(ours_rec: Record, theirs_rec: Record) -> Account:
    """A pair a person made by hand: method manual, decision accepted, score = name similarity."""
    score = 0.0
    if ours_rec.name_key and theirs_rec.name_key:
        score = float(SCORER(ours_rec.name_key, theirs_rec.name_key))
    return Account(ours_rec, theirs_rec, MatchInfo(MANUAL, round(score, 1), ACCEPTED))


# --- domain join -------------------------------------------------------------------------------


def _domain_pairs(
    ours: list[Record], theirs: list[Record], th: Thresholds, method: str
) -> tuple[list[Account], set[int], set[int]]:
    """Pairs sharing a non-empty domain, and the indexes of the records they use on each side.

    A record's other domains (several in one website cell) join too; a pair sharing several
    domains is one pair.
    """
    raw = _domain_joins(ours, theirs)
    keys_o = [ours[i].name_key for i, _, _ in raw]
    keys_t = [theirs[j].name_key for _, j, _ in raw]
    sims = process.cpdist(keys_o, keys_t, scorer=fuzz.token_set_ratio, workers=-1) if raw else []

    accounts = []
    for (i, j, several), sim, ko, kt in zip(raw, sims, keys_o, keys_t):
        flags = []
        if several:
            flags.append(FLAG_ONE_TO_MANY)
        if ko and kt and sim < th.names_differ and not _label_names_both(ours[i].domain, ko, kt):
            flags.append(FLAG_NAMES_DIFFER)
        decision = REVIEW if flags else AUTO
        accounts.append(Account(ours[i], theirs[j], MatchInfo(method, 100.0, decision, flags)))
    return accounts, {i for i, _, _ in raw}, {j for _, j, _ in raw}


def _domain_joins(ours: list[Record], theirs: list[Record]) -> list[tuple[int, int, bool]]:
    """The pairs (i, j, several) of our record i and their record j sharing a domain, each
    once, in order of our domains (as first met), then theirs; `several` when a domain is on
    more records than that pair's two."""
    dom_t, dom_o = list(map(_DOMAIN, theirs)), list(map(_DOMAIN, ours))
    # The usual lists (ingest merges the rows of a domain): each domain on one record a side,
    # and no record with other domains: our i pairs with the one j of its domain.
    at_t = dict(zip(dom_t, range(len(theirs))))  # a domain's last j
    at_t.pop("", None)
    with_domain_t, with_domain_o = len(dom_t) - dom_t.count(""), len(dom_o) - dom_o.count("")
    if (len(at_t) == with_domain_t and len(set(dom_o).difference(("",))) == with_domain_o
            and not any(map(_OTHER_DOMAINS, theirs)) and not any(map(_OTHER_DOMAINS, ours))):
        return [(i, j, False) for i, j in enumerate(map(at_t.get, dom_o)) if j is not None]
    by_domain_t: dict[str, list[int]] = defaultdict(list)
    for j in compress(range(len(theirs)), dom_t):
        by_domain_t[dom_t[j]].append(j)
        for d in theirs[j].other_domains:
            by_domain_t[d].append(j)
    by_domain_o: dict[str, list[int]] = defaultdict(list)
    for i in compress(range(len(ours)), dom_o):
        if dom_o[i] in by_domain_t:
            by_domain_o[dom_o[i]].append(i)
        for d in ours[i].other_domains:
            if d in by_domain_t:
                by_domain_o[d].append(i)

    raw: list[tuple[int, int, bool]] = []
    seen: set[tuple[int, int]] = set()
    for domain, idx_o in by_domain_o.items():
        idx_t = by_domain_t[domain]
        several = len(idx_o) > 1 or len(idx_t) > 1
        for i in idx_o:
            for j in idx_t:
                if (i, j) not in seen:
                    seen.add((i, j))
                    raw.append((i, j, several))
    return raw


_NOT_INITIALS = frozenset(("and", "of", "the", "for", "de", "und", "et"))


def _initials(key: str) -> str:
    """First letters of a name key's words, small words left out: "kohlberg kravis roberts" -> "kkr"."""
    return "".join(w[0] for w in key.split() if w not in _NOT_INITIALS)


def _label_names_both(domain: str, key_a: str, key_b: str) -> bool:
    """Whether a shared domain's label is each name, run together or as its initials.

    "KKR" and "Kohlberg Kravis Roberts & Co." at kkr.com, "IBM" and "International Business
    Machines" at ibm.com: the names look unrelated, but the domain is both of them.
    """
    label = domain_label(domain)
    if len(label) < 2:
        return False

    def names(key: str) -> bool:
        return _spells(label, key) or (len(key.split()) >= 2 and label == _initials(key))

    return names(key_a) and names(key_b)


# --- name matching -----------------------------------------------------------------------------


# How many names may share a block, by the kind of block key
_BLOCK_CAPS = {"=": MAX_NAME_BLOCK, "w": MAX_BLOCK, "+": MAX_BLOCK, "<": MAX_AFFIX_BLOCK,
               ">": MAX_AFFIX_BLOCK, "~": MAX_TYPO_BLOCK, "[": MAX_AFFIX_BLOCK, "]": MAX_AFFIX_BLOCK}


@dataclass(frozen=True)
class _NameWords:
    """The words of the distinct name keys, flat: name n's words are the vocab words
    ids[start[n]:start[n + 1]] (n_tokens of them in all); `per_word` counts, per vocab word, the
    records of the two lists whose name holds it (once per name)."""

    n_tokens: int
    vocab: list[str]
    ids: np.ndarray
    start: np.ndarray
    name_of: np.ndarray  # the name of each token
    per_word: np.ndarray
    sorted_forms: list[str]  # each name's words sorted, as token_sort_ratio compares them
    # each name run together, generic words and a word's plural or possessive "s" left out
    # (`_compact_letters`): "campbells soup holdings" -> "campbellsoup"; all generic: all its words
    compact_forms: list[str]
    # per token, in `sorted_forms` order: the rank of its word in sorted order
    sorted_ranks: np.ndarray
    # the names are their words joined by single spaces, and no word holds a character below a
    # space: two names then compare as strings as their words compare in sequence (`_name_ranks`)
    plain: bool

    @property
    def size(self) -> np.ndarray:
        return self.start[1:] - self.start[:-1]


def _name_words(names: list[str], records_per_name: np.ndarray) -> _NameWords:
    """The words of each name key, split in one pass over all names (see `_NameWords`)."""
    text = " ".join(names)
    # words joined by single spaces, as name_key writes them: checked on the joined text first
    # (no whitespace but single spaces, none at either end of a name), name by name when in doubt
    as_written = (all(names) and "  " not in text and not text.startswith(" ") and not text.endswith(" ")
                  and not (any(map(text.__contains__, _ASCII_OTHER_SPACE)) if text.isascii()
                           else _OTHER_SPACE.search(text))) or all(
        k and "  " not in k and "\n" not in k and k == k.strip() for k in names)
    if not as_written:
        names = [" ".join(k.split()) or "?" for k in names]  # not as name_key writes them
        text = " ".join(names)
    if names:
        tokens = text.split(" ")
        size = np.fromiter(map(str.count, names, repeat(" ")), dtype=np.int64, count=len(names)) + 1
    else:
        tokens, size = [], np.zeros(0, dtype=np.int64)
    index: dict[str, int] = {}  # each word's number, in order of first sight
    ids = np.asarray([index.setdefault(w, len(index)) for w in tokens], dtype=np.int64)
    vocab = list(index)
    # from here on a word is its entry in vocab: every token was a string of its own (names of
    # 40 words held 4 million of them, 250 MB)
    n_tokens = len(tokens)
    del tokens, index
    vocab_texts = np.asarray(vocab, dtype=object)
    name_of = np.repeat(np.arange(len(names), dtype=np.int64), size)
    n_vocab = max(len(vocab), 1)
    once = _distinct(name_of * n_vocab + ids)  # each word once per name
    per_word = np.bincount(once % n_vocab, weights=records_per_name[once // n_vocab],
                           minlength=len(vocab)).astype(np.int64)
    start = np.concatenate(([0], np.cumsum(size)))
    # each name's words sorted: its tokens ordered by the rank of their word in sorted order
    order = sorted(range(len(vocab)), key=vocab.__getitem__)
    word_rank = np.empty(len(vocab), dtype=np.int64)
    word_rank[np.asarray(order, dtype=np.int64)] = np.arange(len(vocab))
    by_rank = np.lexsort((word_rank[ids], name_of))
    letters = np.fromiter(map(len, vocab), dtype=np.int64, count=len(vocab))[ids]
    sorted_forms = _cut(" ".join(vocab_texts[ids[by_rank]].tolist()), _per_name(letters, start) + size - 1, 1)
    # the compact forms: each word's compact piece (its first letters that count), all joined
    keeps = _compact_letters(vocab)
    pieces = np.asarray(list(map(str.__getitem__, vocab, map(slice, keeps.tolist()))), dtype=object)
    compact_size = _per_name(keeps[ids], start)
    compact_forms = _cut("".join(pieces[ids].tolist()), compact_size, 0)
    for n in np.flatnonzero(compact_size == 0).tolist():  # generic words only
        compact_forms[n] = names[n].replace(" ", "")
    # no word holds a character below a space (the names' own spaces part their words)
    plain = as_written and not _BELOW_SPACE.search(text)
    return _NameWords(n_tokens, vocab, ids, start, name_of, per_word, sorted_forms, compact_forms,
                      word_rank[ids[by_rank]], plain)


_OTHER_SPACE = re.compile(r"[^\S ]")  # whitespace but a plain space
_BELOW_SPACE = re.compile(r"[\x00-\x1f]")
_ASCII_OTHER_SPACE = "".join(c for c in map(chr, range(128)) if c.isspace() and c != " ")


def _runs(loads: np.ndarray, size: int) -> list[tuple[int, int]]:
    """Consecutive ranges [i, j) of items, cut where the running total of their `loads` passes
    each multiple of `size`: a step that takes memory by the load goes a range at a time (one
    range, maybe empty, when the total is under `size`)."""
    cuts = (np.flatnonzero(np.diff(np.cumsum(loads) // size)) + 1).tolist()
    bounds = [0, *cuts, len(loads)]
    return list(zip(bounds[:-1], bounds[1:]))


def _utf32(text: str) -> np.ndarray:
    """The code points of a string (a lone surrogate too)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _per_name(values: np.ndarray, start: np.ndarray) -> np.ndarray:
    """The sum of each name's values (per token, grouped by name in `start` order; every name
    has a token)."""
    return np.add.reduceat(values, start[:-1]) if len(values) else np.zeros(len(start) - 1, dtype=np.int64)


def _cut(text: str, size: np.ndarray, gap: int) -> list[str]:
    """`text` cut into consecutive pieces of the given sizes, `gap` characters apart."""
    end = np.cumsum(size + gap) - gap
    return list(map(text.__getitem__, map(slice, (end - size).tolist(), end.tolist())))


def _name_blocks(names: list[str], words: _NameWords
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The blocks of each distinct name key: (start, blocks, cap, whole) where name n is in blocks
    blocks[start[n]:start[n + 1]] (numbered from 0, each once), `cap` is each block's size cap
    and whole[n] is the block of name n's whole key.

    A name's blocking keys: the whole key; each word's keys (the word; a long
    word's first and last letters, "<" / ">", for a typo in the other half of the word; a rare
    word with one letter dropped, "~", for a typo anywhere in it: "viwen" and "viwn" share "viwn",
    "soltuions" and "solutions" share "soltions", kept where two words or more give it,
    `_shared_keys`, and for words of MAX_TYPO_WORD letters at most; a number has the word only);
    in names of three words or more, each pair of
    neighbouring words ("+", for a typo in a word too common to block on, as in "red pacific
    soluttions"); and in names of two words or more, the first and last letters of the name run
    together ("[" / "]", a typo across a word boundary: "rus trose").

    A whole key and a word are numbered as they are (name n's whole key is block n, the k-th word
    of MIN_TOKEN letters or more block len(names) + k). The other keys are told apart by a
    64-bit hash, not kept in a dict (that took most of this step's time): a key's hash is that
    of its letters (`_letter_hashes`, made in numpy, not from strings) mixed with its kind
    (`_keyed`), and a pair of words' is made from the two words' hashes. Two of a million keys
    collide with odds below 1e-7, and would only merge two blocks.
    """
    # The keys are made kind by kind over all names at once, and each word's keys once per
    # distinct word, then given to the names holding it in one numpy step; the order of the
    # hashed keys does not matter (they are numbered by sorted hash).
    name_of = words.name_of
    n_names = len(names)
    words_in = words.size
    last = np.zeros(words.n_tokens, dtype=bool)  # a name's last word
    last[words.start[1:][words_in > 0] - 1] = True
    vocab = words.vocab
    word_hash = _hashes(vocab)

    own: list[tuple[np.ndarray, str]] = []  # the names' hashed keys (`_keyed`), kind by kind
    owners: list[np.ndarray] = []  # the name holding each of them
    # neighbouring words, in names of three words or more
    at = np.flatnonzero(~last[:-1] & (words_in[name_of[:-1]] >= 3))
    first_word, next_word = (word_hash[words.ids[i]].view(np.uint64) for i in (at, at + 1))
    own.append(_keyed("+", (first_word * _PAIR_MIX + next_word).view(np.int64)))
    owners.append(name_of[at])
    del at, first_word, next_word  # a name of 40 words has 39 of them
    # the first and last letters of the name run together, in names of two words or more
    compact_size = np.fromiter(map(len, words.compact_forms), dtype=np.int64, count=n_names)
    runs = np.flatnonzero((words_in >= 2) & (compact_size >= 2 * AFFIX))
    compact_chars = _utf32("".join(words.compact_forms))
    run_end = np.cumsum(compact_size)[runs]
    own.append(_keyed("[", _letter_hashes(compact_chars, run_end - compact_size[runs], AFFIX + 1)))
    own.append(_keyed("]", _letter_hashes(compact_chars, run_end - (AFFIX + 1), AFFIX + 1)))
    owners += [runs, runs]
    del compact_chars

    # each distinct word's keys, by word id (words of MIN_TOKEN letters or more)
    length = np.fromiter(map(len, vocab), dtype=np.int64, count=len(vocab))
    long_word = length >= MIN_TOKEN
    keep = long_word[words.ids]
    longs = np.flatnonzero(long_word)
    # a number's digits are its identity: store 1234 and store 1243 are two stores, so a number
    # is blocked on as a whole only (50,000 numbered names made half a million letter-block pairs)
    spelt = long_word & ~np.fromiter(map(str.isdigit, vocab), dtype=bool, count=len(vocab))
    affixed = longs[(length[longs] > AFFIX) & spelt[longs]]
    vocab_chars = _utf32("".join(vocab))
    begin = np.cumsum(length) - length
    typo = np.flatnonzero(spelt & (length >= MIN_TYPO_WORD) & (length <= MAX_TYPO_WORD)
                          & (words.per_word <= 2 * MAX_TYPO_BLOCK))
    typo_hashes, deletions, deleted_from = _deletion_hashes(vocab_chars, begin[typo], length[typo])
    typo_keys, typo_word = _shared_keys(np.concatenate((typo_hashes, deletions)),
                                        np.concatenate((typo, typo[deleted_from])))
    word_keys = [_keyed("<", _letter_hashes(vocab_chars, begin[affixed], AFFIX)),
                 _keyed(">", _letter_hashes(vocab_chars, begin[affixed] + length[affixed] - AFFIX, AFFIX)),
                 _keyed("~", typo_keys)]
    del vocab_chars, deletions

    # the hashed keys are numbered after the whole keys and words (each word's keys once), then
    # given to the names holding them; np.unique(return_index=True, return_inverse=True) sorts
    # stably, twice as slow: any key of one hash has the same kind, so the same cap
    n_fixed = n_names + len(longs)
    n_own = sum(len(h) for h, _kind in own)
    kinds = [(kind, len(h)) for h, kind in own + word_keys]
    hashes = np.concatenate([h for h, _kind in own + word_keys])
    del own, word_keys
    order = np.argsort(hashes)
    ordered = hashes[order]
    del hashes
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    del ordered
    block = np.cumsum(first) + (n_fixed - 1)
    inverse = np.empty_like(block)
    inverse[order] = block
    n_blocks = int(block[-1]) + 1 if len(block) else n_fixed
    del block
    caps = np.concatenate((np.full(n_names, _BLOCK_CAPS["="], dtype=np.int64),
                           np.full(len(longs), _BLOCK_CAPS["w"], dtype=np.int64),
                           _kind_caps(kinds, order[first])))
    del order, first

    key_word = np.concatenate((longs, affixed, affixed, typo_word))
    key_block = np.concatenate((np.arange(n_names, n_fixed, dtype=np.int64), inverse[n_own:]))
    by_word = np.argsort(key_word, kind="stable")
    word_start = np.concatenate(([0], np.cumsum(np.bincount(key_word, minlength=len(vocab)))))
    own_blocks = np.split(inverse[:n_own], np.cumsum([len(o) for o in owners])[:-1])
    whole = np.arange(n_names, dtype=np.int64)

    # Each name's keys are given to it over runs of names of about NAME_KEYS keys in all (a name
    # of 40 words has hundreds); the keys of a run are those of its names only, as its owners
    # (`owners` are each in name order), so the runs' blocks, each once per name, follow on.
    token_keys = (word_start[1:] - word_start[:-1])[words.ids]  # 0 for a short word
    flat, counts = [], []
    for n0, n1 in _runs(1 + 2 * words_in + _per_name(token_keys, words.start), NAME_KEYS):
        t0, t1 = int(words.start[n0]), int(words.start[n1])
        kept = keep[t0:t1]
        occurrence, got = _expand(word_start, by_word, words.ids[t0:t1][kept])
        ranges = [np.searchsorted(o, (n0, n1)) for o in owners]
        owner = np.concatenate((whole[n0:n1], *(o[lo:hi] for o, (lo, hi) in zip(owners, ranges)),
                                name_of[t0:t1][kept][occurrence]))
        block_of = np.concatenate((whole[n0:n1], *(b[lo:hi] for b, (lo, hi) in zip(own_blocks, ranges)),
                                   key_block[got]))
        del occurrence, got
        code = _distinct(owner * n_blocks + block_of)  # each block once per name
        del owner, block_of
        counts.append(np.bincount(code // n_blocks - n0, minlength=n1 - n0))
        flat.append(code % n_blocks)
    start = np.concatenate(([0], np.cumsum(np.concatenate(counts))))
    return start, np.concatenate(flat), caps, whole


# a block key's hash is its letters' (or its two words') hash XOR its kind's salt (any 64-bit
# constants, one a kind)
_KIND_SALT = {kind: (n + 1) * 0x2545F4914F6CDD1D % (1 << 63) for n, kind in enumerate(_BLOCK_CAPS)}
_PAIR_MIX = np.uint64(0x9E3779B97F4A7C15)  # a pair of words' hash: first * _PAIR_MIX + second


# letters' hash: h = h * _LETTER_MIX + code point + 1, letter by letter (+ 1: a leading NUL counts)
_LETTER_MIX = np.uint64(0xC2B2AE3D27D4EB4F)


def _hashes(texts: list[str]) -> np.ndarray:
    """Each string's hash (cached in the string once computed: names and words are hashed once)."""
    return np.fromiter(map(hash, texts), dtype=np.int64, count=len(texts))


def _keyed(kind: str, hashes: np.ndarray) -> tuple[np.ndarray, str]:
    """Block keys of one kind from their strings' hashes, and the kind: the word "acme" and the
    whole name "acme" are two blocks."""
    return hashes ^ _KIND_SALT[kind], kind


def _kind_caps(kinds: list[tuple[str, int]], at: np.ndarray) -> np.ndarray:
    """The size cap of each key at[k] of keys made kind by kind, (kind, how many) in turn, and
    counted as one array."""
    ends = np.cumsum([n for _kind, n in kinds])
    caps = np.asarray([_BLOCK_CAPS[kind] for kind, _n in kinds], dtype=np.int64)
    return caps[np.searchsorted(ends, at, side="right")]


def _shared_keys(hashes: np.ndarray, word: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The letter-dropped keys (by hash; each with the word it is of) that two words or more
    give. A key of one word only would block the names holding that word, which the word's own
    block ("w", of a larger cap) already pairs: nine keys in ten at 50k, left out."""
    order = np.argsort(hashes)
    hashes, word = hashes[order], word[order]
    if not len(hashes):
        return hashes, word
    first = np.empty(len(hashes), dtype=bool)
    first[0] = True
    np.not_equal(hashes[1:], hashes[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    several = np.minimum.reduceat(word, starts) != np.maximum.reduceat(word, starts)
    keep = several[np.cumsum(first) - 1]
    return hashes[keep], word[keep]


def _letter_hashes(chars: np.ndarray, begin: np.ndarray, n: int) -> np.ndarray:
    """The hash of each run of n letters chars[begin[k]:begin[k] + n] (code points, `_utf32`):
    equal letters, equal hashes, as `_deletion_hashes` gives them."""
    hashes = np.zeros(len(begin), dtype=np.uint64)
    for k in range(n):
        hashes *= _LETTER_MIX
        hashes += chars[begin + k]
        hashes += np.uint64(1)
    return hashes.view(np.int64)


def _deletion_hashes(chars: np.ndarray, begin: np.ndarray, size: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The `_letter_hashes` of each word chars[begin[k]:begin[k] + size[k]], and of the word
    with one letter dropped, each letter in turn ("viwen" and "viwn" share "viwn"; a doubled
    letter gives one twice: each block is counted once per name), with the index of the word
    each is of.

    No dropped form is built: the words of one length are a grid, one word a row, and the hash
    of a row without letter d is its first d letters' hash shifted past the rest, plus the
    rest's (from the hashes of each row's prefixes).
    """
    whole = np.zeros(len(begin), dtype=np.uint64)
    out, owners = [np.zeros(0, dtype=np.uint64)], [np.zeros(0, dtype=np.int64)]
    for n in np.unique(size).tolist():
        of = np.flatnonzero(size == n)
        grid = chars[begin[of][:, None] + np.arange(n)].astype(np.uint64) + np.uint64(1)
        prefix = np.zeros((len(of), n + 1), dtype=np.uint64)  # prefix[:, k]: the first k letters'
        for k in range(n):
            prefix[:, k + 1] = prefix[:, k] * _LETTER_MIX + grid[:, k]
        whole[of] = prefix[:, n]
        shift = np.array([pow(int(_LETTER_MIX), n - 1 - d, 1 << 64) for d in range(n)], dtype=np.uint64)
        out.append((prefix[:, :n] * shift + (prefix[:, n:] - prefix[:, 1:] * shift)).ravel())
        owners.append(np.repeat(of, n))
    return whole.view(np.int64), np.concatenate(out).view(np.int64), np.concatenate(owners)


def _expand(start: np.ndarray, items: np.ndarray, of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each position k of `of` (an index into a CSR list `start`/`items`), every item of
    list of[k]: (positions, items), a vectorised `[(k, x) for k, n in enumerate(of) for x in
    items[start[n]:start[n + 1]]]`."""
    counts = (start[1:] - start[:-1])[of]
    total = int(counts.sum())
    first = np.cumsum(counts) - counts
    offset = np.arange(total, dtype=np.int64) - np.repeat(first, counts)
    return np.repeat(np.arange(len(of), dtype=np.int64), counts), items[np.repeat(start[of], counts) + offset]


def _candidate_pairs(
    names: list[str], name_o: np.ndarray, name_t: np.ndarray, words: _NameWords
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Candidate pairs: the pairs of our name a and their name b sharing a block, as codes
    a * len(names) + b (sorted, each once); the pairs of records (ours, theirs) the second pass
    found; and the name keys on both sides that were too common to compare. `names` are the
    distinct name keys of both lists; name_o[i] is the index in `names` of our i-th name key,
    name_t[j] theirs.

    Blocks hold names, not records: the records of one name share its blocks and its pairs, and
    a block's size (for its cap) counts the records.
    """
    empty = np.zeros(0, dtype=np.int64)
    if not len(name_o) or not len(name_t):
        return empty, empty, empty, []
    n_names = len(names)
    start, flat, cap, whole = _name_blocks(names, words)
    per_o, per_t = np.bincount(name_o, minlength=n_names), np.bincount(name_t, minlength=n_names)
    held_o, held_t = np.flatnonzero(per_o), np.flatnonzero(per_t)
    ro, bo = _expand(start, flat, held_o)
    rt, bt = _expand(start, flat, held_t)
    ro, rt = held_o[ro], held_t[rt]
    n_blocks = len(cap)
    count_o = np.bincount(bo, weights=per_o[ro], minlength=n_blocks)
    count_t = np.bincount(bt, weights=per_t[rt], minlength=n_blocks)
    shared = (count_o > 0) & (count_t > 0)
    usable = shared & (count_o <= cap) & (count_t <= cap)
    crowded = (shared & ~usable)[whole]  # per distinct name: its whole key's block is too big
    too_common = [names[n] for n in np.flatnonzero(crowded)]

    keep = usable[bo]
    bo, ro = bo[keep], ro[keep]
    keep = usable[bt]
    bt, rt = bt[keep], rt[keep]
    rt = rt[np.argsort(bt, kind="stable")]
    start_t = np.concatenate(([0], np.cumsum(np.bincount(bt, minlength=n_blocks))))

    # every ours name of a block pairs with every theirs name of it (a vectorised cartesian product)
    at, pair_t = _expand(start_t, rt, bo)
    pair_o = ro[at]

    # Second pass: a name whose every block was too crowded ("smiht plumbing" among hundreds of
    # Smiths and plumbers) is compared with its neighbours in sorted order instead.
    paired = np.zeros(n_names, dtype=bool)
    paired[pair_o] = True
    lonely_o = ~paired[name_o]
    paired[:] = False
    paired[pair_t] = True
    lonely_t = ~paired[name_t]
    lonely_o &= ~crowded[name_o]  # a name on hundreds of accounts is left to a person (see the note)
    lonely_t &= ~crowded[name_t]
    extra_o, extra_t = _neighbour_pairs(names, words, name_o, name_t, lonely_o, lonely_t)
    return _distinct(pair_o * n_names + pair_t), extra_o, extra_t, too_common


def _records_holding(name_o: np.ndarray, name_t: np.ndarray, a: np.ndarray, b: np.ndarray,
                     n_names: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of records (ours i, theirs j) whose names are a pair (a[k], b[k]): name_o[i]
    == a[k] and name_t[j] == b[k]."""
    def records_of(name: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (np.concatenate(([0], np.cumsum(np.bincount(name, minlength=n_names)))),
                np.argsort(name, kind="stable"))

    k, pi = _expand(*records_of(name_o), a)
    at, pj = _expand(*records_of(name_t), b[k])
    return pi[at], pj


_NAME_KEY = attrgetter("name_key")
_DOMAIN = attrgetter("domain")
_OTHER_DOMAINS = attrgetter("other_domains")


def _free(size: int, paired: set[int]) -> np.ndarray:
    """Which of `size` records are in no domain pair."""
    free = np.ones(size, dtype=bool)
    free[np.fromiter(paired, dtype=np.int64, count=len(paired))] = False
    return free


def _neighbour_pairs(names: list[str], words: _NameWords, name_o: np.ndarray, name_t: np.ndarray,
                     lonely_o: np.ndarray, lonely_t: np.ndarray, width: int = NEIGHBOURS
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of each lonely name with the `width` names of the other list either side of it in
    sorted order, by its sorted words and by its letters reversed (a typo early in the name).
    Rows are given by their name's index in `names`."""
    out_o: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    out_t: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    if not len(name_o) or not len(name_t) or not (lonely_o.any() or lonely_t.any()):
        return out_o[0], out_t[0]
    for forms in _name_ranks(names, words):
        sort_o, sort_t = forms[name_o], forms[name_t]
        for lonely, mine, other, mine_is_ours in ((lonely_o, sort_o, sort_t, True),
                                                   (lonely_t, sort_t, sort_o, False)):
            rows = np.flatnonzero(lonely)
            if len(rows) == 0:
                continue
            order = np.argsort(other, kind="stable")
            pos = np.searchsorted(other[order], mine[rows])
            for step in range(-width, width):
                at = pos + step
                ok = (at >= 0) & (at < len(other))
                found = order[at[ok]]
                pairs = (rows[ok], found) if mine_is_ours else (found, rows[ok])
                out_o.append(pairs[0])
                out_t.append(pairs[1])
    return np.concatenate(out_o).astype(np.int64), np.concatenate(out_t).astype(np.int64)


def _name_ranks(names: list[str], words: _NameWords) -> tuple[np.ndarray, np.ndarray]:
    """The dense ranks (`_dense_rank`) of the names' sorted forms and of the names' letters
    reversed.

    For plain names (`_NameWords.plain`) they are ranked as sequences of word ranks, not as
    strings: a name's letters reversed are its words' letters reversed, last word first.
    """
    grid_cells = len(names) * int(words.size.max(initial=0))
    if not words.plain or grid_cells > 16 * words.n_tokens + 1024:  # a grid of mostly padding
        return _dense_rank(words.sorted_forms), _dense_rank([k[::-1] for k in names])
    vocab = [w[::-1] for w in words.vocab]
    reversed_rank = np.empty(len(vocab), dtype=np.int64)
    reversed_rank[np.asarray(sorted(range(len(vocab)), key=vocab.__getitem__), dtype=np.int64)] = (
        np.arange(len(vocab)))
    size, name_of = words.size, words.name_of
    place = np.arange(len(name_of), dtype=np.int64) - words.start[:-1][name_of]  # a word's place in its name
    return (_sequence_rank(name_of, place, words.sorted_ranks, len(names)),
            _sequence_rank(name_of, size[name_of] - 1 - place, reversed_rank[words.ids], len(names)))


def _sequence_rank(row: np.ndarray, column: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """The dense rank of each of `n` sequences (value k is item column[k] of sequence row[k]),
    compared item by item, a sequence before every longer one it begins."""
    grid = np.full((int(column.max(initial=-1)) + 1, n), -1, dtype=np.min_scalar_type(-len(values) - 1))
    grid[column, row] = values  # a column a sequence
    order = np.lexsort(grid[::-1])
    ordered = grid[:, order]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.concatenate(([0], np.cumsum((ordered[:, 1:] != ordered[:, :-1]).any(axis=0))))[:n]
    return rank


def _dense_rank(values: list[str]) -> np.ndarray:
    """Each string's rank in sorted order, equal strings one rank: ranks compare as the strings."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ordered = [values[i] for i in order]
    step = np.fromiter(map(str.__ne__, ordered[1:], ordered[:-1]), dtype=np.int64, count=max(len(values) - 1, 0))
    rank = np.empty(len(values), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.concatenate(([0], np.cumsum(step)))[:len(values)]
    return rank


def _rivals(record: np.ndarray, eff: np.ndarray, chosen: np.ndarray, gap: float
            ) -> tuple[np.ndarray, np.ndarray]:
    """For each chosen candidate c (indexes into `record` / `eff`): how many other candidates of
    its record score within `gap` below it or above, and how many score the same."""
    if not len(chosen):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    # only the candidates of the chosen ones' records are counted, grouped by record; the order
    # within a record does not matter (only counts are taken): an unstable 32-bit sort
    wanted = np.zeros(int(record.max()) + 1, dtype=bool)
    wanted[record[chosen]] = True
    some = np.flatnonzero(wanted[record])
    by_record = some[np.argsort(record[some].astype(np.int32) if len(wanted) < 1 << 31 else record[some])]
    start = np.concatenate(([0], np.cumsum(np.bincount(record[some], minlength=len(wanted)))))
    at, other = _expand(start, by_record, record[chosen])
    mine, theirs = eff[chosen][at], eff[other]
    close = np.bincount(at, weights=(theirs >= mine - gap) & (theirs <= 101), minlength=len(chosen))
    same = np.bincount(at, weights=theirs == mine, minlength=len(chosen))
    return close.astype(np.int64) - 1, same.astype(np.int64) - 1


def _distinct(codes: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique hashes first, which is several times slower here)."""
    if len(codes) == 0:
        return np.sort(codes)
    if codes.dtype == np.int64 and 0 <= codes.min() and codes.max() < 1 << 32:
        return _distinct(codes.astype(np.uint32)).astype(np.int64)  # 32-bit sorts twice as fast
    codes = np.sort(codes)
    keep = np.empty(len(codes), dtype=bool)
    keep[0] = True
    np.not_equal(codes[1:], codes[:-1], out=keep[1:])
    return codes[keep]


def _pair_scores(names: list[str], words: _NameWords, a: np.ndarray, b: np.ndarray, th: Thresholds
                 ) -> tuple[np.ndarray, np.ndarray]:
    """SCORER's score of each name pair (names[a[p]], names[b[p]]), 0 below `review`, and the
    score of their compact forms (`_NameWords.compact_forms`), 0 below `auto_accept`.

    token_sort_ratio is ratio on the words sorted: each name is sorted once, not once per pair.
    ratio is 200 * (the longest common subsequence) / (the two lengths), so a pair that cannot
    reach the cutoff is not scored at all (it would score 0): when the shorter string is too
    short, or when too few of their characters are alike (`_char_counts`). (bench/match_bench.py
    --scorer swaps SCORER to compare scorers: then it is used as is.)
    """
    scores = np.zeros(len(a), dtype=np.float32)
    alt = np.zeros(len(a), dtype=np.float32)

    def score(texts: list[str], cutoff: float, out: np.ndarray, scorer=fuzz.ratio) -> None:
        forms = np.asarray(texts, dtype=object)
        at = np.arange(len(a))
        if scorer is fuzz.ratio:
            counts, size = _char_counts(texts)
            lengths = size[a] + size[b]
            at = np.flatnonzero(200 * np.minimum(size[a], size[b]) >= (cutoff - 0.01) * lengths)
        for part in range(0, len(at), SCORE_CHUNK):  # rapidfuzz copies every string it is given
            at_part = at[part:part + SCORE_CHUNK]
            if scorer is fuzz.ratio:
                alike = _alike(counts, size, a[at_part], b[at_part])
                at_part = at_part[200 * alike >= (cutoff - 0.01) * lengths[at_part]]
            out[at_part] = process.cpdist(forms[a[at_part]], forms[b[at_part]], scorer=scorer,
                                          score_cutoff=cutoff, workers=-1, dtype=np.float32)

    if SCORER is fuzz.token_sort_ratio:
        score(words.sorted_forms, th.review, scores)
    else:
        score(names, th.review, scores, SCORER)
    # The same names written with their letters run together, generic words and plural or
    # possessive "s" left out ("Rus tRose" / "Rust Rose", "Acme Holdings" / "Acme",
    # "Campbells" / "Campbell's"): scored too, and a near-identical one lifts the pair.
    score(words.compact_forms, th.auto_accept, alt)
    return scores, alt


CHAR_BUCKETS = 32  # by code point mod 32: a to z each in a bucket of its own


def _char_counts(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """How many characters of each text fall in each of CHAR_BUCKETS buckets (by code point):
    two texts have at most sum(min(their counts)) characters in common, in order or not (see
    `_alike`); and each text's length."""
    size = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    counts = np.zeros((len(texts), CHAR_BUCKETS), dtype=np.int64)
    for i, j in _runs(size, TEXT_CHARS):  # each character takes a dozen bytes here
        chars = _utf32("".join(texts[i:j])) % CHAR_BUCKETS
        owner = np.repeat(np.arange(j - i, dtype=np.int64), size[i:j])
        counts[i:j] = np.bincount(owner * CHAR_BUCKETS + chars, minlength=(j - i) * CHAR_BUCKETS
                                  ).reshape(j - i, CHAR_BUCKETS)
    return counts.astype(np.min_scalar_type(counts.max(initial=0))), size


_BYTE_SUM = np.uint64(0x0101010101010101)  # times a word of 8 bytes: their sum in the top byte


def _alike(counts: np.ndarray, size: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """sum(min(counts[a[k]], counts[b[k]])) for each k (`_char_counts`, `size` the texts'
    lengths): at most the characters texts a[k] and b[k] have in common.

    With one byte a count and no text of 256 characters (a sum of minimums is at most the shorter
    length), the 32 minimums of a pair are four 64-bit words, added bytewise without a carry and
    summed by one multiplication: numpy's sum over bytes is several times slower.
    """
    if counts.dtype != np.uint8 or counts.shape[1] % 8 or int(size.max(initial=0)) > 255:
        return np.minimum(counts[a], counts[b]).sum(axis=1, dtype=np.int64)
    as_words = counts.view(np.uint64)  # np.take of whole words, and in place: 4x faster again
    mins = np.take(as_words, a, axis=0)
    np.minimum(mins.view(np.uint8), np.take(as_words, b, axis=0).view(np.uint8), out=mins.view(np.uint8))
    total = mins[:, 0].copy()
    for lane in range(1, mins.shape[1]):
        total += mins[:, lane]
    total *= _BYTE_SUM
    total >>= np.uint64(56)
    return total.astype(np.int64)


def _word_checks(words: _NameWords, rare_at: np.ndarray, a: np.ndarray, b: np.ndarray, cutoff: float
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Word by word, for each name pair (a[p], b[p]) (name indexes): how well each name's rarest
    word (at `rare_at`, from `_word_info`) is found in the other (the lower of the two best
    `fuzz.ratio`s), whether each name has a word with no look-alike scoring `cutoff` in the
    other, and whether both names have two words or more.

    Every word of one name is scored against every word of the other in one rapidfuzz call
    (each distinct pair of words once); the best per word is a numpy reduction over each pair's
    block of the flat word-by-word table. The pairs go in runs of about WORD_CELLS words against
    words: a pair of names of 40 words each is 1,600 of them, and each takes a dozen numbers.
    """
    runs = [_word_checks_run(words, rare_at, a[i:j], b[i:j], cutoff)
            for i, j in _runs(words.size[a] * words.size[b], WORD_CELLS)]
    if len(runs) == 1:
        return runs[0]
    return tuple(np.concatenate(column) for column in zip(*runs))  # type: ignore[return-value]


def _word_checks_run(words: _NameWords, rare_at: np.ndarray, a: np.ndarray, b: np.ndarray, cutoff: float
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`_word_checks` of one run of pairs."""
    first, size, flat_ids, rare_pos = words.start, words.size, words.ids, rare_at
    n_vocab = len(words.vocab)
    la, lb = size[a], size[b]
    cells = la * lb
    at = np.cumsum(cells) - cells  # each pair's block: la rows (its words) of lb columns (theirs)
    pair = np.repeat(np.arange(len(a)), cells)
    off = np.arange(int(cells.sum()), dtype=np.int64) - at[pair]
    i, j = off // lb[pair], off % lb[pair]
    word_a, word_b = flat_ids[first[a][pair] + i], flat_ids[first[b][pair] + j]
    table = np.full(len(word_a), 100.0)  # a word against itself
    differ = np.flatnonzero(word_a != word_b)
    code = word_a[differ] * n_vocab + word_b[differ]
    code, inverse = np.unique(code.astype(np.uint32) if n_vocab * n_vocab < 1 << 32 else code,
                              return_inverse=True)  # 32-bit codes sort faster
    code = code.astype(np.int64)
    vocab = np.asarray(words.vocab, dtype=object)
    table[differ] = process.cpdist(vocab[code // n_vocab], vocab[code % n_vocab], scorer=fuzz.ratio,
                                   workers=-1, dtype=np.float64)[inverse.reshape(-1)]
    best_o = np.maximum.reduceat(table, at[pair][j == 0] + (off[j == 0]))  # per (pair, our word)
    transposed = np.empty_like(table)
    transposed[at[pair] + j * la[pair] + i] = table
    best_t = np.maximum.reduceat(transposed, np.sort(at[pair][i == 0] + j[i == 0] * la[pair][i == 0]))
    row_at, col_at = np.cumsum(la) - la, np.cumsum(lb) - lb
    rare = np.minimum(best_o[row_at + rare_pos[a]], best_t[col_at + rare_pos[b]])
    lacks_o = np.minimum.reduceat(best_o, row_at) < cutoff
    lacks_t = np.minimum.reduceat(best_t, col_at) < cutoff
    return rare, lacks_o, lacks_t, np.minimum(la, lb) > 1


def _name_pairs(
    ours: list[Record],
    theirs: list[Record],
    paired_o: set[int],
    paired_t: set[int],
    th: Thresholds,
    notes: list[str],
    report: Callable[[float], None],
) -> list[Account]:
    """Name pairs for the records the domain join left alone.

    Records already paired by domain still take part as rivals: a name that also fits a
    domain-matched record is ambiguous, so its pair goes to review.
    """
    all_o, all_t = list(map(_NAME_KEY, ours)), list(map(_NAME_KEY, theirs))
    rows_o, rows_t = list(compress(range(len(ours)), all_o)), list(compress(range(len(theirs)), all_t))
    keys_o, keys_t = list(compress(all_o, all_o)), list(compress(all_t, all_t))
    # what depends on the name alone is worked out once per distinct name key of the two lists
    index: dict[str, int] = {}  # each name key's number, in order of first sight: one pass
    ids = np.asarray([index.setdefault(k, len(index)) for k in keys_o + keys_t], dtype=np.int64)
    names = list(index)
    name_o, name_t = ids[:len(keys_o)], ids[len(keys_o):]
    del index, ids, all_o, all_t
    words = _name_words(names, np.bincount(name_o, minlength=len(names))
                        + np.bincount(name_t, minlength=len(names)))
    block_pairs, extra_o, extra_t, too_common = _candidate_pairs(names, name_o, name_t, words)
    if too_common:
        examples = ", ".join(repr(k) for k in sorted(too_common)[:3])
        notes.append(
            f"{len(too_common)} company names are on more than {MAX_NAME_BLOCK} accounts of one list and "
            f"were not matched by name (e.g. {examples}); pair those by hand"
        )
    report(0.4)
    # Up to the records' own evidence, a pair is its two names: each pair of names is judged
    # once, however many records hold them.
    n_names = len(names)
    extra_code = name_o[extra_o] * n_names + name_t[extra_t]
    code = _distinct(np.concatenate((block_pairs, extra_code)))
    if len(code) == 0:
        return []
    scores, alt_scores = _pair_scores(names, words, code // n_names, code % n_names, th)
    report(0.75)
    hit = np.flatnonzero((scores >= max(th.review, 1e-9)) | (alt_scores > scores))
    scores, alt_scores = scores[hit].astype(float), alt_scores[hit].astype(float)
    na, nb = code[hit] // n_names, code[hit] % n_names

    rare_at, common = _word_info(words, len(keys_o) + len(keys_t))

    # Whole-name similarity is inflated by shared common words ("Erabel Security" vs "Grasil
    # Security" = 80): each name's rarest word carries its identity, so it must be found in the
    # other name too, and the pair's score is the lower of the two measures. And when each name
    # has a word the other lacks, a word was swapped, not mistyped: "Pine Evergreen Media" and
    # "Pine Evergreen Foods" are two firms (an extra word, "Acme Analytics Group", is left to
    # the score).
    generic_only = np.zeros(len(scores), dtype=bool)  # pairs that differ in generic words: never auto
    second = np.flatnonzero(scores < 100)  # equal keys need no second look
    if len(second):
        rare, lacks_o, lacks_t, two_words = _word_checks(words, rare_at, na[second], nb[second], th.review)
        sc = np.minimum(scores[second], rare)
        sc[(sc >= th.review) & two_words & lacks_o & lacks_t] = 0.0
        alt = alt_scores[second]
        lift = alt > sc  # the compact forms are near-identical letter for letter
        scores[second] = np.where(lift, alt, sc)
        for p in second[lift].tolist():
            if GENERIC_WORDS.intersection(names[na[p]].split()) != GENERIC_WORDS.intersection(names[nb[p]].split()):
                generic_only[p] = True

    # The candidates: the record pairs of the name pairs scoring `review` or more (every record
    # of both names for a pair that shares a block, the very records the second pass paired),
    # in (ours, theirs) order, but for pairs of two domain-paired records (nobody's rival).
    # pair_of: per scored name pair (in `code`), its index in `scores` when it scores enough
    pair_of = np.full(len(code), -1, dtype=np.int64)
    good = np.flatnonzero(scores >= th.review)
    pair_of[hit[good]] = good
    in_blocks = block_pairs[pair_of[np.searchsorted(code, block_pairs)] >= 0]
    bi, bj = _records_holding(name_o, name_t, in_blocks // n_names, in_blocks % n_names, n_names)
    extra = np.empty(len(extra_code), dtype=bool)
    by_code = np.argsort(extra_code)  # looked up in order: 4x faster than as they come
    extra[by_code] = pair_of[np.searchsorted(code, extra_code[by_code])] >= 0
    n_t = len(name_t)
    pairs = _distinct(np.concatenate((bi * n_t + bj, extra_o[extra] * n_t + extra_t[extra])))
    ca, cb = pairs // n_t, pairs % n_t
    free_o, free_t = _free(len(ours), paired_o)[rows_o], _free(len(theirs), paired_t)[rows_t]
    relevant = free_o[ca] | free_t[cb]
    ca, cb = ca[relevant], cb[relevant]
    cand = pair_of[np.searchsorted(code, name_o[ca] * n_names + name_t[cb])]  # its name pair

    # What else the two records say: the domain one side carries, and country / city columns.
    # `eff` is the score the decisions use: the name score, or 100 when one side's domain spells
    # the other side's name (their "Red Pacific Soluttions" at redpacificsolutions.net).
    # Every candidate is a rival of the others of its records, proposed or not: the evidence that
    # rules a candidate out is not sure enough to make a namesake's pair clear (on the 50k bench,
    # not counting such rivals gave 10 more autos, 2 of them false).
    has_o = np.fromiter(map(bool, map(_DOMAIN, ours)), dtype=bool, count=len(ours))[rows_o][ca]
    has_t = np.fromiter(map(bool, map(_DOMAIN, theirs)), dtype=bool, count=len(theirs))[rows_t][cb]
    # Evidence needs a look only where one side has a domain, or where the lists give places.
    country, city = np.zeros(len(cand), dtype=np.int8), np.zeros(len(cand), dtype=np.int8)
    spells = np.zeros(len(cand), dtype=bool)
    places_o: dict[int, tuple[str, str]] = {}
    places_t: dict[int, tuple[str, str]] = {}
    with_places = _has_places(ours) or _has_places(theirs)
    look = np.arange(len(cand)) if with_places else np.flatnonzero(has_o != has_t)
    # the domain's own fit is per record (one with a domain is in several pairs); whether it is
    # unlike the names is asked below, of the decided pairs only
    own_label = lru_cache(maxsize=None)(_own_label)
    sides: dict[int, tuple[Record, Record, str, bool]] = {}  # per looked-at candidate with one domain
    for k, a, b in zip(look.tolist(), ca[look].tolist(), cb[look].tolist()):
        rec_o, rec_t = ours[rows_o[a]], theirs[rows_t[b]]
        if with_places:
            if a not in places_o:
                places_o[a] = _places(rec_o)
            if b not in places_t:
                places_t[b] = _places(rec_t)
            country[k], city[k] = _place_match(places_o[a], places_t[b])
        one = _one_domain(rec_o, rec_t)
        if one:
            named, blank = one
            label, spells_own = own_label(named.domain, named.name_key)
            spells[k] = _spells_other(named, blank, label, spells_own)
            sides[k] = (named, blank, label, spells_own or spells[k])
    common_o, common_t = common[na[cand]], common[nb[cand]]
    is_common = common_o & common_t
    eff = scores[cand]
    # the name is the domain-less side's, typo mended: the score is 100, and the name that counts
    # is the one the domain spells
    eff[spells] = 100.0
    is_common[spells] = np.where(has_o, common_t, common_o)[spells]
    # Two domains say two companies. Only a near-identical, distinctive name is worth a
    # person's look ("Acme" at acme.com and acme.de: review_order puts such pairs first);
    # "Smith Plumbing" twice is two firms, and so is "Smith Plumbing" in two countries.
    two_firms = has_o & has_t & ((eff < th.auto_accept) | is_common) | is_common & (country < 0)
    decide = np.flatnonzero(~two_firms & free_o[ca] & free_t[cb])
    rivals_o, ties_o = _rivals(ca, eff, decide, th.close_gap)
    rivals_t, ties_t = _rivals(cb, eff, decide, th.close_gap)

    # decided in arrays, over the candidates in `decide`; accounts are made for the kept ones only
    p, a, b = cand[decide], ca[decide], cb[decide]
    rivals, ties = rivals_o + rivals_t, ties_o + ties_t
    both, common_pair = has_o[decide] & has_t[decide], is_common[decide]
    country, city = country[decide], city[decide]
    unlike = np.zeros(len(decide), dtype=bool)
    at = np.flatnonzero(np.isin(decide, np.fromiter(sides, dtype=np.int64, count=len(sides))))
    fits_own = lru_cache(maxsize=None)(_fits_name)  # per record with a domain, as above
    for i, k in zip(at.tolist(), decide[at].tolist()):
        unlike[i] = _domain_unlike(*sides[k], fits_own)
    flags = _flag_lists((
        (both, FLAG_DIFFERENT_DOMAINS), (~both, FLAG_NO_DOMAIN),
        (common_pair, FLAG_COMMON_NAME), (common_pair & (country > 0) & (city > 0), FLAG_SAME_PLACE),
        (country < 0, FLAG_DIFFERENT_COUNTRY), ((country >= 0) & (city < 0), FLAG_DIFFERENT_CITY),
        (unlike, FLAG_DOMAIN_UNLIKE_NAME),
        (ties > 0, FLAG_ONE_TO_MANY), ((ties == 0) & (rivals > 0), FLAG_CLOSE_CANDIDATES)))
    # A common name stays in review even where the same city and country back it up: on the
    # 50k bench (--places) such unique pairs were right 94% of the time (5k: 86%), short of
    # the 99% an auto pair needs. Another city blocks auto too: letting it pass gave 27 more
    # true autos for 5 more false ones.
    # a one-word name whose website cell held a free-mail address ("Martin", jo@gmail.com)
    # says too little to be sure of
    free_mail = np.zeros(len(decide), dtype=bool)
    n_words = words.size
    one_word = np.flatnonzero((n_words[na[p]] == 1) | (n_words[nb[p]] == 1))
    for records, rows, at in ((ours, rows_o, a[one_word]), (theirs, rows_t, b[one_word])):
        held, inverse = np.unique(at, return_inverse=True)  # each record asked once
        said = np.fromiter((_free_mail_only(records[rows[i]]) for i in held.tolist()), dtype=bool,
                           count=len(held))
        free_mail[one_word] |= said[inverse.reshape(-1)]
    plausible = (country >= 0) & (city >= 0) & ~unlike
    clear = (rivals == 0) & ~common_pair & plausible & ~both & ~generic_only[p] & ~free_mail
    is_auto = (eff[decide] >= th.auto_accept) & clear

    # auto pairs are each record's unique best, so they never share a record; review pairs that
    # touch one are dropped, and the rest are cut to a few per record, best first
    key_o, key_t = _key_ids(ours, rows_o, a), _key_ids(theirs, rows_t, b)
    auto = np.flatnonzero(is_auto)
    review = np.flatnonzero(~is_auto)
    review = review[np.argsort(-eff[decide][review], kind="stable")]
    review = review[~np.isin(key_o[review], key_o[auto]) & ~np.isin(key_t[review], key_t[auto])]
    per_o, per_t = [0] * (int(key_o.max(initial=-1)) + 1), [0] * (int(key_t.max(initial=-1)) + 1)
    kept = []
    for k, io, it in zip(review.tolist(), key_o[review].tolist(), key_t[review].tolist()):
        if per_o[io] >= REVIEW_PER_RECORD or per_t[it] >= REVIEW_PER_RECORD:
            continue
        per_o[io] += 1
        per_t[it] += 1
        kept.append(k)

    score = scores[p].tolist()
    return [Account(ours[rows_o[a[k]]], theirs[rows_t[b[k]]],
                    MatchInfo(NAME, round(score[k], 1), AUTO if is_auto[k] else REVIEW, flags[k]))
            for k in auto.tolist() + kept]


def _flag_lists(columns: tuple[tuple[np.ndarray, str], ...]) -> list[list[str]]:
    """Per row, a new list of the flags whose column is true there, in the order given."""
    code = np.zeros(len(columns[0][0]), dtype=np.int64)
    for bit, (column, _flag) in enumerate(columns):
        code |= column.astype(np.int64) << bit
    combos = {c: tuple(flag for bit, (_column, flag) in enumerate(columns) if c >> bit & 1)
              for c in np.unique(code).tolist()}
    return [list(combos[c]) for c in code.tolist()]


def _key_ids(records: list[Record], rows: list[int], at: np.ndarray) -> np.ndarray:
    """Record rows[at[k]]'s key as a small number, for each k: equal keys, equal numbers."""
    distinct, inverse = np.unique(at, return_inverse=True)
    ids: dict[str, int] = {}
    codes = [ids.setdefault(records[rows[i]].key, len(ids)) for i in distinct.tolist()]
    return np.asarray(codes, dtype=np.int64)[inverse.reshape(-1)]


# A note in brackets at the end of a name: "Buckle (clothing retailer)", "Metso (2020-present)"
_NAME_NOTE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")


def _note_pairs(ours: list[Record], theirs: list[Record], pairs: list[Account]) -> list[Account]:
    """Pairs of a name that ends in a note in brackets with the same name without it, for
    records in no other pair ("Buckle (clothing retailer)" / "Buckle").

    The note may name another part of the firm ("Acme (EMEA)"), so such a pair goes to review,
    unless it is the only one of both names and the one domain given spells the name
    (buckle.com); a name on several records of a side, or noted on both sides, is left alone.
    """
    noted_o, noted_t = _noted(ours), _noted(theirs)
    if not (noted_o or noted_t):
        return []
    used_o = {id(a.ours) for a in pairs}
    used_t = {id(a.theirs) for a in pairs}
    out: list[Account] = []
    for mine, other, noted, used_m, used_x, mine_is_ours in (
            (ours, theirs, noted_o, used_o, used_t, True), (theirs, ours, noted_t, used_t, used_o, False)):
        if not noted:
            continue
        # only the names without their notes are looked up: counted and found on these only
        bases = {base for _r, base in noted}
        keys_mine = Counter(filter(bases.__contains__, map(_NAME_KEY, mine)))
        keys_mine.update(base for _r, base in noted)
        by_key: dict[str, list[Record]] = defaultdict(list)
        for r in compress(other, map(bases.__contains__, map(_NAME_KEY, other))):
            by_key[r.name_key].append(r)
        for r, base in noted:
            if id(r) in used_m or keys_mine[base] != 1 or len(by_key.get(base, ())) != 1:
                continue
            match = by_key[base][0]
            if id(match) in used_x:
                continue
            one_domain = bool(r.domain) != bool(match.domain)
            named = r if r.domain else match
            sure = (one_domain and not (r.hashed or match.hashed)
                    and (_spells(domain_label(named.domain), base) or _brand_suffix(named.domain, base)))
            flags = [FLAG_DIFFERENT_DOMAINS if r.domain and match.domain else FLAG_NO_DOMAIN,
                     FLAG_NAME_NOTE]
            rec_o, rec_t = (r, match) if mine_is_ours else (match, r)
            out.append(Account(rec_o, rec_t, MatchInfo(NAME, 100.0, AUTO if sure else REVIEW, flags)))
            used_m.add(id(r))
            used_x.add(id(match))
    return out


def _noted(records: list[Record]) -> list[tuple[Record, str]]:
    """The records whose name ends in a note in brackets, each with its name key without it."""
    out = []
    for r in records:
        if "(" in r.name or "[" in r.name:
            base = name_key(_NAME_NOTE.sub("", r.name))
            if base and base != r.name_key:
                out.append((r, base))
    return out


# Words that say what kind of firm, not which one: left out of the compact form, never a name's
# identifying word. A pair that differs only in them goes to review ("Acme" / "Acme Holdings").
GENERIC_WORDS = frozenset("""
    holding holdings group groups company companies financial finance global international
    worldwide enterprises enterprise industries services service solutions
    """.split())


def _compact_letters(words: list[str]) -> np.ndarray:
    """How many of each word's first letters it adds to its name's compact form: none for a
    generic word, all but a plural or possessive "s" (not "ss") of a word of four letters or more."""
    size = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    generic = np.fromiter(map(GENERIC_WORDS.__contains__, words), dtype=bool, count=len(words))
    plural = (size > 3) & np.fromiter(map(str.endswith, words, repeat("s")), dtype=bool, count=len(words)) \
        & ~np.fromiter(map(str.endswith, words, repeat("ss")), dtype=bool, count=len(words))
    return np.where(generic, 0, size - plural)


def _free_mail_only(rec: Record) -> bool:
    """A record whose website cell held only a free-mail or shared-host address (blanked)."""
    return bool(not rec.domain and rec.raw_domain and not rec.hashed
                and is_shared_domain(registrable_domain(rec.raw_domain)))


def _word_info(words: _NameWords, n_names: int) -> tuple[np.ndarray, np.ndarray]:
    """Per name key: where its rarest word is among its words (a generic word only when it has
    no other; the first of equally rare ones), and whether the name is common.

    A name is common when every word is common and the whole name is not rare either: the
    number of names expected to hold all its words by chance (n_names times the product of each
    word's share of names) is above `RARE_NAME`. "Smith Plumbing" is common; "Brown, Harris and
    Becker" is made of common words but rare as a whole.
    """
    size = words.size
    n = len(size)
    name_of = words.name_of
    count = words.per_word[words.ids]
    generic = np.fromiter(map(GENERIC_WORDS.__contains__, words.vocab), dtype=bool,
                          count=len(words.vocab))[words.ids]
    has_specific = np.bincount(name_of, weights=~generic, minlength=n) > 0
    # the rarest word: least count among the name's specific words (all its words when none)
    rank = np.where(generic & has_specific[name_of], np.iinfo(np.int64).max, count)
    order = np.lexsort((np.arange(len(rank)), rank, name_of))
    first_of_name = order[words.start[:-1][size > 0]]
    rare_at = np.zeros(n, dtype=np.int64)
    rare_at[size > 0] = first_of_name - words.start[:-1][size > 0]
    common = np.zeros(n, dtype=bool)
    common[size > 0] = count[first_of_name] > COMMON_WORD
    # the whole name: each distinct word's share of names, "and" left out, multiplied
    and_id = words.vocab.index("and") if "and" in words.vocab else -1
    n_vocab = max(len(words.vocab), 1)
    once = _distinct(name_of * n_vocab + words.ids)
    once = once[once % n_vocab != and_id]
    owner = once // n_vocab
    share = words.per_word[once % n_vocab] / n_names
    expected = float(n_names) * np.exp(np.bincount(owner, weights=np.log(share), minlength=n))
    several = common & (size > 1)
    common[several] = expected[several] > RARE_NAME
    return rare_at, common


# --- evidence beyond the name ----------------------------------------------------------------

MIN_LABEL = 4  # shorter domain labels (ibm, bh, a1) are too short to say whose they are


@dataclass(frozen=True)
class Evidence:
    """What a name pair's records say besides their names.

    `country` and `city`: 1 when both records give the same, -1 when they differ, 0 when a side
    has none. `domain_spells_other`: the one domain's label spells the other record's name and
    not its own record's (a typo in the name cell). `domain_unlike_name`: the one domain's label
    looks like neither name (a parent company's or a reseller's site, or a wrong cell).
    """

    country: int = 0
    city: int = 0
    domain_spells_other: bool = False
    domain_unlike_name: bool = False

    @property
    def same_place(self) -> bool:
        return self.country > 0 and self.city > 0

    @property
    def plausible(self) -> bool:
        """Nothing the records carry says two firms: no other country or city, no domain unlike
        the names."""
        return self.country >= 0 and self.city >= 0 and not self.domain_unlike_name


def evidence(ours_rec: Record, theirs_rec: Record) -> Evidence:
    """What two records say about being one company, besides their names (see `Evidence`).

    Countries and cities come from `extra` columns whose header names them ("Billing Country",
    "Country/Region", "City"); "US", "USA" and "United States" are one country. Owners are not
    compared: each side's owner is its own rep.
    """
    return _evidence(ours_rec, theirs_rec, _places(ours_rec), _places(theirs_rec))


def _evidence(ours_rec: Record, theirs_rec: Record, places_o: tuple[str, str],
              places_t: tuple[str, str]) -> Evidence:
    country, city = _place_match(places_o, places_t)
    spells = unlike = False
    sides = _one_domain(ours_rec, theirs_rec)
    if sides:
        named, blank = sides
        label, spells_own = _own_label(named.domain, named.name_key)
        spells = _spells_other(named, blank, label, spells_own)
        unlike = _domain_unlike(named, blank, label, spells_own or spells)
    if not (country or city or spells or unlike):
        return _NO_EVIDENCE  # most pairs: one shared object, not a new frozen dataclass each
    return Evidence(country, city, spells, unlike)


_NO_EVIDENCE = Evidence()


def _place_match(places_o: tuple[str, str], places_t: tuple[str, str]) -> tuple[int, int]:
    """`Evidence.country` and `Evidence.city` from two records' `_places`."""
    country = city = 0
    (co, ci), (to, ti) = places_o, places_t
    if co and to:
        country = 1 if co == to else -1
    if ci and ti and country >= 0:
        city = 1 if ci == ti or (min(len(ci), len(ti)) >= 6 and fuzz.ratio(ci, ti) >= 90) else -1
    return country, city


def _one_domain(ours_rec: Record, theirs_rec: Record) -> tuple[Record, Record] | None:
    """(the record with a domain, the one without) when exactly one has a domain and neither
    is hashed; None otherwise (the domain evidence needs readable domains and names)."""
    if bool(ours_rec.domain) == bool(theirs_rec.domain) or ours_rec.hashed or theirs_rec.hashed:
        return None
    return (ours_rec, theirs_rec) if ours_rec.domain else (theirs_rec, ours_rec)


def _own_label(domain: str, key: str) -> tuple[str, bool]:
    """A domain's label and whether it spells this name (`_spells`)."""
    label = domain_label(domain)
    return label, _spells(label, key)


def _spells_other(named: Record, blank: Record, label: str, spells_own: bool) -> bool:
    """`Evidence.domain_spells_other` for `_one_domain`'s two records; `label` and
    `spells_own` are `_own_label` of the named record."""
    return (len(label) >= MIN_LABEL and bool(blank.name_key) and bool(named.name_key)
            and not spells_own and _spells(label, blank.name_key))


def _domain_unlike(named: Record, blank: Record, label: str, spells: bool,
                   fits_own: Callable[[str, str, str], bool] | None = None) -> bool:
    """`Evidence.domain_unlike_name` for `_one_domain`'s two records: the label spells neither
    name (`spells`), and neither name is one the domain could be (`_fits_name`)."""
    fits = fits_own or _fits_name
    return (len(label) >= MIN_LABEL and bool(blank.name_key) and bool(named.name_key)
            and not (spells or fits(named.domain, label, named.name_key)
                     or _fits_name(named.domain, label, blank.name_key)))


def _fits_name(domain: str, label: str, key: str) -> bool:
    """Whether a domain whose label does not spell a name could still be its: the label
    `_resembles` it or the domain is under its brand (`_brand_suffix`)."""
    return _resembles(label, key) or _brand_suffix(domain, key)


def domain_label(domain: str) -> str:
    """The label a registrable domain adds to its public suffix, without separators:
    "blue-harbor.co.uk" -> "blueharbor"."""
    return domain.split(".", 1)[0].replace("-", "").replace("_", "")


# "&" as a domain label writes it: "m&g" at mandgplc.com, "1&1" at 1und1.ag, "b&q" at bandq.com
_AND_IN_LABELS = ("and", "", "und", "n", "et")
# what may follow the name in a domain label: a legal form or a generic word (mandgplc, wendelgroup)
_LABEL_TAILS = LEGAL_TERMS | GENERIC_WORDS


def _spells(label: str, key: str) -> bool:
    """Whether a domain label is the whole name written as one word: "&" ("and") written as
    "and", "und", "n", "et" or left out, and a legal form or generic word may follow ("m and g"
    at mandgplc.com, "1 and 1" at 1und1.ag, "wendel" at wendelgroup.com)."""
    words = key.split()
    forms = ["".join(words)]
    if "and" in words:
        # every form keeps the words before the first "and": a label without them is none
        if not label.startswith("".join(words[:words.index("and")])):
            return False
        if "\x00" in key:
            forms += ["".join(word if word != "and" else amp for word in words) for amp in _AND_IN_LABELS]
        else:  # "and" marked once, then written each way
            marked = "".join(word if word != "and" else "\x00" for word in words)
            forms += [marked.replace("\x00", amp) for amp in _AND_IN_LABELS]
    for form in forms:
        if form and label.startswith(form):
            rest = label[len(form):]
            if not rest or rest in _LABEL_TAILS:
                return True
    return False


# labels a company puts before its own top-level domain (global.toyota, corporate.epson)
_SITE_LABELS = frozenset("global home corporate corp group about investors ir www world en".split())


def _brand_suffix(domain: str, *keys: str) -> bool:
    """Whether the domain sits under the company's own top-level domain: the whole name written
    as one word (global.toyota, home.barclays, group.bnpparibas), or one word of the name under a
    site label (corporate.epson for Seiko Epson; acme.store is not Vantor Store's)."""
    label, _, suffix = domain.partition(".")
    if not suffix or "." in suffix:
        return False
    return any(_spells(suffix, key) or (label in _SITE_LABELS and len(suffix) >= MIN_LABEL
                                         and suffix in key.split())
               for key in keys if key)


def _resembles(label: str, key: str) -> bool:
    """Whether a domain label that does not spell this name (`_spells`) could still be its: it
    holds one of the name's words (getzephyr.com), is part of the name run together
    (blueharbor.io), starts with its initials (bhlogistics.com), or is a near spelling of it
    (kestraldynamic.com for Kestrel Dynamics)."""
    words = [w for w in key.split() if w != "and"]
    joined = "".join(words)
    if any(len(w) >= MIN_TOKEN and w in label for w in words):
        return True
    if len(label) >= MIN_TOKEN and label in joined:
        return True
    if len(words) >= 2 and label.startswith("".join(w[0] for w in words[:2])):
        return True
    return fuzz.partial_ratio(label, joined) >= 75


# Country cells as CRMs write them, folded (lower case, no accents or punctuation) -> one code.
_COUNTRY_ALIASES = """
us: usa | u s | u s a | united states | united states of america | america
gb: uk | u k | gbr | united kingdom | great britain | britain | england | scotland | wales
de: deu | germany | deutschland
fr: fra | france
nl: nld | netherlands | the netherlands | holland | nederland
ca: can | canada
au: aus | australia
nz: nzl | new zealand
ie: irl | ireland | eire
es: esp | spain | espana
it: ita | italy | italia
pt: prt | portugal
ch: che | switzerland | schweiz | suisse | svizzera
at: aut | austria | osterreich
be: bel | belgium | belgie | belgique
se: swe | sweden | sverige
no: nor | norway | norge
dk: dnk | denmark | danmark
fi: fin | finland | suomi
pl: pol | poland | polska
in: ind | india
sg: sgp | singapore
jp: jpn | japan
cn: chn | china
br: bra | brazil | brasil
mx: mex | mexico
"""
_COUNTRY = {
    alias.strip(): code
    for line in _COUNTRY_ALIASES.strip().splitlines()
    for code, aliases in [line.split(":")]
    for alias in (code, *aliases.split("|"))
}
_NO_PLACE = frozenset(("", "na", "n a", "none", "unknown", "tbd", "null", "other"))
_PLACE_WORDS = {"country": ("country", "nation"), "city": ("city", "town")}


@lru_cache(maxsize=256)
def _place_role(header: str) -> str | None:
    """"country" or "city" for a header that names one ("Billing Country", "Country/Region")."""
    words = set(re.findall(r"[a-z]+", header.casefold()))
    if "phone" in words:
        return None
    for role, names in _PLACE_WORDS.items():
        if words.intersection(names):
            return role
    return None


@lru_cache(maxsize=1 << 14)
def _fold(value: str) -> str:
    """Lower case, accents and punctuation gone, spaces collapsed; "" for a placeholder."""
    s = unicodedata.normalize("NFKD", value.casefold())
    s = " ".join(re.sub(r"[\W_]+", " ", "".join(c for c in s if not unicodedata.combining(c))).split())
    return "" if s in _NO_PLACE else s


def _has_places(lst: list[Record]) -> bool:
    """Whether any record has a country or city column."""
    return any(_place_role(h) for h in {h for r in lst if r.extra for h in r.extra})


def _places(rec: Record) -> tuple[str, str]:
    """A record's (country code or folded country, folded city); "" where it has none."""
    country = city = ""
    for header, value in rec.extra.items():
        role = _place_role(header)
        if role == "country" and not country:
            country = _fold(value)
            country = _COUNTRY.get(country, country)
        elif role == "city" and not city:
            city = _fold(value)
    return country, city


# --- settling ----------------------------------------------------------------------------------


def _settle(accounts: list[Account]) -> list[Account]:
    """Keep each record in at most one overlap pair (rules in the module docstring)."""
    # the records of the pairs kept so far, by key (a key is unique within one list), per side
    claimed_o: set[str] = set()
    claimed_t: set[str] = set()
    contested: set[str] = set()  # pair ids of accepted pairs sent back to review: a person chooses

    def free(a: Account) -> bool:
        return a.ours.key not in claimed_o and a.theirs.key not in claimed_t

    def claim(a: Account) -> None:
        claimed_o.add(a.ours.key)
        claimed_t.add(a.theirs.key)

    for a in accounts:
        if a.match.decision != ACCEPTED:
            continue
        if free(a):
            claim(a)
        else:
            a.match.decision = REVIEW
            if FLAG_ONE_TO_MANY not in a.match.flags:
                a.match.flags.append(FLAG_ONE_TO_MANY)
            contested.add(a.pair_id)

    out = []
    for a in accounts:
        if a.match.decision == AUTO:
            if not free(a):
                continue
            claim(a)
        out.append(a)
    return [a for a in out if a.match.decision != REVIEW or free(a) or a.pair_id in contested]


def _stats(accounts: list[Account]) -> dict[str, int]:
    stats = dict.fromkeys((DOMAIN, NAME, MANUAL, HASH, AUTO, ACCEPTED, REVIEW, REJECTED, "overlap"), 0)
    matches = list(map(_MATCH, accounts))
    decisions = list(map(_DECISION, matches))
    stats.update(Counter(decisions))
    in_overlap = [d in IN_OVERLAP for d in decisions]
    stats.update(Counter(map(_METHOD, compress(matches, in_overlap))))  # methods: other keys
    stats["overlap"] = sum(in_overlap)
    return stats


_MATCH, _DECISION, _METHOD = attrgetter("match"), attrgetter("decision"), attrgetter("method")
