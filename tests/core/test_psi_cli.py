"""The private overlap exchange through the command line, both sides, as two partners run it."""

import json
import os
import re
import tomllib
from pathlib import Path

import pytest

from acctmap_tui import cli
from acctmap_tui.core import export, ingest
from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import CATEGORIES, DOMAIN, OURS, PARTNER, PSI, STATUSES
from acctmap_tui.core.pipeline import new_session

OURS_CSV, THEIRS_CSV = (str(p) for p in ingest.demo_paths())
MIRROR = {"shared-customer": "shared-customer", "mutual-prospect": "mutual-prospect",
          "ours-customer-their-prospect": "their-customer-our-prospect",
          "their-customer-our-prospect": "ours-customer-their-prospect", None: None}


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def exchange(capsys, tmp_path, ours=OURS_CSV, theirs=THEIRS_CSV, counts_only=False):
    """Both sides' three steps; returns the six files as a dict."""
    f = {n: tmp_path / f"{n}.psi" for n in ("a1", "b1", "a2", "b2")}
    extra = ["--counts-only"] if counts_only else []
    assert run(capsys, "psi", "start", ours, "-o", f["a1"], "--ours-name", "Northwind", *extra)[0] == 0
    assert run(capsys, "psi", "start", theirs, "-o", f["b1"], "--ours-name", "Globex", *extra)[0] == 0
    assert run(capsys, "psi", "answer", f["a1"], f["b1"], "-o", f["a2"])[0] == 0
    assert run(capsys, "psi", "answer", f["b1"], f["a1"], "-o", f["b2"])[0] == 0
    return f


def domain_join(ours=OURS_CSV, theirs=THEIRS_CSV):
    """The oracle: the plain matcher's domain pairs on the same lists."""
    built = new_session(ingest.read_list(ours, OURS, "Northwind"),
                        ingest.read_list(theirs, PARTNER, "Globex"))
    return {a.ours.domain: a for a in built.session.accounts if a.match.method == DOMAIN}


def test_both_sides_find_the_plain_domain_join_with_mirrored_categories(tmp_path, capsys):
    f = exchange(capsys, tmp_path)
    sa, sb = tmp_path / "sessions" / "a.toml", tmp_path / "sessions" / "b.toml"
    code, out_a, _ = run(capsys, "psi", "finish", f["a1"], f["b1"], f["b2"], "-o", sa)
    assert code == 0
    code, out_b, _ = run(capsys, "psi", "finish", f["b1"], f["a1"], f["a2"], "-o", sb)
    assert code == 0
    a, b = session_io.load(sa), session_io.load(sb)
    oracle = domain_join()
    assert len(oracle) > 40
    assert {x.key for x in a.accounts} == set(oracle) == {x.key for x in b.accounts}
    assert f"Overlap: {len(oracle)} accounts" in out_a and f"Overlap: {len(oracle)} accounts" in out_b
    their = {x.key: x for x in b.accounts}
    for acc in a.accounts:
        truth = oracle[acc.key]
        assert acc.match.method == PSI and acc.in_overlap
        assert acc.ours.name == truth.ours.name and acc.ours.status == truth.ours.status
        assert acc.theirs.status == truth.theirs.status and acc.theirs.name == ""
        assert acc.category == truth.category
        assert their[acc.key].category == MIRROR[acc.category]
    assert a.partner == "Globex" and b.partner == "Northwind"
    # each side sees the other's list size, with the warning about guessed domains
    assert "Globex's list: 232 domains" in out_a and "guessed domains" in out_a
    assert "fuzzy name matching is impossible" in out_a
    assert a.source(PARTNER).accounts == 232


