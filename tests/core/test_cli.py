"""The command line, end to end on the bundled demo lists and on bad input."""

import csv
import sys

import pytest

from acctmap_tui import cli
from acctmap_tui.core import start
from acctmap_tui.core import ingest
from acctmap_tui.core import session as session_io
from acctmap_tui.core.score import rescore

OURS_CSV, THEIRS_CSV = (str(p) for p in ingest.demo_paths())


def run(capsys, *argv):
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_match_prints_summary_and_saves_session(tmp_path, capsys):
    out_path = tmp_path / "sessions" / "q4.toml"
    code, out, _ = run(capsys, "match", OURS_CSV, THEIRS_CSV, "--ours-name", "Northwind",
                       "--partner", "Globex", "-o", str(out_path))
    assert code == 0
    session = session_io.load(out_path)
    overlap = session.overlap()
    assert f"Overlap: {len(overlap)} accounts" in out
    assert f"Review queue: {len(session.review_queue())} pairs" in out
    assert "rows read" in out and "Problems found" in out
    for code_word in ("SHARED", "VOUCH", "INTRO", "JOINT"):
        assert code_word in out


def test_export_default_is_the_action_list_sorted_by_priority(tmp_path, capsys):
    path = tmp_path / "s.toml"
    run(capsys, "match", OURS_CSV, THEIRS_CSV, "-o", str(path))
    session = session_io.load(path)
    for i, account in enumerate(session.overlap()[:3]):
        account.scores = {"relationship": 3 - i}
    rescore(session)
    session_io.save(session, path)
    out = tmp_path / "actions.csv"
    code, _, _ = run(capsys, "export", str(path), "--format", "csv", "--top", "15", "-o", str(out))
    assert code == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 3  # "top 15" is not padded with accounts nobody scored or planned
    assert [r["priority"] for r in rows[:3]] == ["9", "6", "3"]
    assert "Annual Revenue" not in out.read_text(encoding="utf-8-sig")


def test_hashed_exchange_finds_the_plain_domain_overlap(tmp_path, capsys):
    key = tmp_path / "key.txt"
    run(capsys, "keygen", "-o", str(key))
    hashed_ours, hashed_theirs = tmp_path / "ours.csv", tmp_path / "theirs.csv"
    run(capsys, "hash", OURS_CSV, "--key-file", str(key), "-o", str(hashed_ours))
    run(capsys, "hash", THEIRS_CSV, "--key-file", str(key), "-o", str(hashed_theirs))
    plain, both, half = tmp_path / "plain.toml", tmp_path / "both.toml", tmp_path / "half.toml"
    run(capsys, "match", OURS_CSV, THEIRS_CSV, "-o", str(plain))
    run(capsys, "match", str(hashed_ours), str(hashed_theirs), "-o", str(both))
    code, out, _ = run(capsys, "match", OURS_CSV, str(hashed_theirs), "--key-file", str(key),
                       "-o", str(half))
    assert code == 0 and "name matching is not possible" in out
    # the hashed list holds only accounts with a domain: the rows of the partner's export are unknown
    theirs_line = next(line for line in out.splitlines() if "(partner):" in line)
    assert "accounts with a domain (hashed)" in theirs_line and "rows read" not in theirs_line
    plain_domains = {a.key for a in session_io.load(plain).overlap() if a.match.method == "domain"}
    assert len(session_io.load(both).overlap()) == len(plain_domains)
    half_session = session_io.load(half)
    assert {a.key for a in half_session.overlap()} == plain_domains  # our own domains shown
    assert all(a.theirs.hashed for a in half_session.overlap())


def test_wrong_key_is_reported_as_a_key_mismatch(tmp_path, capsys):
    k1, k2 = tmp_path / "k1", tmp_path / "k2"
    run(capsys, "keygen", "-o", str(k1))
    run(capsys, "keygen", "-o", str(k2))
    hashed = tmp_path / "theirs.csv"
    run(capsys, "hash", THEIRS_CSV, "--key-file", str(k1), "-o", str(hashed))
    code, out, _ = run(capsys, "match", OURS_CSV, str(hashed), "--key-file", str(k2))
    assert code == 0
    assert "different keys" in out


