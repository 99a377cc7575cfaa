"""Recall classes real lists need (issue 12): one small example per class of missed true pair.

Records here go through the normalizer (name keys and domains as ingest builds them), because
several classes live in the keys. Each test also checks that the fix does not let the look-alike
pair the old rule guarded against through.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from acctmap_tui.core.ingest import read_list
from acctmap_tui.core.match import _name_ranks, _name_words, match_lists
from acctmap_tui.core.review_order import review_priority
from acctmap_tui.core.model import (
    AUTO,
    DOMAIN,
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


def one_site_decision(name: str, website: str) -> str | None:
    """The decision on `name` at `website` on our list against the same name without a website."""
    return decision(run([rec(name, website)], [rec(name)]), name, name)


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


# --- names of common words, rare as a whole ---------------------------------------------------


def _surname_crowd() -> tuple[list[Record], list[Record]]:
    """Many firms named after the same surnames, so each word alone is common."""
    trades = ["Plumbing", "Roofing", "Dental", "Law", "Bakery", "Printing", "Catering", "Realty"]
    ours = [rec(f"{s} {t}", f"{s}{t}{i}.com".lower()) for i, s in enumerate(["Brown", "Harris", "Becker"])
            for t in trades]
    theirs = [rec(f"{s} {t}", f"{s}{t}-{i}.de".lower()) for i, s in enumerate(["Brown", "Harris", "Becker"])
              for t in trades]
    return ours, theirs


def test_a_name_of_common_words_that_is_rare_as_a_whole_is_auto():
    crowd_o, crowd_t = _surname_crowd()
    result = run([rec("Brown, Harris and Becker LLP"), *crowd_o],
                 [rec("Brown Harris & Becker", "brownharrisbecker.com"), *crowd_t])
    assert decision(result, "Brown, Harris and Becker LLP", "Brown Harris & Becker") == AUTO


def test_a_common_two_word_name_stays_in_review():
    crowd_o, crowd_t = _surname_crowd()
    extra = [rec(f"Brown {w}", f"brown{w}.com") for w in ("Sons", "Labs", "Media", "Foods")]
    result = run([rec("Brown Sons"), *crowd_o], [rec("Brown Sons", "brownsons.io"), *crowd_t, *extra])
    assert decision(result, "Brown Sons", "Brown Sons") == REVIEW


# --- typos across a word boundary, generic words, possessives ------------------------------------


def test_a_typo_across_a_word_boundary_is_found():
    result = run([rec("Rus tRose Analytics")], [rec("Rust Rose Analytics", "rustroseanalytics.com")])
    assert decision(result, "Rus tRose Analytics", "Rust Rose Analytics") == AUTO


def test_a_possessive_or_plural_s_does_not_split_a_pair():
    result = run([rec("Campbell's Kitchenware")], [rec("Campbell Kitchenware Inc.", "campbellkw.com")])
    assert decision(result, "Campbell's Kitchenware", "Campbell Kitchenware Inc.") == AUTO


def test_names_differing_in_a_generic_word_go_to_review_not_auto():
    result = run([rec("Vexora Holdings")], [rec("Vexora", "vexora.com")])
    assert decision(result, "Vexora Holdings", "Vexora") == REVIEW
    # and the generic word is never what identifies a name: another firm's "Holdings" is no match
    result = run([rec("Vexora Holdings")], [rec("Quintel Holdings", "quintel.com")])
    assert result.accounts == []


# --- one-word names with a free-mail website ----------------------------------------------------


def test_a_one_word_name_with_a_free_mail_website_goes_to_review():
    ours = [rec("Zantrix", "zantrix@gmail.com")]
    ours[0].domain = ""  # ingest blanks a free-mail domain
    result = run(ours, [rec("Zantrix", "zantrix.io")])
    assert decision(result, "Zantrix", "Zantrix") == REVIEW
    result = run([rec("Zantrix")], [rec("Zantrix", "zantrix.io")])  # no website at all: auto
    assert decision(result, "Zantrix", "Zantrix") == AUTO


# --- one company, two domains --------------------------------------------------------------------


def test_a_distinctive_name_on_two_domains_is_review_and_first_in_the_queue():
    result = run([rec("Qorvantis Labs", "qorvantis.com"), rec("Abc Dental")],
                 [rec("Qorvantis Labs GmbH", "qorvantis.de"), rec("Abc Dentall", "abcdental.com")])
    pair = next(a for a in result.accounts if a.ours.name == "Qorvantis Labs")
    assert pair.match.decision == REVIEW and FLAG_DIFFERENT_DOMAINS in pair.match.flags
    queue = sorted((a for a in result.accounts if a.match.decision == REVIEW), key=review_priority)
    assert queue[0] is pair


# --- several domains in one website cell ---------------------------------------------------------


def test_every_domain_of_a_website_cell_joins(tmp_path):
    o, t = tmp_path / "o.csv", tmp_path / "t.csv"
    o.write_text('name,website,status\nAcme Europe,"acme.com; acme.de",customer\n', encoding="utf-8")
    t.write_text("name,website,status\nACME GmbH,www.acme.de,prospect\n", encoding="utf-8")
    ours, theirs = read_list(o, OURS), read_list(t, PARTNER)
    assert ours.records[0].other_domains == ["acme.de"]
    result = match_lists(ours, theirs)
    assert [(a.ours.name, a.theirs.name, a.match.method) for a in result.accounts] == [
        ("Acme Europe", "ACME GmbH", "domain")]


# --- second pass for names whose blocks were all too crowded ------------------------------------


def test_a_typo_in_a_name_of_crowded_words_is_found_by_the_second_pass():
    def crowd(tld: str) -> list[Record]:
        smiths = [rec(f"Smith Z{i:03d}x", f"smith{i}.{tld}") for i in range(120)]
        plumbers = [rec(f"Q{i:03d}v Plumbing", f"plumb{i}.{tld}") for i in range(120)]
        return smiths + plumbers

    result = run([rec("Smiht Plumbing"), *crowd("com")], [rec("Smith Plumbing", "smithplumbing.io"), *crowd("de")])
    assert decision(result, "Smiht Plumbing", "Smith Plumbing") == REVIEW


_word = st.text("abz1é", min_size=1, max_size=3)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_word, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=30, unique=True))
def test_the_second_pass_orders_names_as_their_letters_do(names):
    """The second pass ranks names by their words' ranks, not letter by letter: the order must be
    the letters' all the same, a name before a longer one it begins ("ab" < "ab z" < "abz")."""
    words = _name_words(names, np.ones(len(names), dtype=np.int64))
    by_sorted_words, by_reversed_letters = _name_ranks(names, words)

    def rank(forms: list[str]) -> list[int]:
        order = sorted(set(forms))
        return [order.index(f) for f in forms]

    assert by_sorted_words.tolist() == rank([" ".join(sorted(n.split())) for n in names])
    assert by_reversed_letters.tolist() == rank([n[::-1] for n in names])