def test_the_session_from_finish_loads_and_exports(tmp_path, capsys):
    f = exchange(capsys, tmp_path)
    path = tmp_path / "s.toml"
    run(capsys, "psi", "finish", f["a1"], f["b1"], f["b2"], "-o", path, "--ours-name", "N",
        "--partner", "G")
    session = session_io.load(path)
    assert (session.ours, session.partner) == ("N", "G")
    safe = export.write_export(session, tmp_path / "x.csv", "csv", partner_safe=True)
    text = safe.read_text(encoding="utf-8-sig")
    assert session.accounts[0].ours.domain in text
    code, _, _ = run(capsys, "export", path, "--format", "md", "-o", tmp_path / "x.md")
    assert code == 0 and "| rank |" in (tmp_path / "x.md").read_text()


def test_counts_only_gives_the_per_category_counts_and_no_account(tmp_path, capsys):
    f = exchange(capsys, tmp_path, counts_only=True)
    out_file = tmp_path / "counts.toml"
    code, out_a, _ = run(capsys, "psi", "finish", f["a1"], f["b1"], f["b2"], "-o", out_file)
    assert code == 0
    code, out_b, _ = run(capsys, "psi", "finish", f["b1"], f["a1"], f["a2"])
    assert code == 0
    oracle = domain_join()
    expected = {c.key: sum(1 for a in oracle.values() if a.category == c.key) for c in CATEGORIES}
    doc = tomllib.loads(out_file.read_text())
    assert doc["overlap"] == len(oracle)
    assert {k: doc["per_category"][k] for k in expected} == expected
    assert doc["per_category"]["uncategorized"] == sum(1 for a in oracle.values() if not a.category)
    for cat in CATEGORIES:
        assert f"{cat.label:<32}{expected[cat.key]:>5}" in out_a
        assert f"{cat.label:<32}{expected[MIRROR[cat.key]]:>5}" in out_b
    for domain in oracle:  # no record list: not one overlapping account is named
        assert domain not in out_a and domain not in out_b and domain not in out_file.read_text()
    for acc in oracle.values():
        assert acc.ours.name not in out_a


def test_counts_only_and_overlap_files_do_not_mix(tmp_path, capsys):
    a1, b1, a2 = tmp_path / "a1.psi", tmp_path / "b1.psi", tmp_path / "a2.psi"
    run(capsys, "psi", "start", OURS_CSV, "-o", a1)
    run(capsys, "psi", "start", THEIRS_CSV, "-o", b1, "--counts-only")
    code, _, err = run(capsys, "psi", "answer", a1, b1, "-o", a2)
    assert code == 2 and str(b1) in err and "counts-only" in err and "Traceback" not in err
    assert not a2.exists()


def test_finish_refuses_a_file_of_another_exchange(tmp_path, capsys):
    f = exchange(capsys, tmp_path)
    again = tmp_path / "a1-again.psi"
    run(capsys, "psi", "start", OURS_CSV, "-o", again)  # a second exchange from the same list
    code, _, err = run(capsys, "psi", "finish", again, f["b1"], f["b2"], "-o", tmp_path / "s.toml")
    assert code == 2 and str(f["b2"]) in err and "another exchange" in err
    other_b1 = tmp_path / "b1-other.psi"
    run(capsys, "psi", "start", THEIRS_CSV, "-o", other_b1)
    code, _, err = run(capsys, "psi", "finish", f["a1"], other_b1, f["b2"])
    assert code == 2 and str(f["b2"]) in err and "another exchange" in err
    assert not (tmp_path / "s.toml").exists()


def test_finish_refuses_the_wrong_round(tmp_path, capsys):
    f = exchange(capsys, tmp_path)
    code, _, err = run(capsys, "psi", "finish", f["a1"], f["b2"], f["b2"])
    assert code == 2 and str(f["b2"]) in err and "wrong round" in err and "round-2" in err
    code, _, err = run(capsys, "psi", "finish", f["a1"], f["b1"], f["b1"])
    assert code == 2 and str(f["b1"]) in err and "wrong round" in err
    code, _, err = run(capsys, "psi", "finish", f["a1"], f["a1"], f["b2"])
    assert code == 2 and "your own round-1 file" in err