def test_hashed_list_without_key_is_a_clear_error(tmp_path, capsys):
    key = tmp_path / "key.txt"
    run(capsys, "keygen", "-o", str(key))
    hashed = tmp_path / "theirs.csv"
    run(capsys, "hash", THEIRS_CSV, "--key-file", str(key), "-o", str(hashed))
    code, _, err = run(capsys, "match", OURS_CSV, str(hashed))
    assert code == 2 and "--key-file" in err and "Traceback" not in err


def test_share_writes_only_agreed_fields(tmp_path, capsys):
    out = tmp_path / "share.csv"
    code, text, _ = run(capsys, "share", OURS_CSV, "-o", str(out))
    assert code == 0 and "held back" in text
    header = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "domain,status"


@pytest.mark.parametrize("content", ["", "just,a,header\n", "\x00\x01\x02garbage"])
def test_unreadable_list_is_one_clear_error(tmp_path, capsys, content):
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="latin-1")
    code, _, err = run(capsys, "match", str(bad), THEIRS_CSV)
    assert code == 2
    assert "bad.csv" in err and "Traceback" not in err


def test_export_top_of_a_session_with_nothing_planned_says_why_the_file_is_empty(tmp_path, capsys):
    path = tmp_path / "s.toml"
    run(capsys, "match", OURS_CSV, THEIRS_CSV, "-o", str(path))
    out = tmp_path / "actions.csv"
    code, printed, _ = run(capsys, "export", str(path), "--top", "3", "-o", str(out))
    assert code == 0 and len(out.read_text(encoding="utf-8-sig").splitlines()) == 1
    assert f"Wrote {out}" in printed and "header only" in printed
    assert "no account is scored or has an owner or a next action yet" in printed
    code, printed, _ = run(capsys, "export", str(path), "-o", str(out))
    assert code == 0 and "header only" not in printed  # the whole overlap


@pytest.mark.parametrize("top", ["0", "-1", "abc"])
def test_export_top_takes_1_or_more(tmp_path, capsys, top):
    out = tmp_path / "actions.csv"
    with pytest.raises(SystemExit) as ended:
        cli.main(["export", str(tmp_path / "s.toml"), "--top", top, "-o", str(out)])
    err = capsys.readouterr().err
    assert ended.value.code == 2 and f"--top: expected a whole number of 1 or more, got '{top}'" in err
    assert not out.exists()


def test_diff_shows_control_characters_in_notes_escaped(tmp_path, capsys, monkeypatch):
    """A colleague's or hand-edited session's notes went to the terminal raw: ESC[31m turned it
    red, CR moved the cursor, NUL and the rest went through too."""
    old, new = tmp_path / "q3.toml", tmp_path / "q4.toml"
    run(capsys, "match", OURS_CSV, THEIRS_CSV, "-o", str(old))
    session = session_io.load(old)
    session.overlap()[0].notes = "a\x00b\x1b[31mred\x7f\r\nline2\tTab\u2028LS\x85NEL é"
    session.title = "Q4\x1b[2J"  # clear screen
    session_io.save(session, new)
    code, out, _ = run(capsys, "history", str(old), str(new))
    assert code == 0 and "Q4\\x1b[2J" in out and "\x1b" not in out
    for fmt in ("text", "md"):
        code, out, _ = run(capsys, "diff", str(old), str(new), "--format", fmt)
        assert code == 0 and "a\\x00b\\x1b[31mred\\x7f" in out  # (Markdown: CR LF as <br>)
        assert "\\u2028LS\\x85NEL é" in out
        assert not set(out) & {"\x00", "\x1b", "\x7f", "\r", "\u2028", "\x85"}
    code, out, _ = run(capsys, "diff", str(old), str(new), "--format", "json")
    assert "\\u001b[31mred" in out  # JSON writes its own escapes
    code, out, _ = run(capsys, "diff", str(old), str(new), "--format", "csv")
    assert "\x1b[31mred" in out  # a cell as it is, when not to a terminal...
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, _ = run(capsys, "diff", str(old), str(new), "--format", "csv")
    assert "\\x1b[31mred" in out and "\x1b" not in out  # ...and escaped when it is


