"""A partner's round files are hostile input (audit 14): the size is shown and confirmed before
anything is answered, the company name cannot carry escape sequences, junk is bounded before it
is parsed, and an exchange in progress is not written over."""

import json
import time

import pytest

from acctmap_tui.core import atomic, ingest, psi
from acctmap_tui.core.model import OURS, AcctmapError


def write_list(path, domains, status="Customer"):
    path.write_text("name,domain,status\n" + "".join(f"{d},{d},{status}\n" for d in domains))
    return ingest.read_list(path, OURS, "")


def crafted(path, **changes):
    """The partner's own file re-written with fields changed, its checksum recomputed by psi's
    own writer (as any partner can)."""
    doc = json.loads(path.read_text()) | changes
    del doc["checksum"]
    path.write_bytes(psi._dump(doc))
    return path


@pytest.fixture
def side(tmp_path):
    """Our round-1 file (10 accounts) and the secret folder."""
    secrets = tmp_path / "secrets"
    ours = write_list(tmp_path / "ours.csv", [f"firm{i}.com" for i in range(10)])
    a1 = psi.start(ours, tmp_path / "a1.psi", company="Northwind", folder=secrets).path
    return a1, secrets


def partner_file(tmp_path, secrets, size, company="Globex", name="b1"):
    lst = write_list(tmp_path / f"{name}.csv", [f"guess{i}.com" for i in range(size)])
    return psi.start(lst, tmp_path / f"{name}.psi", company=company, folder=secrets).path


# --- H1: the size before anything is computed or recorded ---------------------------------------


def test_a_partner_list_over_twice_ours_is_refused_before_anything_is_computed_or_recorded(
        tmp_path, side, monkeypatch):
    a1, secrets = side
    b1 = partner_file(tmp_path, secrets, 21)  # ours: 10
    seen = []
    monkeypatch.setattr(psi, "_raise", lambda *a: pytest.fail("computed before the size was confirmed"))
    with pytest.raises(psi.SizeNotExpected) as err:
        psi.answer(a1, b1, tmp_path / "a2.psi", folder=secrets, seen=seen.append)
    assert [(p.company, p.size, p.our_size) for p in seen] == [("Globex", 21, 10)]
    message = str(err.value)
    assert message.startswith(f"{b1}: not answered: Globex's list has 21 domains, "
                              "ours 10: more than 2 times ours")
    assert "Nothing was answered or recorded" in message
    assert not (tmp_path / "a2.psi").exists()
    assert not psi.load_secret(psi.read_round(a1, 1), secrets).answered  # nothing recorded


def test_a_confirmed_size_is_answered_and_a_larger_one_is_not(tmp_path, side):
    a1, secrets = side
    b1 = partner_file(tmp_path, secrets, 1_500)
    with pytest.raises(psi.SizeNotExpected, match="list has 1,500 domains, ours 10: "
                                                  "more than the 1,000 you expect"):
        psi.answer(a1, b1, tmp_path / "a2.psi", folder=secrets, expect_size=1_000)
    done = psi.answer(a1, b1, tmp_path / "a2.psi", folder=secrets, expect_size=1_500)
    assert done.partner_size == 1_500 and (tmp_path / "a2.psi").is_file()
    # the same file again (a lost round-2 file) tells the partner nothing new: no confirmation
    assert psi.answer(a1, b1, tmp_path / "a2-again.psi", folder=secrets).again


def test_a_list_up_to_twice_ours_is_answered_without_a_word(tmp_path, side):
    a1, secrets = side
    seen = []
    b1 = partner_file(tmp_path, secrets, 20)
    assert psi.answer(a1, b1, tmp_path / "a2.psi", folder=secrets, seen=seen.append).partner_size == 20
    assert seen[0].size == 20 and not seen[0].out_of_proportion


# --- H2: nothing the partner writes reaches our terminal raw ------------------------------------


@pytest.mark.parametrize("company", [
    "Glo\x1b[2J\x1b]0;pwned\x07bex",  # clears the screen, sets the title
    "Globex\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07",  # OSC 52: writes the clipboard
    "Globex\n[[accounts]]",  # a line of its own choosing
    "Globex\u202eXE",  # right-to-left override
    "Glo\u200bbex",  # zero-width space
    "G" * 101,
], ids=["clear screen, title", "OSC 52 clipboard", "newline", "bidi override", "zero-width space",
        "101 characters"])
def test_a_company_name_with_control_characters_is_refused_on_reading(tmp_path, side, company):
    a1, secrets = side
    b1 = crafted(partner_file(tmp_path, secrets, 8), company=company)
    for step in (lambda: psi.answer(a1, b1, tmp_path / "a2.psi", folder=secrets),
                 lambda: psi.read_round(b1, 1)):
        with pytest.raises(AcctmapError) as err:
            step()
        message = str(err.value)
        assert message.startswith(f"{b1}: not read: the company name ")
        assert "\x1b" not in message and "\n" not in message and "\u202e" not in message
    assert not (tmp_path / "a2.psi").exists()