@pytest.mark.parametrize("how, words", [("flip", "corrupt"), ("size", "corrupt"),
                                        ("truncate", "is not a private overlap file, or it is damaged")])
def test_finish_refuses_a_tampered_file(tmp_path, capsys, how, words):
    f = exchange(capsys, tmp_path)
    text = f["b2"].read_text()
    if how == "flip":  # one character of the answers changed
        i = text.index('"answers": "') + 20
        text = text[:i] + ("A" if text[i] != "A" else "B") + text[i + 1:]
    elif how == "truncate":
        text = text[: len(text) // 2]
    else:
        text, n = re.subn(r'"list_size": (\d+)', lambda m: f'"list_size": {int(m[1]) + 1}', text)
        assert n == 1
    f["b2"].write_text(text)
    code, out, err = run(capsys, "psi", "finish", f["a1"], f["b1"], f["b2"], "-o", tmp_path / "s.toml")
    assert code == 2 and str(f["b2"]) in err and "Traceback" not in err
    assert words in err
    assert not (tmp_path / "s.toml").exists()


def test_finish_refuses_when_the_local_secret_is_missing(tmp_path, capsys, data_home):
    f = exchange(capsys, tmp_path)
    for secret in data_home.rglob("*.secret.json"):
        secret.unlink()
    code, _, err = run(capsys, "psi", "finish", f["a1"], f["b1"], f["b2"])
    assert code == 2 and str(f["a1"]) in err and "no local secret" in err


def test_round_and_secret_files_say_what_to_send(tmp_path, capsys, data_home):
    a1 = tmp_path / "out" / "a1.psi"
    code, out, _ = run(capsys, "psi", "start", OURS_CSV, "-o", a1)
    assert code == 0 and f"Send {a1} to this partner only (one exchange per partner)" in out and "never send it" in out
    secrets = list(data_home.rglob("*.secret.json"))
    assert len(secrets) == 1 and secrets[0].parent != a1.parent
    assert os.stat(secrets[0]).st_mode & 0o777 == 0o600
    assert str(secrets[0]) in out
    assert list(a1.parent.iterdir()) == [a1]  # nothing secret beside the file to send


def test_outputs_that_are_links_or_devices_are_refused(tmp_path, capsys):
    target = tmp_path / "victim.txt"
    target.write_text("keep me")
    link = tmp_path / "a1.psi"
    link.symlink_to(target)
    code, _, err = run(capsys, "psi", "start", OURS_CSV, "-o", link)
    assert code == 2 and "symbolic link" in err and target.read_text() == "keep me"
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "psi", "start", OURS_CSV, "-o", fifo)
    assert code == 2 and "not a plain file" in err and Path(fifo).exists()


def test_statuses_of_a_small_pair_reach_only_the_overlap(tmp_path, capsys):
    ours = tmp_path / "ours.csv"
    ours.write_text("name,domain,status\nAcme,acme.com,Customer\nBolt,bolt.io,Prospect\n"
                    "Cask,cask.de,Opportunity\nNoDomain Ltd,,Customer\n")
    theirs = tmp_path / "theirs.csv"
    theirs.write_text("name,domain,status\nACME Corp,www.acme.com,Prospect\nBolt,bolt.io,Customer\n"
                      "Dune,dune.org,Customer\nEcho,echo.net,Churned\n")
    f = exchange(capsys, tmp_path, str(ours), str(theirs))
    code, out, _ = run(capsys, "psi", "finish", f["a1"], f["b1"], f["b2"], "-o", tmp_path / "s.toml")
    session = session_io.load(tmp_path / "s.toml")
    got = {a.key: (a.ours.status, a.theirs.status, a.category) for a in session.accounts}
    assert got == {"acme.com": ("customer", "prospect", "ours-customer-their-prospect"),
                   "bolt.io": ("prospect", "customer", "their-customer-our-prospect")}
    assert "1 of our accounts had no domain" in out
    text = (tmp_path / "s.toml").read_text()
    assert "dune.org" not in text and "echo.net" not in text and "churned" not in text
    for status in STATUSES:  # status words never travel in a round file
        for name in ("a1", "b1", "a2", "b2"):
            assert status not in f[name].read_text().lower()


