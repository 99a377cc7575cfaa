"""bench/real_lists_bench.py writes the two sides the way its docstring says (the figures it
prints are only as good as the lists it builds)."""

import pytest

from bench.real_lists_bench import Company, assemble, our_website, their_name, wikipedia_title


def test_wikipedia_title_is_the_name_a_person_writes():
    assert wikipedia_title("https://en.wikipedia.org/wiki/Cohen_%26_Steers") == "Cohen & Steers"
    assert wikipedia_title("https://en.wikipedia.org/wiki/Herm%C3%A8s") == "Hermès"
    assert wikipedia_title("https://de.wikipedia.org/wiki/Hensoldt_(Unternehmensgruppe)") == "Hensoldt"
    assert wikipedia_title("https://en.wikipedia.org/wiki/Alphabet_Inc.") == "Alphabet Inc."


def test_our_website_cell_takes_turns_at_url_forms_of_the_same_host():
    cells = [our_website("www.alliancewitan.com", i) for i in range(3)]
    assert cells == ["www.alliancewitan.com", "https://www.alliancewitan.com/", "http://alliancewitan.com"]
    assert our_website("adidas.com", 1) == "https://www.adidas.com/"
    # cells that are not one bare host stay as the data holds them
    for messy in ("www.group.rwe /en", "mcdonalds.com corporate.mcdonalds.com", "Official website", ""):
        assert {our_website(messy, i) for i in range(3)} == {messy}


def test_their_name_is_the_legal_name_from_the_article_and_company_type():
    wiki = "https://en.wikipedia.org/wiki/"
    assert their_name(Company("X", ["Beiersdorf"], wikipedia_url=wiki + "Beiersdorf",
                              company_type="Public ( AG )")) == "Beiersdorf AG"
    assert their_name(Company("X", ["KWS Saat"], wikipedia_url=wiki + "KWS_Saat", company_type=(
        "Public ( Kommanditgesellschaft auf Aktien with a Societas Europaea as general partner)"))) == "KWS Saat KGaA"
    assert their_name(Company("X", ["Siemens Energy AG"], company_type="Aktiengesellschaft")) == "Siemens Energy AG"
    assert their_name(Company("X", ["Oracle"], wikipedia_url=wiki + "Oracle_Corporation",
                              company_type="Public")) == "Oracle Corporation"
    # no article: the name another index gives the company
    assert their_name(Company("X", ["Fresenius Medical Care", "FMC"])) == "FMC"


def test_universe_is_one_row_per_company():
    pytest.importorskip("pytickersymbols")
    from bench.real_lists_bench import universe

    companies = universe()
    assert len({c.key for c in companies}) == len(companies)
    by_name: dict[str, list[Company]] = {}
    for c in companies:
        for name in c.names:
            by_name.setdefault(name, []).append(c)
    assert len(by_name["Alphabet Inc."]) == 1  # GOOG and GOOGL share their ISINs
    assert len(by_name["Clearway Energy, Inc. (Class A)"]) == 1  # share classes: one company
    assert by_name["Clearway Energy, Inc. (Class A)"] == by_name["Clearway Energy, Inc. (Class C)"]
    assert len(by_name["First Bancorp"] + by_name["First BanCorp"]) == 2  # two banks of one name
    assert "STABILUS SE" not in by_name  # a mislabeled listing (STMicroelectronics' identifiers)
    assert by_name["Formycon"][0].website  # the bare SDAX listing joined the TecDAX one


def test_lists_overlap_by_half_with_a_third_of_their_websites_blank():
    companies = [Company(f"K{i}", [f"Company {i}"], website=f"c{i}.com") for i in range(3000)]
    lists = assemble(companies, seed=1, blank=0.3)
    assert assemble(companies, seed=1, blank=0.3) == lists  # deterministic for a seed
    ours = {r[-1] for r in lists.ours}
    theirs = {r[-1] for r in lists.theirs}
    assert len(ours) == len(lists.ours) == 2000 and len(theirs) == len(lists.theirs) == 2000
    assert ours & theirs == lists.shared and len(lists.shared) == 1000
    blank = sum(not r[1] for r in lists.theirs) / len(lists.theirs)
    assert 0.27 < blank < 0.33
    assert all(r[1] for r in lists.ours)
