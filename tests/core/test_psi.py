"""The private overlap exchange's core: fresh blinding, nothing readable in a round file, checks."""

import base64
import hashlib
import json
import os
from collections import Counter

import pytest

from acctmap_tui.core import ingest, psi
from acctmap_tui.core.model import OURS, AcctmapError


def write_list(path, rows):
    path.write_text("name,domain,status\n" + "".join(f"{n},{d},{s}\n" for n, d, s in rows))
    return path


def read(path):
    return ingest.read_list(path, OURS, "")


@pytest.fixture
def lists(tmp_path):
    ours = write_list(tmp_path / "ours.csv", [(f"Firm {i}", f"firm{i}.com", "Customer" if i % 3
                                               else "Prospect") for i in range(60)])
    theirs = write_list(tmp_path / "theirs.csv", [(f"Co {i}", f"firm{i}.com", "Opportunity"
                                                   if i % 2 else "Customer") for i in range(40, 90)])
    return read(ours), read(theirs)


def run_exchange(tmp_path, ours, theirs, counts_only=False):
    secrets = tmp_path / "secrets"
    f = {n: tmp_path / f"{n}.psi" for n in ("a1", "b1", "a2", "b2")}
    psi.start(ours, f["a1"], counts_only=counts_only, folder=secrets)
    psi.start(theirs, f["b1"], counts_only=counts_only, folder=secrets)
    psi.answer(f["a1"], f["b1"], f["a2"], folder=secrets)
    psi.answer(f["b1"], f["a1"], f["b2"], folder=secrets)
    return f, secrets


def blobs(path):
    doc = json.loads(path.read_text())
    return {k: base64.b64decode(doc[k]) for k in ("query", "table", "answers") if k in doc}


def test_two_starts_on_the_same_list_share_no_element(tmp_path, lists):
    ours, _ = lists
    one, two = tmp_path / "one.psi", tmp_path / "two.psi"
    s1 = psi.start(ours, one, folder=tmp_path / "s")
    s2 = psi.start(ours, two, folder=tmp_path / "s")
    assert s1.exchange != s2.exchange
    a, b = psi.read_round(one, 1), psi.read_round(two, 1)
    assert len(a.query) == len(b.query) == 60
    assert not set(a.query) & set(b.query)
    entries = lambda rf: [rf.table[i:i + psi.ENTRY] for i in range(0, len(rf.table), psi.ENTRY)]
    assert not {e[:psi.TAG] for e in entries(a)} & {e[:psi.TAG] for e in entries(b)}
    assert not set(entries(a)) & set(entries(b))


def _deterministic_hashes(domain):
    data = domain.encode()
    out = []
    for name in ("md5", "sha1", "sha256", "sha512", "sha3_256", "blake2b", "blake2s"):
        digest = hashlib.new(name, data).digest()
        out.append(digest)
    return out


@pytest.mark.parametrize("counts_only", [False, True])
def test_no_round_file_holds_a_domain_or_a_deterministic_hash_of_one(tmp_path, lists, counts_only):
    ours, theirs = lists
    f, _ = run_exchange(tmp_path, ours, theirs, counts_only)
    domains = [r.domain for r in ours.records + theirs.records]
    for path in f.values():
        text = path.read_text()
        raw = b"".join(blobs(path).values())
        for domain in domains:
            assert domain not in text
            # the unblinded hash-to-group point is a deterministic hash too
            labels = [psi._label(counts_only, b) for b, _ in psi.BUCKETS] if counts_only \
                else [psi._label(False)]
            points = [psi._to_group(domain, label) for label in labels]
            for digest in _deterministic_hashes(domain) + points:
                assert digest.hex() not in text and digest.hex().upper() not in text
                assert base64.b64encode(digest).decode() not in text
                assert digest not in raw