def test_finish_refuses_files_of_an_overlap_and_a_counts_only_exchange(tmp_path, capsys):
    f = exchange(capsys, tmp_path)
    counts_b1 = tmp_path / "b1-counts.psi"
    run(capsys, "psi", "start", THEIRS_CSV, "-o", counts_b1, "--counts-only")
    code, _, err = run(capsys, "psi", "finish", f["a1"], counts_b1, f["b2"])
    assert code == 2 and str(counts_b1) in err and "counts-only" in err


def test_answer_refuses_a_second_partner_file_and_answers_the_first_again(tmp_path, capsys):
    f = exchange(capsys, tmp_path)
    guess = tmp_path / "guess.csv"  # "I sent the wrong file": a few guessed domains
    guess.write_text("name,domain,status\nG1,acme.com,customer\nG2,blueharbor.io,customer\n")
    code = run(capsys, "psi", "start", guess, "-o", tmp_path / "g1.psi", "--ours-name", "Globex")[0]
    assert code == 0
    out = tmp_path / "a2-guess.psi"
    code, stdout, err = run(capsys, "psi", "answer", f["a1"], tmp_path / "g1.psi", "-o", out)
    assert code == 2 and not out.exists() and "Traceback" not in err and not stdout
    assert err.startswith(f"acctmap: error: {tmp_path / 'g1.psi'}: not answered")
    answered = json.loads(f["b1"].read_text())["checksum"]
    assert f"already answered Globex's round-1 file {answered[7:19]} on " in err
    assert "test more guessed domains against our list" in err and "`acctmap psi start`" in err
    # the partner lost our round-2 file: the same file is answered again, the same answer
    again = tmp_path / "a2-again.psi"
    code, stdout, _ = run(capsys, "psi", "answer", f["a1"], f["b1"], "-o", again)
    assert code == 0 and "answered this same file before" in stdout
    assert again.read_bytes() == f["a2"].read_bytes()


# --- hostile input: own inputs as -o, damaged partner files, devices and FIFOs -------------------


def refused_over_input(err, out, item):
    return f"-o {out}: that is the input file {item}; refusing to write over it" in err


def test_start_refuses_to_write_the_round_file_over_its_list(tmp_path, capsys):
    lst = tmp_path / "ours.csv"
    lst.write_bytes(Path(OURS_CSV).read_bytes())
    code, _, err = run(capsys, "psi", "start", lst, "-o", lst)
    assert code == 2 and refused_over_input(err, lst, lst)
    assert lst.read_bytes() == Path(OURS_CSV).read_bytes()


@pytest.mark.parametrize("out", ["a1", "b1", "a1 by a hard link", "a1 by the link given"])
def test_answer_refuses_to_write_over_a_round_1_file(tmp_path, capsys, out):
    f = exchange(capsys, tmp_path)
    kept = {n: p.read_bytes() for n, p in f.items()}
    ours1 = f["a1"]
    if out == "a1 by a hard link":
        target = tmp_path / "copy.psi"
        os.link(f["a1"], target)
    elif out == "a1 by the link given":  # the input named through a symbolic link
        ours1, target = tmp_path / "link.psi", f["a1"]
        ours1.symlink_to(f["a1"])
    else:
        target = f[out]
    code, _, err = run(capsys, "psi", "answer", ours1, f["b1"], "-o", target)
    assert code == 2 and "that is the input file" in err and "Traceback" not in err
    assert {n: p.read_bytes() for n, p in f.items()} == kept