def test_corrupt_session_names_file_and_line(tmp_path, capsys):
    bad = tmp_path / "broken.toml"
    bad.write_text('schema = 1\nours = "A"\npartner = \n', encoding="utf-8")
    code, _, err = run(capsys, "export", str(bad))
    assert code == 2 and "broken.toml" in err and "line 3" in err


def test_diff_and_history(tmp_path, capsys):
    old, new = tmp_path / "q3.toml", tmp_path / "q4.toml"
    run(capsys, "match", OURS_CSV, THEIRS_CSV, "-o", str(old))
    session = session_io.load(old)
    gone = session.overlap()[0]
    session.accounts.remove(gone)
    session.date = session.date.replace(year=session.date.year + 1)
    session_io.save(session, new)
    code, out, _ = run(capsys, "diff", str(old), str(new), "--format", "md")
    assert code == 0 and gone.name in out
    code, out, _ = run(capsys, "history", str(tmp_path))
    assert code == 0 and session.title in out


def test_columns_override_and_status_mapping(tmp_path, capsys):
    f = tmp_path / "plain.csv"
    f.write_text("Firm,Web,Stage\nAcme,acme.com,Partner\n", encoding="utf-8")
    g = tmp_path / "other.csv"
    g.write_text("name,domain,status\nAcme Corp,www.acme.com,customer\n", encoding="utf-8")
    code, out, _ = run(capsys, "match", str(f), str(g), "--ours-columns",
                       "name=Firm,domain=Web,status=Stage", "--status", "Partner=prospect")
    assert code == 0
    assert "Overlap: 1 accounts" in out
    code, _, err = run(capsys, "match", str(f), str(g), "--status", "Partner=friend")
    assert code == 2 and "friend" in err


def test_new_reads_every_input_before_the_app_starts(tmp_path, capsys, monkeypatch):
    """`acctmap new` hands the app a request with the lists, the key and the prior already read."""
    opened = {}
    monkeypatch.setattr(cli, "_run_app", lambda **kwargs: opened.update(kwargs) or 0)
    key = tmp_path / "key.txt"
    run(capsys, "keygen", "-o", str(key))
    hashed = tmp_path / "theirs.csv"
    run(capsys, "hash", THEIRS_CSV, "--key-file", str(key), "-o", str(hashed))
    code, _, _ = run(capsys, "new", OURS_CSV, str(hashed), "--key-file", str(key),
                     "--ours-name", "Northwind", "--partner", "Globex")
    request = opened["load"]
    assert code == 0 and isinstance(request.key, bytes) and request.theirs.hashed
    assert request.ours.company == "Northwind" and len(request.ours.records) == 296
    code, _, err = run(capsys, "new", OURS_CSV, str(tmp_path / "missing.csv"))
    assert code == 2 and "missing.csv" in err


def test_match_draws_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path, capsys):
    code, out, err = run(capsys, "match", OURS_CSV, THEIRS_CSV, "-o", str(tmp_path / "s.toml"))
    assert code == 0 and "Saved session" in out
    assert err == ""


def test_a_long_run_shows_its_phase_on_a_terminal(monkeypatch):
    import io

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    fake = Terminal()
    monkeypatch.setattr("sys.stderr", fake)
    monkeypatch.setattr(cli._Progress, "DELAY", 0.0)
    bar = cli._Progress()
    bar.update(0.4, "scoring names")
    bar._timer.join()  # the bar appears from its timer: wait for it, no sleep
    bar.update(0.5, "scoring names")
    bar.close()
    assert "scoring names" in fake.getvalue()


