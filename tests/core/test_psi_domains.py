"""Every domain of a website cell takes part in the private exchange, as `acctmap match` joins on
each; an account is found once (audit 14 M6: only the first took part, yet the list problem said
the others match too)."""

from acctmap_tui.core import ingest, psi
from acctmap_tui.core.model import OURS, PARTNER


def write_list(path, rows):
    path.write_text("name,website,status\n" + "".join(f'{n},"{d}",{s}\n' for n, d, s in rows))
    return ingest.read_list(path, OURS, "")


def exchange(tmp_path, ours_rows, theirs_rows, counts_only=False):
    secrets = tmp_path / "secrets"
    ours, theirs = write_list(tmp_path / "a.csv", ours_rows), write_list(tmp_path / "b.csv", theirs_rows)
    f = {n: tmp_path / f"{n}.psi" for n in ("a1", "b1", "a2", "b2")}
    started = psi.start(ours, f["a1"], counts_only=counts_only, company="Northwind", folder=secrets)
    psi.start(theirs, f["b1"], counts_only=counts_only, company="Globex", folder=secrets)
    psi.answer(f["a1"], f["b1"], f["a2"], folder=secrets, expect_size=100)
    psi.answer(f["b1"], f["a1"], f["b2"], folder=secrets, expect_size=100)
    ours_done = psi.finish(f["a1"], f["b1"], f["b2"], folder=secrets)
    theirs_done = psi.finish(f["b1"], f["a1"], f["a2"], folder=secrets)
    return started, ours_done, theirs_done


OURS_ROWS = [("Acme", "acme.com, acme.de", "Customer"), ("Solo", "solo.com", "Prospect"),
             ("Quiet", "quiet.com", "Customer")]


def test_a_second_domain_of_a_website_cell_finds_the_account(tmp_path):
    started, ours, theirs = exchange(tmp_path, OURS_ROWS, [("Acme GmbH", "acme.de", "Prospect"),
                                                           ("Other", "other.com", "Customer")])
    assert (started.accounts, started.list_size) == (3, 4)
    assert "3 accounts with a domain take part (4 domains" in psi.taking_part(started)
    [account] = ours.session.accounts
    assert account.ours.name == "Acme" and account.theirs.domain == "acme.de"
    assert account.theirs.status == "prospect"
    [mirror] = theirs.session.accounts
    assert mirror.ours.name == "Acme GmbH" and mirror.theirs.status == "customer"


def test_an_account_found_by_two_domains_is_found_once_by_its_own(tmp_path):
    _, ours, theirs = exchange(tmp_path, OURS_ROWS, [("Acme Inc", "acme.com", "Customer"),
                                                     ("Acme GmbH", "acme.de", "Prospect")])
    [account] = ours.session.accounts
    assert account.theirs.domain == "acme.com" and account.theirs.status == "customer"
    assert sorted(a.ours.name for a in theirs.session.accounts) == ["Acme GmbH", "Acme Inc"]


def test_both_screens_count_a_list_by_the_same_size(tmp_path):
    """Our list's size on our screen is the size the partner's screen shows for it."""
    _, ours, theirs = exchange(tmp_path, OURS_ROWS, [("Acme GmbH", "acme.de", "Prospect")])
    assert ours.session.source(OURS).accounts == theirs.session.source(PARTNER).accounts == 4
    assert ours.session.source(PARTNER).accounts == theirs.session.source(OURS).accounts == 1
    assert any("Globex's list: 1 domains; ours: 4" in n for n in ours.notes)


def test_counts_only_finds_a_second_domain(tmp_path):
    _, ours, theirs = exchange(tmp_path, OURS_ROWS, [("Acme GmbH", "acme.de", "Prospect")],
                               counts_only=True)
    assert ours.overlap == theirs.overlap == 1
