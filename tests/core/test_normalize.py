"""Match keys: registrable domains, shared domains and company-name keys."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import tldextract
from hypothesis import given, settings
from hypothesis import strategies as st

from acctmap_tui.core.normalize import (
    domain_problem,
    is_legal_form_only,
    is_shared_domain,
    name_key,
    name_keys,
    parse_domain,
    registrable_domain,
    shared_domain_reason,
    shared_domains,
)

# --- registrable_domain ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "domain"),
    [
        ("https://www.Acme.co.uk/about?x=1", "acme.co.uk"),
        ("jo@acme.com", "acme.com"),
        ("mailto:jo@acme.com", "acme.com"),
        ("Jo Smith <jo@acme.com>", "acme.com"),
        ("shop.acme.com", "acme.com"),
        ("https://https://x.com", "x.com"),
        ("http//acme.com", "acme.com"),
        ("  ACME.com.  ", "acme.com"),
        ("http://user:secret@acme.com:8080/path", "acme.com"),
        ("acme.com/de-de", "acme.com"),
        ("www.acme.com:443", "acme.com"),
        ("acme.github.io", "acme.github.io"),
        ("https://bücher.de", "xn--bcher-kva.de"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
    ],
)
def test_registrable_domain_of_messy_cells(cell: str, domain: str) -> None:
    assert registrable_domain(cell) == domain


def test_unicode_and_punycode_spellings_give_one_key() -> None:
    assert registrable_domain("www.BÜCHER.de") == registrable_domain("xn--bcher-kva.de")


@pytest.mark.parametrize(
    ("cell", "reason_has"),
    [
        ("n/a", "not a domain"),
        ("-", "not a domain"),
        ("None", "not a domain"),
        ("null", "not a domain"),
        ("TBD", "not a domain"),
        ("10.0.0.1", "IP address"),
        ("http://[::1]:8080/", "IP address"),
        ("localhost", "local host"),
        ("acme", "no public suffix"),
        ("Acme Inc", "no domain"),
        ("github.io", "public suffix"),
        ("co.uk", "public suffix"),
        ("acme!!.com", "not a valid host"),
    ],
)
def test_unusable_cells_give_no_domain_and_a_reason(cell: str, reason_has: str) -> None:
    assert registrable_domain(cell) == ""
    assert reason_has in (domain_problem(cell) or "")


def test_blank_cell_is_not_a_problem() -> None:
    assert parse_domain("   ") == ("", None)
    assert domain_problem("") is None


def test_several_domains_in_one_cell_take_the_first_and_say_so() -> None:
    domain, note = parse_domain("acme.com; acme.de")
    assert domain == "acme.com"
    assert note and "several domains" in note
    # the same company written twice is not "several"
    assert parse_domain("acme.com, www.acme.com") == ("acme.com", None)
    # junk before the domain is skipped
    assert registrable_domain("n/a | acme.com") == "acme.com"


def test_extractor_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    registrable_domain.cache_clear()
    assert registrable_domain("https://never-seen-before-7f3a.example.co.jp/x") == (
        "example.co.jp"
    )
    assert registrable_domain("someone@fresh-9c1d.com.au") == "fresh-9c1d.com.au"
    fresh = tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )
    assert fresh("a.b.acme.org.uk").top_domain_under_public_suffix == "acme.org.uk"


# --- shared domains ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "domain",
    ["gmail.com", "googlemail.com", "hotmail.com", "yahoo.co.uk", "hotmail.fr", "gmx.de",
     "web.de", "qq.com", "proton.me", "icloud.com", "github.com", "sharepoint.com",
     "linkedin.com", "wordpress.com"],
)
def test_free_mail_and_shared_hosts_are_shared(domain: str) -> None:
    assert is_shared_domain(domain)
    assert domain in (shared_domain_reason(domain) or "")


@pytest.mark.parametrize("domain", ["acme.com", "acme.github.io", "mailchimp.com", "x.com"])
def test_company_domains_are_not_shared(domain: str) -> None:
    assert not is_shared_domain(domain)


def test_tenant_subdomain_of_a_shared_host_resolves_to_the_shared_host() -> None:
    assert is_shared_domain(registrable_domain("https://acme.sharepoint.com/sites/x"))


def test_a_columns_shared_domains_are_the_ones_each_alone_is_judged_shared() -> None:
    from acctmap_tui.core.normalize import FREE_MAIL_DOMAINS, SHARED_HOST_DOMAINS

    domains = set(FREE_MAIL_DOMAINS) | set(SHARED_HOST_DOMAINS) | {
        "yahoo.co.uk", "hotmail.fr", "gmx.es", "acme.com", "yahoonews.com", "mygmail.com", "github.io",
        "sites.google.com", "acme.github.io", "outlook.acme.com"}
    assert shared_domains(domains) == {d for d in domains if shared_domain_reason(d)}
    assert "yahoo.co.uk" in shared_domains(domains) and "acme.com" not in shared_domains(domains)


def test_the_owner_of_a_shared_domain_keeps_it() -> None:
    assert not is_shared_domain("linkedin.com", name="LinkedIn Corporation")
    assert not is_shared_domain("yahoo.com", name="Yahoo Inc.")
    assert is_shared_domain("gmail.com", name="Martin Plumbing LLC")


# --- name_key ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Acme, Inc.", "ACME Corp"),
        ("The Acme Company", "acme"),
        ("Acme Holdings Co., Ltd.", "Acme Holdings"),
        ("Acme S.A.", "ACME SA"),
        ("Acme GmbH & Co. KG", "Acme"),
        ("Acme Sp. z o.o.", "Acme"),
        ("Acme Sdn. Bhd.", "Acme"),
        ("Acme Pty Ltd", "Acme"),
        ("Acme Private Limited", "Acme"),
        ("Acme A/S", "Acme AS"),
        ("Acme L.L.C.", "acme llc"),
        ("Société Générale", "SOCIETE GENERALE"),
        ("Smith & Nephew", "Smith and Nephew"),
        ("Smith+Nephew plc", "smith and nephew"),
        ("McDonald’s", "McDonalds"),
        ("Ørsted A/S", "Orsted"),
    ],
)
def test_spellings_of_one_company_share_a_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Acme Holdings", "Acme"),
        ("Acme Group", "Acme"),
        ("Acme Labs", "Acme"),
        ("Z Corp", "Generation Z"),
    ],
)
def test_meaningful_words_stay_in_the_key(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_key_words_are_lowercase_letters_and_digits() -> None:
    assert name_key("  The  Acme-Widgets (Europe) Ltd.  ") == "acme widgets europe"


@pytest.mark.parametrize("name", ["Company", "Inc", "The", "Limited", "Co."])
def test_a_name_that_is_only_a_legal_word_is_kept(name: str) -> None:
    assert name_key(name) != ""


@pytest.mark.parametrize("name", ["株式会社山田製作所", "山田製作所株式会社", "(株)山田製作所", "㈱山田製作所",
                                  "山田製作所 (株)", "株式会社 山田製作所"])
def test_japanese_legal_forms_are_stripped_at_either_end(name: str) -> None:
    assert name_key(name) == name_key("山田製作所") == "山田製作所"


def test_chinese_and_korean_legal_forms_are_stripped() -> None:
    assert name_key("北京百度网讯科技有限公司") == "北京百度网讯科技"
    assert name_key("中国石油天然气股份有限公司") == name_key("中国石油天然气")
    assert name_key("주식회사 삼성전자") == name_key("삼성전자(주)") == name_key("삼성전자")
    assert name_key("株式会社 Acme 有限公司 Inc") == "acme"


def test_cjk_abbreviations_are_stripped_only_as_a_word_of_their_own() -> None:
    assert name_key("株洲电力") == "株洲电力"  # 株洲: a city, not (株)
    assert name_key("有田焼") == "有田焼"
    assert name_key("株式会社") == "株式会社"  # only a legal form: kept


# zero-width space, non-joiner, joiner, word joiner, BOM, soft hyphen, left-to-right mark
@pytest.mark.parametrize("mark", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e"])
def test_an_invisible_character_in_a_name_is_dropped_not_a_word_break(mark: str) -> None:
    # as a word break, "Sun<ZWSP>co Inc" keyed as "sun" and paired with "Sun Inc" at 100
    assert name_key(f"Sun{mark}co Inc") == name_key("Sunco Inc") == "sunco"
    assert name_key(f"Ac{mark}me Inc") == "acme"  # not "ac": "me" is a legal form
    assert name_keys([f"Ro{mark}sa Co", "Rosa Co"]) == ["rosa", "rosa"]


@pytest.mark.parametrize("mark", ["\u200b", "\u2060", "\ufeff", "\u00ad"])
def test_an_invisible_character_in_a_website_is_dropped(mark: str) -> None:
    assert registrable_domain(f"https://ac{mark}me.com/") == registrable_domain(f"acme.com{mark}") == "acme.com"


@pytest.mark.parametrize("name", ["Inc.", "Ltd", "GmbH", "AG", "Co.", "LLC", "The", "Inc., LLC",
                                  "The Company", "Co. Co. Co.", "Limited Liability Company",
                                  "S.A. de C.V.", "Sp. z o.o.", "& Co", "株式会社", "有限公司", "주식회사"])
def test_a_name_of_only_legal_forms_is_no_name(name: str) -> None:
    assert is_legal_form_only(name) and is_legal_form_only(name, name_key(name))


@pytest.mark.parametrize("name", ["Acme Inc", "Acme", "3M", "Z Corp", "Public Company", "Sp", "ＡＣＭＥ株式会社",
                                  "株式会社山田", "The Acme Co", "", "—", "Sun\u200bco Inc"])
def test_a_name_with_a_word_of_its_own_is_a_name(name: str) -> None:
    assert not is_legal_form_only(name)


def test_blank_name_gives_blank_key() -> None:
    assert name_key("  ") == ""


# --- idempotence ------------------------------------------------------------------------------

_NAME_WORDS = st.sampled_from(
    ["the", "acme", "&", "Co.", "Inc", "S.A.", "gmbh", "and", "Ltd", "A/S", "Sp.", "z", "o.o.",
     "Société", "Ørsted", "+", "-", "'s", "Holdings", "İ", "ß", "株式会社", "(株)", "有限公司",
     "주식회사", "山田有限公司", "株洲"]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(_NAME_WORDS, max_size=8).map(" ".join)))
def test_name_key_is_idempotent(name: str) -> None:
    key = name_key(name)
    assert name_key(key) == key
    if any(ch.isalnum() for ch in name):
        assert key != ""


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=30), st.lists(_NAME_WORDS, max_size=6).map(" ".join)),
                max_size=12))
def test_a_column_of_names_gets_each_names_own_key(names: list[str]) -> None:
    """name_keys folds a whole column at once (ASCII names joined into one text): every key must
    be the one name_key gives that name alone, whatever the neighbours, line breaks included."""
    assert name_keys(names) == [name_key(name) for name in names]


def test_a_column_of_typical_names_gets_each_names_own_key() -> None:
    names = ["Acme, Inc.", "The Globex Corporation", "Initech S.A.", "Smith & Nephew plc", "A.B.C. Ltd",
             "McDonald’s", "Ørsted A/S", "Société Générale", "Jo's Pizza", "", "  ", "Co.", "Acme\nWidgets",
             "R&D+Co", "x.y", "İstanbul Holding A.Ş."]
    assert name_keys(names) == [name_key(name) for name in names]
    assert name_keys([n for n in names if "\n" not in n]) == [name_key(n) for n in names if "\n" not in n]


_DOMAIN_PARTS = st.sampled_from(
    ["https://", "http://", "www.", "shop.", "acme", "bücher", ".com", ".co.uk", ".de", ".github.io",
     "/about", "?x=1", ":8080", "jo@", " ", ";", ".", "-", "xn--bcher-kva", "user:pw@"]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.lists(_DOMAIN_PARTS, max_size=8).map("".join)))
def test_registrable_domain_is_idempotent(cell: str) -> None:
    domain = registrable_domain(cell)
    if domain:
        assert registrable_domain(domain) == domain


def test_www_as_the_registrable_label_is_kept_stable():
    # found by hypothesis: "www" can be the registrable label itself, not a prefix to strip
    assert registrable_domain("0.WWW.AL") == "www.al"
    assert registrable_domain(registrable_domain("0.WWW.AL")) == "www.al"
    assert registrable_domain("www2.acme.com") == "acme.com"


def test_the_suffix_lookup_gives_tldextracts_answers() -> None:
    """normalize reads tldextract's bundled list itself (to stay fast and light to import); for
    every rule of the list, under one and two more labels, it must cut where tldextract does."""
    from acctmap_tui.core.normalize import _PSL_RULE, _suffix_trie, split_host

    _suffix_trie()
    snapshot = Path(tldextract.__file__).parent / ".tld_set_snapshot"
    rules = [m.group("suffix") for m in _PSL_RULE.finditer(snapshot.read_text(encoding="utf-8"))]
    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)
    hosts = set()
    for rule in rules:
        base = rule.lstrip("!*.")
        base = ".".join(label.encode("idna").decode("ascii") if not label.isascii() else label
                        for label in base.split(".")) if base else base
        hosts.update((base, f"acme.{base}", f"www.acme.{base}", f"x.y.acme.{base}"))
    hosts.update(("localhost", "acme", "co.uk", "www.al", "0.www.al", "a.b.c.ck", "www.ck", "xn--bcher-kva.de"))
    wrong = []
    for host in sorted(h for h in hosts if h):
        r = extract(host)
        if split_host(host) != (r.domain if r.suffix else "", r.suffix):
            wrong.append((host, split_host(host), (r.domain, r.suffix)))
    assert wrong == []


PLAIN_AND_TRICKY_CELLS = [
    "HTTPS://WWW.Acme.CO.UK/x", "http://1.2.3.4", "a.local", "x.localhost/", "jo@a.b.c.github.io",
    "https://github.io", "co.uk", "www.al", "https://x.com:8080", "x_y.com", "-a.com", "a-.com",
    "https://a.com/p?q=http://b.com", "a.com/@b", "mailto:jo@x.com", "a..com", ".a.com", "a.com.",
    "http:/a.com", "xn--bcher-kva.de", "acme.blogspot.com", "x.com/path,y.com", "foo@bar",
    "jo.smith+crm@sub.acme.co.jp", "https://https://x.io/", "x.123", "abc.co.uk/", "sales@gmail.com",
    "http://scottlandscaping.com.au/index.html?ref=crm", "investors.ovamorcloud.com",
]


@pytest.mark.parametrize("cell", PLAIN_AND_TRICKY_CELLS)
def test_plain_cell_shortcut_gives_the_full_parsers_answer(cell: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """parse_domain takes plain hosts, URLs and emails straight to the suffix lookup: same answer."""
    import re

    from acctmap_tui.core import normalize

    normalize.parse_domain.cache_clear()
    quick = normalize.parse_domain(cell)
    monkeypatch.setattr(normalize, "_PLAIN_CELL", re.compile(r"(?!x)x"))  # never matches
    normalize.parse_domain.cache_clear()
    assert normalize.parse_domain(cell) == quick
    normalize.parse_domain.cache_clear()


def test_each_token_of_a_cell_of_several_gives_the_full_parsers_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cell of several tokens takes each plain one straight to the suffix lookup too: the same
    domain, note and list of every domain in the cell as the full parser gives token by token."""
    import re

    from acctmap_tui.core import normalize

    cells = (["; ".join(PLAIN_AND_TRICKY_CELLS[i::4]) for i in range(4)] + [", ".join(PLAIN_AND_TRICKY_CELLS)]
             + ["acme.com acme.de | 'acme.fr' acme.com", "n/a", "  ", "- ; TBD"])
    quick = [normalize.parse_cell(cell) for cell in cells]
    monkeypatch.setattr(normalize, "_PLAIN_CELL", re.compile(r"(?!x)x"))  # never matches
    assert [normalize.parse_cell(cell) for cell in cells] == quick
    domain, note, every = quick[-4]
    assert (domain, every) == ("acme.com", ("acme.com", "acme.de", "acme.fr")) and "several domains" in note
    assert set().union(*(every for _d, _n, every in quick[:4])) == set(quick[4][2])  # the same tokens
    assert len(quick[4][2]) > 10