def test_the_progress_of_match_with_a_session_file_never_goes_back(tmp_path, capsys, monkeypatch):
    seen: list[float] = []
    real = cli._Progress.update
    monkeypatch.setattr(cli._Progress, "update",
                        lambda self, fraction, phase: (seen.append(fraction), real(self, fraction, phase)))
    run(capsys, "match", OURS_CSV, THEIRS_CSV, "-o", str(tmp_path / "s.toml"))
    assert len(seen) > 3
    assert seen == sorted(seen), seen


def test_big_lists_read_side_by_side_give_the_same_session(tmp_path, capsys, monkeypatch):
    serial, parallel = tmp_path / "serial.toml", tmp_path / "parallel.toml"
    run(capsys, "match", OURS_CSV, THEIRS_CSV, "-o", str(serial))
    monkeypatch.setattr(start, "PARALLEL_BYTES", -1)  # every list counts as big
    run(capsys, "match", OURS_CSV, THEIRS_CSV, "-o", str(parallel))
    a, b = session_io.load(serial), session_io.load(parallel)
    assert a.accounts == b.accounts and a.sources == b.sources
    code, _, err = run(capsys, "match", OURS_CSV, str(tmp_path / "missing.csv"))
    assert code == 2 and "missing.csv" in err and "not found" in err


def _saved_pair(tmp_path, old_partner: str, new_partner: str, title: str = "Q3 mapping"):
    """Two saved sessions of one title (a copy edited for another partner, say), by file."""
    from tests.core.compare_factory import Q3, Q4, acct, session

    a, b = tmp_path / "initech.toml", tmp_path / "globex.toml"
    session_io.save(session([acct("a.com", "A", "customer", "customer")], day=Q3,
                            partner=old_partner, title=title), a)
    session_io.save(session([acct("a.com", "A", "customer", "customer")], day=Q4,
                            partner=new_partner, title=title), b)
    return a, b


def test_diff_of_two_partnerships_names_each_session_by_its_file(tmp_path, capsys):
    """The titles are alike: the refusal names the files, as `match --from` names the prior's."""
    a, b = _saved_pair(tmp_path, "Initech", "Globex")
    code, out, err = run(capsys, "diff", str(a), str(b))
    assert code == 2 and out == ""
    assert (f"the old session {a} is of another partnership (Northwind x Initech) than the new "
            f"session {b} (Northwind x Globex): 'Globex' is not 'Initech'") in err, err
    assert "Q3 mapping" not in err and "To compare them anyway, add --force" in err
    code, out, _ = run(capsys, "diff", str(a), str(b), "--force")
    assert code == 0 and "1 same" in out


def test_history_groups_sessions_by_the_one_partnership_rule(tmp_path, capsys, monkeypatch):
    """`history` asks compare.partnership_key (the rule of diff, --from and the picker) which
    sessions are one partnership; it has no rule of its own."""
    from acctmap_tui.core import compare

    a, b = _saved_pair(tmp_path, "Initech", "Globex Inc.")
    code, out, err = run(capsys, "history", str(a), str(b))
    assert code == 0 and "of 2 partnerships" in err and "Northwind x Initech" in out
    (tmp_path / "one").mkdir()
    c, d = _saved_pair(tmp_path / "one", "Globex", "GLOBEX inc")
    code, out, err = run(capsys, "history", str(c), str(d))
    assert code == 0 and err == "" and out.count("Q3 mapping") == 2  # one partnership, one table
    asked: list[tuple[str, str]] = []

    def one_partnership(ours: str, partner: str) -> tuple[str, str]:
        asked.append((ours, partner))
        return ("all", "one")

    monkeypatch.setattr(compare, "partnership_key", one_partnership)
    code, out, err = run(capsys, "history", str(a), str(b))
    assert code == 0 and err == "" and sorted(asked) == [("Northwind", "Globex Inc."),
                                                         ("Northwind", "Initech")]