def test_statuses_are_not_readable_in_the_table(tmp_path):
    """All-customer and all-prospect lists give tables that look alike: no status counts leak."""
    made = {}
    for status in ("Customer", "Prospect"):
        lst = read(write_list(tmp_path / f"{status}.csv",
                              [(f"F{i}", f"f{i}-{status}.com", status) for i in range(300)]))
        rf_path = tmp_path / f"{status}.psi"
        psi.start(lst, rf_path, folder=tmp_path / "s")
        table = psi.read_round(rf_path, 1).table
        ct = [table[i + psi.TAG] for i in range(0, len(table), psi.ENTRY)]
        made[status] = Counter(ct)
        assert len(made[status]) > 150  # a constant status under a one-time pad looks random
        # no byte stands out: a status shown through would be one byte in every real entry (a
        # bound of 10 failed by chance once: a uniform byte over 300+ entries reaches 10 now and then)
        assert max(made[status].values()) < len(ct) / 8
    assert "customer" not in (tmp_path / "Customer.psi").read_text().lower()


@pytest.fixture(params=["one thread", "threads"])
def threads(request, monkeypatch):
    """Run the group operations on one thread, or split over threads even for small lists."""
    if request.param == "threads":
        monkeypatch.setattr(psi, "WORKERS", 3)
        monkeypatch.setattr(psi, "PARALLEL_FROM", 1)
    return request.param


def test_finish_decrypts_statuses_only_for_the_overlap(tmp_path, lists, threads):
    ours, theirs = lists
    f, secrets = run_exchange(tmp_path, ours, theirs)
    done = psi.finish(f["a1"], f["b1"], f["b2"], folder=secrets)
    overlap = {f"firm{i}.com" for i in range(40, 60)}
    assert {a.key for a in done.session.accounts} == overlap
    assert done.partner_size == 50 and done.our_size == 60
    their = {r.domain: r.status for r in theirs.records}
    assert all(a.theirs.status == their[a.key] for a in done.session.accounts)
    assert done.overlap == 20 and sum(done.counts.values()) == 20


def _answerer_k(secrets, round1):
    return psi.load_secret(psi.read_round(round1, 1), secrets).k


@pytest.mark.parametrize("counts_only", [False, True])
def test_counts_only_answers_come_back_shuffled(tmp_path, lists, counts_only):
    ours, theirs = lists
    f, secrets = run_exchange(tmp_path, ours, theirs, counts_only)
    k = _answerer_k(secrets, f["b1"])
    in_order = psi._raise(k, psi.read_round(f["a1"], 1).query, "", "")
    got = psi.read_round(f["b2"], 2).answers
    assert sorted(got) == sorted(in_order)
    assert (got == in_order) is (not counts_only)


def test_counts_only_counts_per_category_mirror_each_other(tmp_path, lists):
    ours, theirs = lists
    f, secrets = run_exchange(tmp_path, ours, theirs, counts_only=True)
    a = psi.finish(f["a1"], f["b1"], f["b2"], folder=secrets)
    b = psi.finish(f["b1"], f["a1"], f["a2"], folder=secrets)
    assert a.session is None and b.session is None
    # ours: firm40..59, customer unless i % 3 == 0; theirs: customer when i is even
    expect = Counter()
    for i in range(40, 60):
        mine, their = i % 3 != 0, i % 2 == 0
        expect[{(True, True): "shared-customer", (True, False): "ours-customer-their-prospect",
                (False, True): "their-customer-our-prospect",
                (False, False): "mutual-prospect"}[(mine, their)]] += 1
    assert {k: v for k, v in a.counts.items() if v} == dict(expect)
    assert b.counts["their-customer-our-prospect"] == a.counts["ours-customer-their-prospect"]
    assert b.counts["shared-customer"] == a.counts["shared-customer"]
    assert a.overlap == b.overlap == 20


def test_the_secret_stays_out_of_the_round_files(tmp_path, lists):
    ours, theirs = lists
    f, secrets = run_exchange(tmp_path, ours, theirs)
    sec = psi.load_secret(psi.read_round(f["a1"], 1), secrets)
    for path in f.values():
        text, raw = path.read_text(), b"".join(blobs(path).values())
        for scalar in (sec.r, sec.k):
            assert scalar.hex() not in text and scalar not in raw
        assert "Firm 1" not in text


