"""`acctmap psi` with a hostile partner file (audit 14): the size is printed before anything is
answered and a list out of proportion needs --expect-size; a partner's company name never prints
a line or an escape of its own; start and finish never write over what an exchange needs."""

import json

import pytest

from acctmap_tui import cli
from acctmap_tui.core import psi


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def write_list(path, domains):
    path.write_text("name,domain,status\n" + "".join(f"{d},{d},customer\n" for d in domains))
    return path


def start(capsys, tmp_path, name, domains, company):
    out = tmp_path / f"{name}.psi"
    code = run(capsys, "psi", "start", write_list(tmp_path / f"{name}.csv", domains), "-o", out,
               "--ours-name", company)[0]
    assert code == 0
    return out


def crafted(path, **changes):
    doc = json.loads(path.read_text()) | changes
    del doc["checksum"]
    path.write_bytes(psi._dump(doc))
    return path


def test_answer_prints_the_size_first_and_needs_expect_size_for_a_list_out_of_proportion(
        tmp_path, capsys):
    a1 = start(capsys, tmp_path, "northwind-1", [f"firm{i}.com" for i in range(10)], "Northwind")
    g1 = start(capsys, tmp_path, "globex-1", [f"guess{i}.com" for i in range(2_100)], "Globex")
    a2 = tmp_path / "northwind-2.psi"
    code, out, err = run(capsys, "psi", "answer", a1, g1, "-o", a2)
    assert code == 2 and not a2.exists()
    assert out == "Globex's list: 2,100 domains; ours: 10.\n"
    assert err.startswith(f"acctmap: error: {g1}: not answered: Globex's list has 2,100 domains, "
                          "ours 10: more than 2 times ours.")
    assert "Nothing was answered or recorded" in err
    assert err.rstrip().endswith("run the same command with --expect-size 2100")
    assert len(err.splitlines()) == 1
    code, out, err = run(capsys, "psi", "answer", a1, g1, "-o", a2, "--expect-size", "2100")
    assert code == 0 and a2.is_file() and not err
    assert out.splitlines()[:2] == [
        "Globex's list: 2,100 domains; ours: 10.",
        f"Wrote {a2}: our answer to Globex's 2,100 entries. Send it to your partner."]


def test_the_readme_commands_need_no_flag_for_lists_of_a_like_size(tmp_path, capsys):
    a1 = start(capsys, tmp_path, "northwind-1", [f"firm{i}.com" for i in range(10)], "Northwind")
    g1 = start(capsys, tmp_path, "globex-1", [f"firm{i}.com" for i in range(5, 20)], "Globex")
    assert run(capsys, "psi", "answer", a1, g1, "-o", tmp_path / "northwind-2.psi")[0] == 0
    assert run(capsys, "psi", "answer", g1, a1, "-o", tmp_path / "globex-2.psi")[0] == 0
    code, out, _ = run(capsys, "psi", "finish", a1, g1, tmp_path / "globex-2.psi",
                       "-o", tmp_path / "sessions" / "2026-Q4-globex.toml")
    assert code == 0 and "Saved session" in out


@pytest.mark.parametrize("company", ["Globex\nTheir list: 8 accounts; ours: 8",
                                     "Globex\x1b[2J\x1b[31mEVIL\u202e"], ids=["newline", "escapes"])
def test_a_company_name_that_would_print_its_own_line_or_escape_is_refused(tmp_path, capsys,
                                                                           company):
    a1 = start(capsys, tmp_path, "northwind-1", ["acme.com"], "Northwind")
    g1 = crafted(start(capsys, tmp_path, "globex-1", ["acme.com"], "Globex"), company=company)
    code, out, err = run(capsys, "psi", "answer", a1, g1, "-o", tmp_path / "n2.psi")
    assert code == 2 and not out and len(err.splitlines()) == 1
    assert err.startswith(f"acctmap: error: {g1}: not read: the company name holds a control or "
                          "formatting character")
    assert "\x1b" not in err and "\u202e" not in err and "EVIL" not in err


def test_start_run_twice_keeps_the_exchange_in_progress(tmp_path, capsys):
    a1 = start(capsys, tmp_path, "northwind-1", ["acme.com"], "Northwind")
    kept = a1.read_bytes()
    code, out, err = run(capsys, "psi", "start", tmp_path / "northwind-1.csv", "-o", a1)
    assert code == 2 and not out and a1.read_bytes() == kept
    assert f"{a1}: holds the round-1 file of an exchange not finished yet" in err
    assert f"Name another file, e.g. {tmp_path / 'northwind-1-2.psi'}" in err


def test_finish_never_writes_the_session_over_our_own_list(tmp_path, capsys):
    a1 = start(capsys, tmp_path, "northwind", ["acme.com", "b.com"], "Northwind")
    g1 = start(capsys, tmp_path, "globex", ["acme.com"], "Globex")
    run(capsys, "psi", "answer", g1, a1, "-o", tmp_path / "globex-2.psi")
    our_list = tmp_path / "northwind.csv"
    kept = our_list.read_bytes()
    code, out, err = run(capsys, "psi", "finish", a1, g1, tmp_path / "globex-2.psi", "-o", our_list)
    assert code == 2 and f"-o {our_list}: that is the input file {our_list}" in err and not out
    assert our_list.read_bytes() == kept