def test_plain_cell_pattern_matches_as_its_backtracking_form_would() -> None:
    """`_PLAIN_CELL` is written with possessive parts (for speed): on hosts, URLs, emails and
    random strings of their characters it matches exactly the cells, with the same host, that the
    same pattern written the ordinary way matches."""
    import random
    import re

    from acctmap_tui.core import normalize

    label = r"[a-z0-9]+(?:-+[a-z0-9]+)*"  # a host label, no hyphen at either end
    host = rf"({label}(?:\.{label})+)"
    ordinary = re.compile(rf"(?:(?:https?://)*{host}(?:[/?#][^\s;,|]*)?|[a-z0-9._%+-]+@{host})")
    rng = random.Random(7)
    cells = [cell.lower() for cell in PLAIN_AND_TRICKY_CELLS]
    cells += ["".join(rng.choice("ab0-._@/:?#%+ ;,|htps") for _ in range(rng.randint(1, 14)))
              for _ in range(30_000)]

    def labels() -> str:  # "ab.0-a", "a--b.ab": mostly labels, now and then a stray "-" or "."
        return ".".join("".join(rng.choice("ab0-" if rng.random() < 0.3 else "ab0")
                                for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 4)))

    cells += [rng.choice(["https://", "http://https://", "", "", "x@", "a.b@", "a-b.c@", "http://x@"])
              + labels() + rng.choice(["", "", "/x", "?q", "#f", "/a b", "/p;q", "@", ".", "-", ":80"])
              for _ in range(30_000)]
    found = [ordinary.fullmatch(cell) for cell in cells]
    differ = [cell for cell, ordinary_match in zip(cells, found)
              if getattr(normalize._PLAIN_CELL.fullmatch(cell), "groups", lambda: None)()
              != getattr(ordinary_match, "groups", lambda: None)()]
    # the cells reach both alternatives (a host or URL, an email), and fail often too
    assert sum(m is not None and m.group(1) is not None for m in found) > 2_000
    assert sum(m is not None and m.group(2) is not None for m in found) > 500
    assert sum(m is None for m in found) > 20_000
    assert differ == []


@pytest.mark.parametrize("cell", ["acme.com\u200e", "\u200facme.com", "\u202aacme.com\u202c",
                                  "https://www.acme.com/\u2066about\u2069", "\ufeffacme.com"])
def test_direction_marks_and_other_invisible_characters_leave_a_website_cell(cell):
    """A cell copied from a right-to-left page carries direction marks: the domain is still
    the domain, not "not a valid internationalised domain" (domain rules version 2)."""
    assert registrable_domain(cell) == "acme.com"
    assert domain_problem(cell) is None