def test_a_bad_group_element_with_a_good_checksum_is_a_clear_error(tmp_path, lists, threads):
    ours, theirs = lists
    secrets = tmp_path / "secrets"
    a1, b1, bad = tmp_path / "a1.psi", tmp_path / "b1.psi", tmp_path / "bad.psi"
    psi.start(ours, a1, folder=secrets)
    psi.start(theirs, b1, folder=secrets)
    doc = json.loads(b1.read_text())
    query = bytearray(base64.b64decode(doc["query"]))
    query[32 * 40:32 * 41] = b"\xff" * 32  # entry 41 (in the last chunk): not a ristretto255 point
    query[32 * 45:32 * 46] = b"\xff" * 32
    doc["query"] = base64.b64encode(bytes(query)).decode()
    del doc["checksum"]
    bad.write_bytes(psi._dump(doc))
    with pytest.raises(AcctmapError) as err:
        psi.answer(a1, bad, tmp_path / "x.psi", folder=secrets)
    assert str(bad) in str(err.value) and "entry 41 is not a valid group element" in str(err.value)
    assert not (tmp_path / "x.psi").exists()
    # a file that could not be answered is not the exchange's one answer: the good one still is
    assert not psi.answer(a1, b1, tmp_path / "a2.psi", folder=secrets).again


def guesses(tmp_path, name, domains, secrets, counts_only=False):
    """A partner's "I sent the wrong file": a new round-1 file holding a few guessed domains."""
    lst = read(write_list(tmp_path / f"{name}.csv", [(d, d, "Customer") for d in domains]))
    return psi.start(lst, tmp_path / f"{name}.psi", counts_only=counts_only, company="Globex",
                     folder=secrets).path


def secret_doc(secrets, round1):
    return json.loads(psi.secret_path(psi.read_round(round1, 1).exchange, secrets).read_text())


@pytest.mark.parametrize("counts_only", [False, True])
def test_an_exchange_answers_one_partner_file_and_that_one_again(tmp_path, lists, counts_only):
    ours, theirs = lists
    f, secrets = run_exchange(tmp_path, ours, theirs, counts_only)
    answered = psi.read_round(f["b1"], 1).checksum
    guess = guesses(tmp_path, "guess", ["firm1.com", "firm2.com"], secrets, counts_only)
    with pytest.raises(AcctmapError) as err:
        psi.answer(f["a1"], guess, tmp_path / "x.psi", folder=secrets)
    message = str(err.value)
    assert message.startswith(f"{guess}: not answered")
    assert f"already answered a partner's round-1 file {answered[7:19]} on " in message
    assert "test more guessed domains against our list" in message
    assert "start a new exchange (`acctmap psi start` again: fresh secrets)" in message
    assert not (tmp_path / "x.psi").exists()
    # the same file again (a lost round-2 file): answered, with the same answers
    assert psi.answer(f["a1"], f["b1"], tmp_path / "a2-again.psi", folder=secrets).again
    sent = psi.read_round(f["a2"], 2).answers
    resent = psi.read_round(tmp_path / "a2-again.psi", 2).answers
    assert (sorted(resent) == sorted(sent)) if counts_only else (resent == sent)
    assert secret_doc(secrets, f["a1"])["answered"] == answered
    path = psi.secret_path(psi.read_round(f["a1"], 1).exchange, secrets)
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_a_secret_from_before_the_record_answers_once_then_refuses_another(tmp_path, lists):
    ours, theirs = lists
    secrets = tmp_path / "secrets"
    a1, b1 = tmp_path / "a1.psi", tmp_path / "b1.psi"
    psi.start(ours, a1, folder=secrets)
    psi.start(theirs, b1, folder=secrets)
    path = psi.secret_path(psi.read_round(a1, 1).exchange, secrets)
    old = {k: v for k, v in json.loads(path.read_text()).items() if not k.startswith("answered")}
    path.write_text(json.dumps(old))  # as `psi start` wrote it before answers were recorded
    assert not psi.load_secret(psi.read_round(a1, 1), secrets).answered
    done = psi.answer(a1, b1, tmp_path / "a2.psi", folder=secrets)
    assert not done.again and secret_doc(secrets, a1)["answered"] == psi.read_round(b1, 1).checksum
    with pytest.raises(AcctmapError, match="already answered"):
        psi.answer(a1, guesses(tmp_path, "guess", ["firm1.com"], secrets), tmp_path / "x.psi",
                   folder=secrets)
    psi.answer(b1, a1, tmp_path / "b2.psi", folder=secrets)
    assert psi.finish(a1, b1, tmp_path / "b2.psi", folder=secrets).overlap == 20