def test_our_own_start_never_writes_such_a_name(tmp_path):
    lst = write_list(tmp_path / "l.csv", ["acme.com"])
    with pytest.raises(AcctmapError, match="the company name holds a control or formatting "
                                           r"character \(U\+001B"):
        psi.start(lst, tmp_path / "a1.psi", company="North\x1b[31mwind", folder=tmp_path / "s")
    assert not (tmp_path / "a1.psi").exists()
    # names in any script, with accents, ampersands or brackets, are fine
    psi.start(lst, tmp_path / "a1.psi", company="Société Générale & Co. [EU] 東京", folder=tmp_path / "s")
    assert psi.read_round(tmp_path / "a1.psi", 1).company == "Société Générale & Co. [EU] 東京"


@pytest.mark.parametrize("field, value", [("exchange", "../../../tmp/x"),
                                          ("exchange", "ab\x1b[2Jcd" * 4)])
def test_an_exchange_id_that_is_not_hex_is_refused(tmp_path, side, field, value):
    a1, secrets = side
    b1 = crafted(partner_file(tmp_path, secrets, 8), **{field: value})
    with pytest.raises(AcctmapError, match="an exchange id or checksum is not as acctmap writes it"):
        psi.answer(a1, b1, tmp_path / "a2.psi", folder=secrets)


# --- M1: junk is bounded before it is parsed ---------------------------------------------------


@pytest.fixture
def no_parsing(monkeypatch):
    monkeypatch.setattr(psi.json, "loads", lambda *a, **k: pytest.fail("parsed"))


@pytest.mark.parametrize("body, why", [
    ('"x": [' + "{}," * 4_000_000 + "{}]", "bytes long, and declares no list size"),
    ('"list_size": 3000000, "x": [' + "1," * 4_000_000 + "1]", "more values than a round file has"),
    ('"list_size": 8, "x": "' + "A" * 12_000_000 + '"', "more than a round file for 8 accounts holds"),
], ids=["4 million {} items", "4 million numbers", "a 12 MB string"])
def test_a_file_of_junk_is_refused_before_it_is_parsed(tmp_path, side, no_parsing, body, why):
    a1, secrets = side
    junk = tmp_path / "junk.psi"
    junk.write_text('{"format": "acctmap-psi", "version": 1, ' + body + "}")
    began = time.perf_counter()
    with pytest.raises(AcctmapError) as err:
        psi.read_round(junk, 1)
    assert time.perf_counter() - began < 2.0
    assert str(err.value).startswith(f"{junk}: is not a private overlap file, or it is damaged: ")
    assert why in str(err.value)


def test_a_round_2_file_larger_than_our_list_needs_is_refused_before_it_is_parsed(tmp_path, side):
    a1, secrets = side
    b1 = partner_file(tmp_path, secrets, 8)
    b2 = tmp_path / "b2.psi"
    psi.answer(b1, a1, b2, folder=secrets)
    crafted(b2, padding="A" * 100_000)
    with pytest.raises(AcctmapError, match="bytes long, more than a round file for"):
        psi.finish(a1, b1, b2, folder=secrets)


# --- M2: the refusal of a second partner file names no partnership in the share-safe words -------


def test_a_second_partner_file_refusal_has_words_naming_no_partner(tmp_path, side):
    a1, secrets = side
    initech = partner_file(tmp_path, secrets, 8, company="Initech", name="i1")
    psi.answer(a1, initech, tmp_path / "a2-initech.psi", folder=secrets)
    globex = partner_file(tmp_path, secrets, 8, company="Globex", name="g1")
    with pytest.raises(psi.AlreadyAnswered) as err:
        psi.answer(a1, globex, tmp_path / "a2-globex.psi", folder=secrets)
    assert "already answered Initech's round-1 file" in str(err.value)
    assert "Initech" not in err.value.unnamed
    assert err.value.unnamed.startswith(f"{globex}: not answered")
    assert "already answered a partner's round-1 file" in err.value.unnamed
    assert "start one exchange per partner" in err.value.unnamed


# --- M3: an exchange in progress is not written over ----------------------------------------------


def test_start_refuses_to_write_over_the_round_1_file_of_an_exchange_in_progress(tmp_path, side):
    a1, secrets = side
    kept = a1.read_bytes()
    lst = write_list(tmp_path / "again.csv", ["acme.com"])
    with pytest.raises(AcctmapError) as err:
        psi.start(lst, a1, folder=secrets)
    assert str(err.value).startswith(f"{a1}: holds the round-1 file of an exchange not finished yet")
    assert f"Name another file, e.g. {tmp_path / 'a1-2.psi'}" in str(err.value)
    assert a1.read_bytes() == kept
    # once the exchange is finished, the same name can start the next one
    b1 = partner_file(tmp_path, secrets, 8)
    psi.answer(b1, a1, tmp_path / "b2.psi", folder=secrets)
    psi.finish(a1, b1, tmp_path / "b2.psi", folder=secrets)
    assert psi.start(lst, a1, folder=secrets).path == a1 and a1.read_bytes() != kept


