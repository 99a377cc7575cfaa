"""Privacy-safe exchange: keys, keyed hashes, minimal share files, and the key-mismatch warning."""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
from pathlib import Path

import pytest

from acctmap_tui.core import privacy
from acctmap_tui.core.model import (
    CUSTOMER,
    OPEN_DEAL,
    OURS,
    PARTNER,
    PROSPECT,
    AccountList,
    AcctmapError,
    Record,
)

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def sample_list() -> AccountList:
    return AccountList(
        side=OURS, company="Northwind", path="northwind.csv",
        columns={"name": "Account Name", "domain": "Website", "status": "Type",
                 "owner": "Account Owner"},
        records=[
            Record("Acme, Inc.", "acme.com", CUSTOMER, "Customer", "Dana Reyes",
                   extra={"Annual Revenue": "USD 987,654,321", "Industry": "Software"}, rows=[2]),
            Record("=HYPERLINK(\"http://x\")", "hyper.link", PROSPECT, "Prospect", "Sam Ito",
                   extra={"Industry": "-Media"}, rows=[3]),
            Record("Helios Robotics", "", OPEN_DEAL, "Opportunity", "Lena Vogt", rows=[4]),
            Record("Zero Padded", "00123.com", None, "Partner?", "", rows=[5]),
        ],
    )