def test_a_kill_between_the_record_and_the_round_2_file_leaves_that_file_answerable(
        tmp_path, lists, monkeypatch):
    ours, theirs = lists
    secrets = tmp_path / "secrets"
    a1, b1, a2 = tmp_path / "a1.psi", tmp_path / "b1.psi", tmp_path / "a2.psi"
    psi.start(ours, a1, folder=secrets)
    psi.start(theirs, b1, folder=secrets)
    write = psi._write

    def killed(path, data):
        if path == a2:
            raise KeyboardInterrupt  # the process ends here: the secret is written, a2 is not
        write(path, data)

    monkeypatch.setattr(psi, "_write", killed)
    with pytest.raises(KeyboardInterrupt):
        psi.answer(a1, b1, a2, folder=secrets)
    monkeypatch.setattr(psi, "_write", write)
    assert not a2.exists() and secret_doc(secrets, a1)["answered"] == psi.read_round(b1, 1).checksum
    with pytest.raises(AcctmapError, match="already answered"):  # recorded before the answer left
        psi.answer(a1, guesses(tmp_path, "guess", ["firm1.com"], secrets), a2, folder=secrets)
    assert psi.answer(a1, b1, a2, folder=secrets).again and a2.is_file()


def test_a_changed_table_entry_fails_its_mac(tmp_path, lists):
    ours, theirs = lists
    f, secrets = run_exchange(tmp_path, ours, theirs)
    doc = json.loads(f["b1"].read_text())
    table = bytearray(base64.b64decode(doc["table"]))
    for i in range(0, len(table), psi.ENTRY):
        table[i + psi.TAG] ^= 1  # flip the encrypted status of every entry
    doc["table"] = base64.b64encode(bytes(table)).decode()
    del doc["checksum"]
    f["b1"].write_bytes(psi._dump(doc))
    answer = json.loads(f["b2"].read_text())  # a partner who also rewrites its answer to match
    answer["own_round1"] = psi.read_round(f["b1"], 1).checksum
    del answer["checksum"]
    f["b2"].write_bytes(psi._dump(answer))
    with pytest.raises(AcctmapError) as err:
        psi.finish(f["a1"], f["b1"], f["b2"], folder=secrets)
    assert str(f["b1"]) in str(err.value) and "fails its check" in str(err.value)


def test_start_refuses_a_list_with_no_domain_and_a_hashed_list(tmp_path):
    empty = read(write_list(tmp_path / "n.csv", [("Acme", "", "Customer")]))
    with pytest.raises(AcctmapError, match="no account with a usable domain"):
        psi.start(empty, tmp_path / "x.psi", folder=tmp_path / "s")
    hashed = read(write_list(tmp_path / "h.csv", [("", "ab" * 32, "Customer")]))
    hashed.hashed = True
    with pytest.raises(AcctmapError, match="keyed-hash list"):
        psi.start(hashed, tmp_path / "x.psi", folder=tmp_path / "s")


def test_a_psi_step_leaves_no_library_copy_in_the_temp_folder(tmp_path):
    """rbcl writes its libsodium to a temp file on import; acctmap removes it once loaded."""
    import subprocess
    import sys

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    code = "from acctmap_tui.core import psi; assert len(psi._to_group('acme.com', b'x')) == 32"
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "TMPDIR": str(tmp)})
    assert list(tmp.iterdir()) == []