def test_free_name_skips_taken_names(tmp_path):
    (tmp_path / "n-1.psi").write_text("x")
    (tmp_path / "n-1-2.psi").write_text("x")
    assert atomic.free_path(tmp_path / "n-1.psi") == tmp_path / "n-1-3.psi"
    assert atomic.free_path(tmp_path / "new.psi") == tmp_path / "new.psi"


# --- M4, L1, L7, L9, L10 ---------------------------------------------------------------------------


def exchange(tmp_path, side, partner_size=8):
    a1, secrets = side
    b1 = partner_file(tmp_path, secrets, partner_size)
    psi.answer(a1, b1, tmp_path / "a2.psi", folder=secrets)
    psi.answer(b1, a1, tmp_path / "b2.psi", folder=secrets)
    return a1, b1, tmp_path / "a2.psi", tmp_path / "b2.psi", secrets


def test_both_sessions_count_our_list_as_the_accounts_that_took_part(tmp_path):
    secrets = tmp_path / "s"
    (tmp_path / "o.csv").write_text("name,domain,status\n" + "".join(
        f"F{i},{f'f{i}.com' if i < 6 else ''},Customer\n" for i in range(10)))
    ours = ingest.read_list(tmp_path / "o.csv", OURS, "")
    a1 = psi.start(ours, tmp_path / "a1.psi", folder=secrets).path
    b1 = psi.start(write_list(tmp_path / "t.csv", ["f1.com", "f2.com"]), tmp_path / "b1.psi",
                   folder=secrets).path
    psi.answer(a1, b1, tmp_path / "a2.psi", folder=secrets)
    psi.answer(b1, a1, tmp_path / "b2.psi", folder=secrets, expect_size=6)
    mine = psi.finish(a1, b1, tmp_path / "b2.psi", folder=secrets).session
    theirs = psi.finish(b1, a1, tmp_path / "a2.psi", folder=secrets).session
    assert mine.sources[0].rows == 10 and mine.sources[0].accounts == 6
    assert theirs.sources[1].accounts == 6  # our list, as the partner's session counts it


def test_our_own_round_2_file_given_as_theirs_is_named_as_ours(tmp_path, side):
    a1, b1, a2, _, secrets = exchange(tmp_path, side)
    with pytest.raises(AcctmapError) as err:
        psi.finish(a1, b1, a2, folder=secrets)
    assert str(err.value).startswith(f"{a2}: this is your own round-2 file")
    assert "ask your partner to run" not in str(err.value)


@pytest.mark.parametrize("change, why", [
    ({"r": "00" * 32}, "its scalar r is not 32 bytes, or is zero"),
    ({"k": "00"}, "its scalar k is not 32 bytes, or is zero"),
    ("short", "it holds 9 domains for the 10 entries"),
])
def test_a_damaged_local_secret_is_named_as_the_secret(tmp_path, side, change, why):
    a1, b1, _, b2, secrets = exchange(tmp_path, side)
    path = psi.secret_path(psi.read_round(a1, 1).exchange, secrets)
    doc = json.loads(path.read_text())
    if change == "short":
        doc["domains"] = doc["domains"][:-1]
    else:
        doc |= change
    path.write_text(json.dumps(doc))
    for step in (lambda: psi.finish(a1, b1, b2, folder=secrets),
                 lambda: psi.answer(a1, b1, tmp_path / "x.psi", folder=secrets)):
        with pytest.raises(AcctmapError) as err:
            step()
        assert str(err.value).startswith(f"{path}: the local secret for {a1} is damaged ({why})")


def test_finish_never_writes_the_counts_over_our_own_list(tmp_path):
    secrets = tmp_path / "s"
    ours = write_list(tmp_path / "ours.csv", ["a.com", "b.com"])
    a1 = psi.start(ours, tmp_path / "a1.psi", counts_only=True, folder=secrets).path
    b1 = psi.start(write_list(tmp_path / "t.csv", ["a.com"]), tmp_path / "b1.psi",
                   counts_only=True, folder=secrets).path
    psi.answer(b1, a1, tmp_path / "b2.psi", folder=secrets)
    done = psi.finish(a1, b1, tmp_path / "b2.psi", folder=secrets)
    kept = (tmp_path / "ours.csv").read_bytes()
    with pytest.raises(AcctmapError, match="that is the input file"):
        psi.write_counts(done, tmp_path / "ours.csv")
    assert (tmp_path / "ours.csv").read_bytes() == kept


def test_mixed_modes_are_told_in_plain_words(tmp_path, side):
    a1, secrets = side
    lst = write_list(tmp_path / "c.csv", ["acme.com"])
    c1 = psi.start(lst, tmp_path / "c1.psi", counts_only=True, folder=secrets).path
    with pytest.raises(AcctmapError) as err:
        psi.answer(a1, c1, tmp_path / "x.psi", folder=secrets)
    assert f"this file is for a counts-only exchange, but {a1} is for an overlap one" in str(err.value)