# --- domain-less rows with one name on one list --------------------------------------------------


def test_rows_merged_on_the_name_alone_are_reported_for_a_person(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("name,website,status,city\nMartin Plumbing,,customer,Leeds\n"
                    "Acme,acme.com,customer,\nMartin Plumbing,,prospect,Austin\nAcme Inc,acme.com,lead,\n",
                    encoding="utf-8")
    lst = read_list(path, OURS)
    text = "\n".join(map(str, lst.problems))
    assert "merged on the name alone" in text and "'Martin Plumbing' (rows 2+4)" in text
    assert "Acme" not in text.split("merged on the name alone")[1]  # a shared domain is proof enough


def test_many_rows_merged_on_the_name_alone_are_cut_short(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("name,website,status\n" + "Acme Co,,customer\n" * 5000, encoding="utf-8")
    lst = read_list(path, OURS)
    (line,) = [str(p) for p in lst.problems if "merged on the name alone" in p.message]
    assert "'Acme Co' (rows 2+3+4+5+6+… and 4,995 more)" in line and len(line) < 300


# --- invisible characters and names of only legal forms (hostile-input audit F6, F7) ------------


def test_a_zero_width_space_in_a_name_pairs_it_with_its_own_company(tmp_path):
    ours, theirs = tmp_path / "o.csv", tmp_path / "t.csv"
    ours.write_text("name,domain,status\nSun Inc,,customer\nSunco Inc,,prospect\n", encoding="utf-8")
    theirs.write_text("name,domain,status\nSun\u200bco Inc,,customer\n", encoding="utf-8")
    result = match_lists(read_list(ours, OURS), read_list(theirs, PARTNER))
    assert decision(result, "Sunco Inc", "Sun\u200bco Inc") == AUTO
    assert decision(result, "Sun Inc", "Sun\u200bco Inc") is None


def test_names_of_only_legal_forms_are_never_matched_nor_merged(tmp_path):
    ours, theirs = tmp_path / "o.csv", tmp_path / "t.csv"
    ours.write_text('name,domain,status\nInc.,,customer\nLtd,,customer\nThe,,customer\n'
                    '"Inc., LLC",,customer\n株式会社,,customer\nLLC,llc-maker.com,prospect\n', encoding="utf-8")
    theirs.write_text("name,domain,status\nInc,,customer\nLLC,,customer\nCo.,,customer\n"
                      "Widgets,llc-maker.com,customer\n", encoding="utf-8")
    o, t = read_list(ours, OURS), read_list(theirs, PARTNER)
    # a row with a domain keeps it, with no name; one with neither is skipped; each is reported
    assert [(r.name, r.domain, r.rows) for r in o.records] == [("", "llc-maker.com", [7])]
    assert len(t.records) == 1
    by_row = {(p.row, p.column): p.message for p in o.problems if p.row}
    assert by_row[(2, "name")] == "'Inc.' is only a legal form, not a company name; name ignored"
    assert by_row[(5, "name")].startswith("'Inc., LLC' is only a legal form")
    assert by_row[(7, "name")].startswith("'LLC' is only a legal form")
    skipped = next(p for p in o.problems if "no name and no usable domain" in p.message)
    assert "5 rows: 2, 3, 4, 5, 6" in skipped.message
    assert not any("merged" in p.message for p in o.problems)
    result = match_lists(o, t)
    assert [(a.ours.domain, a.match.method) for a in result.accounts if a.ours and a.theirs] == [
        ("llc-maker.com", DOMAIN)]


# --- a brand top-level domain -------------------------------------------------------------------


def test_a_site_under_the_companys_own_top_level_domain_is_not_unlike_its_name():
    """global.toyota, corporate.epson: the registrable label ("global") is unlike the name, but
    the top-level domain is the name itself (seen on real index lists)."""
    for website, name in (("https://www.global.toyota/", "Toyota"), ("corporate.epson", "Epson"),
                          ("home.barclays", "Barclays PLC"), ("group.bnpparibas", "BNP Paribas")):
        assert one_site_decision(name, website) == AUTO, website
    # a generic top-level domain is no such proof: a site unlike the name still asks a human
    assert one_site_decision("Vantor Robotics", "global.store") == REVIEW


def test_a_brand_top_level_domain_that_is_one_word_of_the_name_counts_too():
    """Seiko Epson at corporate.epson: the top-level domain is the brand word of the name, under
    a site label (global, home, corporate ...)."""
    assert one_site_decision("Seiko Epson", "http://corporate.epson") == AUTO
    # a generic top-level domain that is a word of the name is no proof without a site label
    assert one_site_decision("Vantor Store Robotics", "www.acme.store") == REVIEW


# --- a domain label writing "&" or followed by a legal form -------------------------------------


def test_a_label_writing_the_name_with_and_und_or_a_legal_form_is_the_names():
    """M&G at mandgplc.com, 1&1 at 1und1.ag, Wendel Group at wendelgroup.com (real index lists):
    the label is the name run together, "&" written out and a legal form or generic word after."""
    for name, website in (("M&G", "http://mandgplc.com"), ("1&1 AG", "www.1und1.ag"),
                          ("B&Q", "bandq.com"), ("Wendel", "www.wendelgroup.com")):
        assert one_site_decision(name, website) == AUTO, website
    # a label that holds more than the name and a legal form is still unlike it
    assert one_site_decision("M&G", "http://mandgpartnersnet.com") == REVIEW


def test_a_shared_domain_whose_label_writes_both_names_with_a_legal_form_is_auto():
    """The KKR rule reads labels the same way: "M&G" and "M and G plc" at mandgplc.com."""
    result = run([rec("M&G", "mandgplc.com")], [rec("Prudential Investments plc", "mandgplc.com")])
    assert decision(result, "M&G", "Prudential Investments plc") == REVIEW  # not the label
    result = run([rec("M&G", "mandgplc.com")], [rec("MandG PLC", "mandgplc.com")])
    assert decision(result, "M&G", "MandG PLC") == AUTO


# --- a note in brackets at the end of a name ----------------------------------------------------


def test_a_name_with_a_note_in_brackets_pairs_with_the_name_without_it():
    """"Buckle (clothing retailer)" at buckle.com and the partner's "Buckle": auto, because the
    one domain spells the name; without a domain that proves it, a person decides."""
    result = run([rec("Buckle (clothing retailer)", "http://buckle.com")], [rec("Buckle")])
    assert decision(result, "Buckle (clothing retailer)", "Buckle") == AUTO
    pair = next(a for a in result.accounts if a.theirs.name == "Buckle")
    assert "name-note" in pair.match.flags
    result = run([rec("Wendel")], [rec("Wendel (investment company)")])
    assert decision(result, "Wendel", "Wendel (investment company)") == REVIEW
    result = run([rec("Buckle (clothing retailer)", "http://shoes-direct.com")], [rec("Buckle")])
    assert decision(result, "Buckle (clothing retailer)", "Buckle") == REVIEW


def test_a_note_shared_by_several_records_or_names_is_left_to_a_person():
    """"Acme (EMEA)" and "Acme (US)" are two accounts: neither is paired with the partner's
    "Acme" by leaving its note out; with one noted Acme, it is."""
    result = run([rec("Acme (EMEA)", "acme.com"), rec("Acme (US)")], [rec("Acme")])
    assert decision(result, "Acme (EMEA)", "Acme") is None
    assert decision(result, "Acme (US)", "Acme") is None
    result = run([rec("Acme (EMEA)", "acme.com"), rec("Zorvex Acme")], [rec("Acme")])
    assert decision(result, "Acme (EMEA)", "Acme") == AUTO


# --- legal forms in Chinese, Japanese and Korean names ----------------------------------------


def test_a_cjk_legal_form_neither_makes_nor_breaks_a_pair():
    # 株式会社 (Co., Ltd.) is four of six characters of a short Japanese name: left in, two firms
    # one character apart scored 83 and a list of them filled the review queue
    result = run([rec("株式会社一厩"), rec("株式会社山田製作所"), rec("주식회사 한빛")],
                 [rec("株式会社一劊"), rec("山田製作所"), rec("한빛(주)")])
    assert decision(result, "株式会社山田製作所", "山田製作所") == AUTO
    assert decision(result, "주식회사 한빛", "한빛(주)") == AUTO
    assert [a for a in result.accounts if a.ours.name == "株式会社一厩"] == []