@pytest.mark.parametrize("out", ["a1", "b1", "b2"])
def test_counts_only_finish_refuses_to_write_over_a_round_file(tmp_path, capsys, out):
    f = exchange(capsys, tmp_path, counts_only=True)
    kept = {n: p.read_bytes() for n, p in f.items()}
    code, _, err = run(capsys, "psi", "finish", f["a1"], f["b1"], f["b2"], "-o", f[out])
    assert code == 2 and refused_over_input(err, f[out], f[out])
    assert {n: p.read_bytes() for n, p in f.items()} == kept


def test_finish_refuses_to_write_the_session_over_a_round_file(tmp_path, capsys):
    f = exchange(capsys, tmp_path)
    kept = f["b2"].read_bytes()
    code, _, err = run(capsys, "psi", "finish", f["a1"], f["b1"], f["b2"], "-o", f["b2"])
    assert code == 2 and refused_over_input(err, f["b2"], f["b2"])
    assert f["b2"].read_bytes() == kept


DAMAGED = {  # what a partner's .psi can hold, and the reason the refusal gives
    "number": ('{"a": ' + "9" * 5_000 + "}", "a number too long to read"),
    "nesting": ("[" * 5_000, "nested too deep"),
    "items": ('{"format": "acctmap-psi", "x": [' + "{}," * 100_000 + "{}]}", "bytes long, "),
    "binary": ("\x00\xff" * 100, "not"),
    "empty": ("", "not JSON at line 1, column 1"),
    "other json": ('{"format": "something else"}', 'no "format": "acctmap-psi"'),
}


@pytest.mark.parametrize("kind", DAMAGED)
@pytest.mark.parametrize("step", ["answer", "finish-theirs1", "finish-theirs2"])
def test_a_damaged_partner_file_is_one_clear_message(tmp_path, capsys, kind, step):
    f = exchange(capsys, tmp_path)
    text, why = DAMAGED[kind]
    bad = tmp_path / "bad.psi"
    bad.write_bytes(text.encode("latin-1"))
    out = tmp_path / "out"
    argv = {"answer": ("answer", f["a1"], bad), "finish-theirs1": ("finish", f["a1"], bad, f["b2"]),
            "finish-theirs2": ("finish", f["a1"], f["b1"], bad)}[step]
    code, stdout, err = run(capsys, "psi", *argv, "-o", out)
    assert code == 2 and not stdout and not out.exists()
    assert err.startswith(f"acctmap: error: {bad}: is not a private overlap file, or it is damaged: ")
    assert why in err and len(err.splitlines()) == 1


def run_in_thread(capsys, *argv, fifo=None, wait=20.0):
    """run() that fails instead of hanging: a read of `fifo` would wait for a writer for ever."""
    import threading

    got = {}
    worker = threading.Thread(target=lambda: got.update(result=run(capsys, *argv)), daemon=True)
    worker.start()
    worker.join(wait)
    if worker.is_alive() and fifo:
        with open(fifo, "wb"):  # let the stuck read end, so the test fails rather than hangs
            pass
        worker.join(wait)
    assert "result" in got, "the command waited on the FIFO"
    return got["result"]


@pytest.mark.parametrize("step", ["answer", "finish"])
def test_a_device_or_fifo_as_a_round_file_is_refused_before_reading(tmp_path, capsys, step):
    f = exchange(capsys, tmp_path)
    fifo = tmp_path / "partner.psi"
    os.mkfifo(fifo)
    for bad in (fifo, Path(os.devnull), tmp_path):  # /dev/null: a device that reads as empty
        argv = ("answer", f["a1"], bad) if step == "answer" else ("finish", f["a1"], f["b1"], bad)
        code, _, err = run_in_thread(capsys, "psi", *argv, "-o", tmp_path / "out", fifo=fifo)
        assert code == 2 and (f"{bad}: this is a folder, not a round file" in err if bad == tmp_path
                              else f"{bad}: not a plain file (a device, FIFO or socket)" in err)
    # a link to a round file is read as the file
    link = tmp_path / "b2-link.psi"
    link.symlink_to(f["b2"])
    assert run(capsys, "psi", "finish", f["a1"], f["b1"], link)[0] == 0