def read_csv(path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


# --- keys ---------------------------------------------------------------------------------------


def test_keygen_makes_fresh_32_byte_hex_keys(tmp_path):
    a, b = privacy.keygen(), privacy.keygen()
    assert a != b and len(bytes.fromhex(a)) == 32
    path = tmp_path / "shared.key"
    path.write_text(a + "\n", encoding="ascii")
    assert privacy.read_key(path) == bytes.fromhex(a)


@pytest.mark.parametrize("content, words", [
    (None, "no such key file"), ("abcd", "too short"), ("zz" * 32, "hex"), ("", "hex"),
])
def test_read_key_refuses_bad_key_files(tmp_path, content, words):
    path = tmp_path / "k.key"
    if content is not None:
        path.write_text(content, encoding="ascii")
    with pytest.raises(AcctmapError) as err:
        privacy.read_key(path)
    assert words in str(err.value) and str(path) in str(err.value)


def test_read_key_refuses_a_device_a_folder_and_a_huge_file_before_reading(tmp_path):
    huge = tmp_path / "huge.key"
    huge.write_text("ab" * privacy.KEY_FILE_LIMIT)  # hex, but no key is that long
    for path, words in ((os.devnull, "not a plain file (a device, FIFO or socket): give the key file itself"),
                        (tmp_path, "this is a folder, not a key file"), (huge, "too large for a key file")):
        with pytest.raises(AcctmapError) as err:
            privacy.read_key(path)
        assert str(err.value).startswith(f"{path}: {words}")
    link = tmp_path / "link.key"  # a link to a key file is read as the file
    (tmp_path / "k.key").write_text(KEY.hex() + "\n")
    link.symlink_to(tmp_path / "k.key")
    assert privacy.read_key(link) == KEY


def test_hash_domain_is_hmac_sha256_of_the_domain():
    expected = hmac.new(KEY, "acme.com".encode("utf-8"), hashlib.sha256).hexdigest()
    assert privacy.hash_domain("acme.com", KEY) == expected
    assert privacy.hash_domain("acme.com", KEY) == privacy.hash_domain("acme.com", KEY)
    assert privacy.hash_domain("acme.com", OTHER_KEY) != expected
    assert privacy.hash_domain("acme.co.uk", KEY) != expected
    idn = hmac.new(KEY, "münchen.de".encode("utf-8"), hashlib.sha256).hexdigest()
    assert privacy.hash_domain("münchen.de", KEY) == idn


# --- hashed lists -------------------------------------------------------------------------------


def test_hash_list_keeps_only_hash_and_status():
    lst = sample_list()
    hashed = privacy.hash_list(lst, KEY)
    assert hashed.hashed and len(hashed.records) == 3  # Helios has no domain
    assert any("1 accounts without a domain" in p.message for p in hashed.problems)
    acme = hashed.records[0]
    assert acme.domain == privacy.hash_domain("acme.com", KEY)
    assert (acme.name, acme.owner, acme.extra) == ("", "", {})
    assert acme.hashed and acme.status == CUSTOMER
    assert lst.records[0].name == "Acme, Inc."  # the original list is untouched


def test_hash_for_matching_maps_hashes_back_to_our_records():
    lst = sample_list()
    hashed, originals = privacy.hash_for_matching(lst, KEY)
    assert {r.domain for r in hashed.records} == set(originals)
    assert originals[privacy.hash_domain("acme.com", KEY)] is lst.records[0]


def test_write_hashed_holds_no_plain_domain_or_name(tmp_path):
    report = privacy.write_hashed(sample_list(), tmp_path / "h.csv", KEY)
    header, rows = read_csv(tmp_path / "h.csv")
    assert header == ["domain_hash", "status"]
    assert [r["domain_hash"] for r in rows] == [
        privacy.hash_domain(d, KEY) for d in ("acme.com", "hyper.link", "00123.com")]
    assert [r["status"] for r in rows] == [CUSTOMER, PROSPECT, ""]  # an unknown word: blank
    text = (tmp_path / "h.csv").read_text(encoding="utf-8-sig")
    for secret in ("acme", "Acme", "hyper", "Dana", "Software", "987"):
        assert secret not in text
    assert report.rows == 3 and report.dropped == 1
    assert "name" in report.held_back and "Annual Revenue" in report.held_back


def _list_of(domains: list[str], side: str) -> AccountList:
    return AccountList(side, side, f"{side}.csv",
                       records=[Record(d.split(".")[0], d, CUSTOMER) for d in domains])


def test_key_mismatch_is_suspected_only_for_real_lists_with_no_overlap():
    domains = [f"company{i}.com" for i in range(25)]
    ours = _list_of(domains, OURS)
    theirs_same = privacy.hash_list(_list_of(domains[5:], PARTNER), KEY)
    theirs_other = privacy.hash_list(_list_of(domains[5:], PARTNER), OTHER_KEY)
    ours_hashed = privacy.hash_list(ours, KEY)
    assert privacy.likely_key_mismatch(ours_hashed, theirs_other, matched=0)
    assert not privacy.likely_key_mismatch(ours_hashed, theirs_same, matched=0)
    assert not privacy.likely_key_mismatch(ours_hashed, theirs_other, matched=3)
    small = privacy.hash_list(_list_of(domains[:5], PARTNER), OTHER_KEY)
    assert not privacy.likely_key_mismatch(ours_hashed, small, matched=0)
    plain_strangers = _list_of([f"other{i}.com" for i in range(25)], PARTNER)
    assert not privacy.likely_key_mismatch(ours, plain_strangers, matched=0)  # nothing hashed


# --- minimal share files ---------------------------------------------------------------------


def test_share_rows_hold_only_the_chosen_fields():
    rows, report = privacy.share_rows(sample_list())
    assert all(set(r) == {"domain", "status"} for r in rows)
    assert [r["domain"] for r in rows] == ["acme.com", "hyper.link", "00123.com"]
    assert report.columns == ["domain", "status"] and report.rows == 3 and report.dropped == 1
    assert report.held_back == ["name", "owner", "Annual Revenue", "Industry"]
    assert "held back: name, owner, Annual Revenue, Industry" in report.describe()


def test_an_extra_column_spelt_like_a_sent_field_is_named_as_held_back(tmp_path):
    """A CRM column headed "status" beside the mapped Type column is not what the file sends."""
    lst = AccountList(OURS, "Us", "ours.csv", columns={"domain": "Website", "status": "Type"},
                      records=[Record("Acme", "acme.com", CUSTOMER, extra={"status": "MKSTATUS churn risk"})])
    rows, report = privacy.share_rows(lst)
    assert rows == [{"domain": "acme.com", "status": CUSTOMER}]
    assert "status" in report.held_back
    hashed = privacy.write_hashed(lst, tmp_path / "h.csv", KEY)
    assert hashed.held_back == report.held_back


def test_sharing_by_name_keeps_accounts_without_a_domain():
    rows, report = privacy.share_rows(sample_list(), ("Name", "industry"))
    assert [set(r) for r in rows] == [{"name", "Industry"}] * 4
    assert report.dropped == 0


def test_unknown_field_or_nothing_to_match_on_is_refused():
    with pytest.raises(AcctmapError, match="Revenu"):
        privacy.share_rows(sample_list(), ("domain", "Revenu"))
    with pytest.raises(AcctmapError, match="domain or name"):
        privacy.share_rows(sample_list(), ("status", "owner"))


def test_write_share_has_exactly_the_chosen_columns_and_escapes_formulas(tmp_path):
    fields = ("name", "domain", "Industry")
    report = privacy.write_share(sample_list(), tmp_path / "share.csv", fields)
    assert (tmp_path / "share.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    header, rows = read_csv(tmp_path / "share.csv")
    assert header == ["name", "domain", "Industry"] == report.columns
    assert rows[1] == {"name": "'=HYPERLINK(\"http://x\")", "domain": "hyper.link",
                       "Industry": "'-Media"}
    assert rows[3]["domain"] == "00123.com"
    text = (tmp_path / "share.csv").read_text(encoding="utf-8-sig")
    assert "Dana" not in text and "987" not in text and CUSTOMER not in text
    assert str(tmp_path / "share.csv") in report.describe()


def test_a_status_word_acctmap_does_not_know_is_sent_blank_and_counted():
    """The CRM's own words are free text ('Key account - at risk renewal Q1'): only one of the
    four statuses leaves, in a share file and in a hashed one."""
    lst = sample_list()
    lst.records[3] = Record("Zero Padded", "00123.com", None, "Key account - at risk renewal Q1",
                            rows=[5])
    rows, report = privacy.share_rows(lst)
    assert [r["status"] for r in rows] == [CUSTOMER, PROSPECT, ""]
    assert report.unknown_status == 1
    assert "1 with a status word acctmap does not know, sent blank" in report.describe()
    assert "--status WORD=STATUS" in report.describe()
    report = privacy.write_hashed(lst, Path(os.devnull), KEY)
    assert report.unknown_status == 1
    _, report = privacy.share_rows(lst, ("domain",))  # the status is not sent: nothing to say
    assert report.unknown_status == 0 and "status word" not in report.describe()


def test_a_match_against_a_hashed_list_gives_our_own_records_back_as_unmatched():
    """The match runs on our domains hashed; what it did not pair comes back as our plain
    records (names and domains), worked out from the pairs as the matcher left them."""
    from acctmap_tui.core.pipeline import new_session

    ours = _list_of(["acme.com", "globex.com", "initech.com"], OURS)
    theirs = privacy.hash_list(_list_of(["globex.com", "umbrella.com"], PARTNER), KEY)
    built = new_session(ours, theirs, key=KEY)
    assert [a.ours.name for a in built.session.accounts] == ["globex"]
    assert [r.domain for r in built.result.unmatched_ours] == ["acme.com", "initech.com"]
    assert built.result.unmatched_ours[0] is ours.records[0]
    assert [r.domain for r in built.result.unmatched_theirs] == [privacy.hash_domain("umbrella.com", KEY)]