def test_an_output_that_is_an_input_of_the_step_is_refused(tmp_path, lists):
    ours, theirs = lists
    f, secrets = run_exchange(tmp_path, ours, theirs)
    kept = {n: p.read_bytes() for n, p in f.items()}
    with pytest.raises(AcctmapError, match="that is the input file"):
        psi.start(ours, ours.path, folder=secrets)
    with pytest.raises(AcctmapError, match="that is the input file"):
        psi.answer(f["a1"], f["b1"], f["b1"], folder=secrets)
    # the check `psi finish -o` makes before writing the session: each of its three round files
    for name in ("a1", "b1", "b2"):
        with pytest.raises(AcctmapError) as err:
            psi.check_output(f[name], f["a1"], f["b1"], f["b2"])
        assert str(err.value) == (f"-o {f[name]}: that is the input file {f[name]}; refusing to "
                                  "write over it. Choose another output file.")
    assert psi.check_output(tmp_path / "s.toml", f["a1"], f["b1"], f["b2"]) == tmp_path / "s.toml"
    assert {n: p.read_bytes() for n, p in f.items()} == kept


def rewritten(path, **changes):
    """A partner's round file with fields changed and a checksum that matches again."""
    doc = json.loads(path.read_text()) | changes
    del doc["checksum"]
    path.write_bytes(psi._dump(doc))
    return path


@pytest.mark.parametrize("changes, why", [
    ({"list_size": float("inf")}, "cannot convert float infinity to integer"),
    ({"list_size": [[[60]]]}, "a value holds a list or a table"),
    ({"company": {"name": "Globex"}}, "a value holds a list or a table"),
    ({"query": 12}, "not 'int'"),
    ({"table": "*"}, "Only base64 data"),
])
def test_a_hostile_file_with_a_good_checksum_is_a_clear_refusal(tmp_path, lists, changes, why):
    ours, theirs = lists
    f, secrets = run_exchange(tmp_path, ours, theirs)
    bad = rewritten(f["b1"], **changes)
    with pytest.raises(AcctmapError) as err:
        psi.answer(f["a1"], bad, tmp_path / "x.psi", folder=secrets)
    assert str(err.value).startswith(f"{bad}: is not a private overlap file, or it is damaged: ")
    assert why in str(err.value)


def test_a_field_missing_or_megabytes_long_is_named_short(tmp_path, lists):
    ours, theirs = lists
    f, secrets = run_exchange(tmp_path, ours, theirs)
    doc = json.loads(f["b1"].read_text())
    del doc["table"], doc["checksum"]
    bad = tmp_path / "bad.psi"
    bad.write_bytes(psi._dump(doc))
    with pytest.raises(AcctmapError, match="it has no 'table'"):
        psi.finish(f["a1"], bad, f["b2"], folder=secrets)
    rewritten(f["b1"], round="9" * 2_000)
    with pytest.raises(AcctmapError) as err:
        psi.finish(f["a1"], f["b1"], f["b2"], folder=secrets)
    assert "wrong round" in str(err.value) and len(str(err.value)) < 500
    rewritten(f["b1"], round="9" * 2_000_000)  # more than a round file of its size holds
    with pytest.raises(AcctmapError) as err:
        psi.finish(f["a1"], f["b1"], f["b2"], folder=secrets)
    assert "more than a round file for 50 accounts holds" in str(err.value)
    assert len(str(err.value)) < 500


def test_a_round_file_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path, lists,
                                                                         monkeypatch):
    ours, theirs = lists
    f, secrets = run_exchange(tmp_path, ours, theirs)
    monkeypatch.setattr(psi, "ROUND_FILE_LIMIT", 1000)
    monkeypatch.setattr(psi, "_parse", lambda *args: pytest.fail("parsed"))
    with pytest.raises(AcctmapError) as err:
        psi.answer(f["a1"], f["b1"], tmp_path / "x.psi", folder=secrets)
    assert str(err.value).startswith(f"{f['a1']}: too large for a round file (over 1,000 bytes)")
