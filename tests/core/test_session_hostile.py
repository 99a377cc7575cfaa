"""Hostile and surprising session files: each is one clear message naming the file and the line,
never a traceback; recovery files belong to one session (its id), never to a file name; source
lists are found from the session file, and a changed list is reported."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import Session, SessionError, Source
from tests.core.test_session import full_session


def _lines(text: str, needle: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]


def _load_text(tmp_path: Path, text: str, name: str = "hostile.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SessionError) as err:
        session_io.load(path)
    return str(err.value)


# --- numbers that are not numbers -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "+nan"])
def test_inf_or_nan_elapsed_time_names_file_and_line(tmp_path: Path, value: str) -> None:
    text = session_io.to_toml(full_session())
    assert "elapsed_s = { icp = 412.5 }" in text
    text = text.replace("elapsed_s = { icp = 412.5 }", f"elapsed_s = {{ assign = {value} }}")
    message = _load_text(tmp_path, text)
    line = _lines(text, "elapsed_s")[0]
    assert "hostile.toml" in message and f"line {line}" in message
    assert "elapsed_s" in message and "inf and nan are not allowed" in message


def test_nan_match_score_names_the_line_of_the_account(tmp_path: Path) -> None:
    text = session_io.to_toml(full_session())
    text = text.replace('score = 87.5', 'score = nan', 1)
    message = _load_text(tmp_path, text)
    line = _lines(text, "score = nan")[0]
    assert f"line {line}" in message and "account 2" in message and "'score'" in message


def test_inf_threshold_names_its_line(tmp_path: Path) -> None:
    text = session_io.to_toml(full_session()).replace("auto_accept = 90.0", "auto_accept = inf")
    message = _load_text(tmp_path, text)
    assert f"line {_lines(text, 'auto_accept')[0]}" in message and "auto_accept" in message


@pytest.mark.parametrize("line", ["auto_accept = -5.0", "review = -5", "review = 150",
                                  "auto_accept = -1e308", "close_gap = 100.5"])
def test_a_threshold_outside_0_to_100_names_its_line(tmp_path: Path, line: str) -> None:
    """A threshold outside the score scale loaded silently and crashed `match --from` in the
    matcher (rapidfuzz refuses the cutoff)."""
    key = line.split(" = ")[0]
    text = session_io.to_toml(full_session())
    saved = next(ln for ln in text.splitlines() if ln.startswith(f"{key} = "))
    text = text.replace(saved, line)
    message = _load_text(tmp_path, text)
    assert f"hostile.toml: line {_lines(text, line)[0]}: thresholds, field {key!r}: " in message
    assert "is not between 0 and 100" in message


# --- agenda and scoring edited into nonsense (audit 10 F9: all loaded without a word) -------------


@pytest.mark.parametrize(("saved", "edited", "where", "says"), [
    ('phases = [["icp", 7], ["review", 25]]', 'phases = [["icp", -5], ["review", 25]]',
     "agenda, field 'phases'", "'icp' has -5 minutes: minutes are 0 or more"),
    ('phases = [["icp", 7], ["review", 25]]', 'phases = [["icp", 7], ["bogus", 20]]',
     "agenda, field 'phases'", "'bogus' is not a phase (the call's are icp, review, prioritize, assign)"),
    ('phases = [["icp", 7], ["review", 25]]', 'phases = [["icp", 7], ["icp", 20]]',
     "agenda, field 'phases'", "'icp' is listed twice"),
    ('phases = [["icp", 7], ["review", 25]]', "phases = []", "agenda, field 'phases'", "lists no phase"),
    ('current = "review"', 'current = "lunch"', "agenda, field 'current'",
     "'lunch' is not one of 'icp', 'review'"),
    ('current = "review"', 'current = "assign"', "agenda, field 'current'",
     "'assign' is not one of 'icp', 'review'"),  # a phase, but not of this agenda
    ("weight = 4", "weight = -1", "scoring, factor 1, field 'weight'", "-1 is not between 0 and 10"),
    ("weight = 4", "weight = 11", "scoring, factor 1, field 'weight'", "11 is not between 0 and 10"),
    ('levels = ["Weak", "Strong"]', "levels = []", "scoring, factor 1, field 'levels'",
     "a factor has one level at least"),
    ("scores = { relationship = 3, icp_fit = 2 }", "scores = { relationship = 3, icp_fit = 99 }",
     "account 1, field 'scores'", "'icp_fit' 99 is not a level: 0 (unscored) to 9"),
    ("scores = { relationship = 3, icp_fit = 2 }", "scores = { relationship = -1, icp_fit = 2 }",
     "account 1, field 'scores'", "'relationship' -1 is not a level: 0 (unscored) to 9"),
])
def test_a_nonsense_agenda_or_scoring_value_is_refused_with_its_line(
        tmp_path: Path, saved: str, edited: str, where: str, says: str) -> None:
    text = session_io.to_toml(full_session())
    assert text.count(saved) == 1
    text = text.replace(saved, edited)
    message = _load_text(tmp_path, text)
    assert f"hostile.toml: line {_lines(text, edited)[0]}: {where}: {says}" in message, message


def test_a_score_above_a_factor_given_fewer_levels_is_kept(tmp_path: Path) -> None:
    """The app keeps an account's level when its factor is given fewer levels (it counts as the
    top one, and undo or more levels bring it back): such a session loads as it was saved."""
    s = full_session()
    s.accounts[0].scores = {"fit": 9}  # "fit" has two levels
    loaded = session_io.load(session_io.save(s, tmp_path / "s.toml"))
    assert loaded.accounts[0].scores == {"fit": 9}
    assert loaded.scoring.factors[0].level(loaded.accounts[0]) == 2


def test_a_factor_of_more_levels_than_the_dialog_gives_takes_scores_up_to_them(tmp_path: Path) -> None:
    s = full_session()
    s.scoring.factors[0].levels = [f"l{i}" for i in range(1, 142)]
    s.accounts[0].scores = {"fit": 141}
    assert session_io.load(session_io.save(s, tmp_path / "s.toml")).accounts[0].scores == {"fit": 141}
    text = (tmp_path / "s.toml").read_text(encoding="utf-8").replace("fit = 141", "fit = 142")
    assert "'fit' 142 is not a level: 0 (unscored) to 141" in _load_text(tmp_path, text)


def test_the_sessions_acctmap_ships_and_writes_still_load(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    shipped = sorted((root / "sessions").glob("*.toml"))
    assert shipped
    for path in shipped:
        session_io.load(path)
    default = session_io.load(session_io.save(Session("Northwind", "Globex"), tmp_path / "new.toml"))
    assert [key for key, _ in default.agenda.phases] == ["icp", "review", "prioritize", "assign"]


def test_thresholds_at_the_ends_of_the_scale_load(tmp_path: Path) -> None:
    text = session_io.to_toml(full_session()).replace("auto_accept = 90.0", "auto_accept = 100") \
        .replace("close_gap = 2.0", "close_gap = 0")
    assert session_io.from_toml(text).thresholds.auto_accept == 100.0


@pytest.mark.parametrize("key", ["top_n", "schema"])
def test_a_whole_number_too_long_to_read_names_the_line(tmp_path: Path, key: str) -> None:
    """Python refuses to read an int of over 4,300 digits: tomli let its ValueError out."""
    text = session_io.to_toml(full_session())
    saved = next(ln for ln in text.splitlines() if ln.startswith(f"{key} = "))
    text = text.replace(saved, f"{key} = {'9' * 5000}")
    message = _load_text(tmp_path, text)
    assert f"hostile.toml: line {_lines(text, '9' * 5000)[0]}" in message
    assert "more than 4,300 digits" in message
    facts = session_io.peek(tmp_path / "hostile.toml")  # a recovery check reads the head only
    assert (facts is None) == (key == "schema")


@pytest.mark.parametrize("key,value", [("created", "9999-12-31T23:59:59-23:59"),
                                       ("created", "0001-01-01T00:00:00+00:01"),
                                       ("saved", "9999-12-31T23:00:00-05:00")])
def test_a_datetime_out_of_range_in_utc_names_file_line_and_field(tmp_path: Path, key: str,
                                                                 value: str) -> None:
    """Valid TOML, but no UTC datetime: the conversion raised OverflowError."""
    text = session_io.to_toml(full_session())
    saved = next(ln for ln in text.splitlines() if ln.startswith(f"{key} = "))
    text = text.replace(saved, f"{key} = {value}")
    message = _load_text(tmp_path, text)
    assert f"hostile.toml: line {_lines(text, value)[0]}: field {key!r}: {value} is out of range" \
        in message


# --- the same pair twice --------------------------------------------------------------------------


def test_the_same_pair_twice_names_both_accounts_and_the_line(tmp_path: Path) -> None:
    text = session_io.to_toml(full_session())
    first = text.index("[[accounts]]")
    second = text.index("[[accounts]]", first + 1)
    doubled = text[:second] + text[first:second] + text[second:]  # account 1 again, as account 2
    message = _load_text(tmp_path, doubled)
    starts = _lines(doubled, "[[accounts]]")
    assert f"line {starts[1]}" in message
    assert "account 2 pairs the same two records as account 1" in message
    assert "hostile.toml" in message


# --- nesting --------------------------------------------------------------------------------------


def test_a_5000_deep_array_is_a_message_not_a_recursion_error(tmp_path: Path) -> None:
    text = 'schema = 1\ntitle = "x"\n\n[agenda]\ncurrent = "icp"\nphases = ' + "[" * 5000 + "]" * 5000 + "\n"
    message = _load_text(tmp_path, text)
    assert "hostile.toml" in message and "line 6" in message and "nested" in message


def test_deep_nesting_with_values_between_is_caught_too(tmp_path: Path) -> None:
    text = "schema = 1\n\n\nx = " + "[1, " * 3000 + "]" * 3000 + "\n"
    message = _load_text(tmp_path, text)
    assert "line 4" in message and "nested" in message


def test_peek_of_a_deeply_nested_file_is_none(tmp_path: Path) -> None:
    path = tmp_path / ".unsaved-x.recovery.toml"
    path.write_text("schema = 1\nx = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert session_io.peek(path) is None


# --- the session id -------------------------------------------------------------------------------


def test_the_session_id_is_kept_by_save_and_load(tmp_path: Path) -> None:
    s = full_session()
    path = session_io.save(s, tmp_path / "q4.toml")
    assert session_io.load(path).session_id == s.session_id
    assert full_session().session_id != s.session_id  # every new session has its own


@pytest.mark.parametrize("bad", ['"../../etc/passwd"', '""', "7", '"' + "a" * 65 + '"'])
def test_a_session_id_that_could_escape_its_folder_is_refused(tmp_path: Path, bad: str) -> None:
    text = session_io.to_toml(full_session())
    text = re.sub(r'(?m)^session_id = ".*"$', lambda _: f"session_id = {bad}", text, count=1)
    line = text.splitlines().index(f"session_id = {bad}") + 1
    message = _load_text(tmp_path, text)
    assert "session_id" in message and f"line {line}:" in message


def test_a_file_written_before_ids_gets_the_same_id_as_its_recovery_file(tmp_path: Path) -> None:
    s = full_session()
    text = session_io.to_toml(s)
    legacy = "\n".join(line for line in text.splitlines() if not line.startswith("session_id"))
    (tmp_path / "old.toml").write_text(legacy, encoding="utf-8")
    (tmp_path / ".old.recovery.toml").write_text(legacy.replace("Mid-market", "Edited"),
                                                 encoding="utf-8")
    loaded = session_io.load(tmp_path / "old.toml")
    assert loaded.session_id == session_io.load(tmp_path / ".old.recovery.toml").session_id
    other = full_session()
    other.created = other.created.replace(year=2020)  # another session, saved under that name
    other_legacy = "\n".join(line for line in session_io.to_toml(other).splitlines()
                             if not line.startswith("session_id"))
    assert session_io.from_toml(other_legacy).session_id != loaded.session_id


def test_a_recovery_file_of_another_session_under_the_same_name_is_not_offered(tmp_path: Path) -> None:
    saved = full_session()
    path = session_io.save(saved, tmp_path / "2026-Q4-northwind-globex.toml")
    other = full_session()  # a new, never saved session whose suggested name was the same
    other.icp_notes = "discarded work"
    rec = session_io.write_recovery(other, path)
    later = path.stat().st_mtime + 60
    os.utime(rec, (later, later))
    assert session_io.newer_recovery(path, session_io.load(path).session_id) is None
    mine = session_io.load(path)
    mine.icp_notes = "my own unsaved work"
    session_io.write_recovery(mine, path)
    os.utime(rec, (later, later))
    assert session_io.newer_recovery(path, session_io.load(path).session_id) == rec


def test_unsaved_sessions_recover_by_id_and_partnership(tmp_path: Path) -> None:
    a, b, other = full_session(), full_session(), full_session()
    other.partner = "Initech"
    for s in (a, b, other):
        target = session_io.recovery_file(s, None, tmp_path)
        session_io.write_snapshot(session_io.snapshot(s), target)
        assert target.name == f".unsaved-{s.session_id}.recovery.toml"
    newer = tmp_path / f".unsaved-{b.session_id}.recovery.toml"
    os.utime(newer, (newer.stat().st_mtime + 60,) * 2)
    found = session_io.unsaved_recoveries(tmp_path, "northwind", "GLOBEX")
    assert found == [newer, tmp_path / f".unsaved-{a.session_id}.recovery.toml"]
    session_io.discard_recovery(b, None, tmp_path)
    assert not newer.exists()
    assert session_io.list_sessions(tmp_path) == []  # never listed as sessions


def test_peek_reads_the_top_without_the_accounts_even_with_brackets_in_notes(tmp_path: Path) -> None:
    s = full_session()
    s.icp_notes = "line one\n[[accounts]]\n[not a table"
    path = session_io.save(s, tmp_path / "x.toml")
    facts = session_io.peek(path)
    assert facts is not None and facts["session_id"] == s.session_id and facts["partner"] == "Globex"
    assert facts["icp_notes"] == s.icp_notes


# --- where the source lists are -------------------------------------------------------------------


def test_source_paths_resolve_from_the_session_file_not_the_working_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    (project / "exports").mkdir(parents=True)
    (project / "exports" / "ours.csv").write_text("name,domain\nAcme,acme.com\n")
    monkeypatch.chdir(project)
    s = full_session()
    s.sources = [Source("ours", "Northwind", "exports/ours.csv")]  # as `match` ran in project/
    path = session_io.save(s, project / "sessions" / "q4.toml")
    assert 'path = "../exports/ours.csv"' in path.read_text(encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    loaded = session_io.load(Path("..") / "project" / "sessions" / "q4.toml")
    assert Path(loaded.sources[0].path).resolve() == (project / "exports" / "ours.csv").resolve()
    assert Path(loaded.sources[0].path).is_file()


def test_a_list_outside_the_project_is_stored_absolute(tmp_path: Path) -> None:
    s = full_session()
    far = tmp_path / "downloads" / "deep" / "theirs.csv"
    s.sources = [Source("partner", "Globex", str(far))]
    path = session_io.save(s, tmp_path / "work" / "proj" / "sessions" / "q4.toml")
    assert f'path = "{far}"' in path.read_text(encoding="utf-8")
    assert session_io.load(path).sources[0].path == str(far)


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_an_account_table_renamed_by_a_typo_is_refused_not_dropped(tmp_path: Path, side: str) -> None:
    """`[accounts.ourz]` for `[accounts.ours]` (a hand edit): the account used to load with an
    empty record, and the next save wrote the record's name, owner and rows away for good."""
    text = session_io.to_toml(full_session())
    header = f"[accounts.{side}]"
    assert header in text
    message = _load_text(tmp_path, text.replace(header, header[:-2] + "z]", 1))
    assert f"has no [accounts.{side}] table (it has [accounts.{side[:-1]}z]: a typo?)" in message
    assert "line " in message and "hostile.toml" in message


# --- fields this version does not know ----------------------------------------------------------
# A hand edit's typo (`next_acton`) or a file from a newer acctmap: the value used to load into
# nothing and vanish at the next save. Now the file is refused with the field and its line.


def _with_line(text: str, after: str, line: str) -> tuple[str, int]:
    """`text` with `line` put after the first line equal to `after`; and its line number."""
    lines = text.splitlines()
    at = lines.index(after) + 1
    lines.insert(at, line)
    return "\n".join(lines) + "\n", at + 1


@pytest.mark.parametrize(("after", "line", "key", "where", "near"), [
    ("priority = 15", 'next_acton = "Call CFO"', "next_acton", "account 1", "next_action"),
    ("[accounts.ours]", 'onwer = "Dana"', "onwer", "account 1, ours", "owner"),
    ("[accounts.theirs]", 'segment = "Enterprise"', "segment", "account 1, theirs", None),
    ("schema = 1", 'partner_manager = "Ana"', "partner_manager", "", None),
    ("[agenda]", "paused = true", "paused", "agenda", None),
    ("[thresholds]", "auto_acept = 95.0", "auto_acept", "thresholds", "auto_accept"),
    ("[scoring]", "top = 3", "top", "scoring", "top_n"),
    ("[[scoring.factors]]", "weigth = 2", "weigth", "scoring, factor 1", "weight"),
    ("[[sources]]", 'owner = "ops"', "owner", "source 1", None),
    ("[[fields]]", "private = true", "private", "field 1", None),
])
def test_a_field_this_version_does_not_know_is_refused_by_line(
        tmp_path: Path, after: str, line: str, key: str, where: str, near: str | None) -> None:
    text, at = _with_line(session_io.to_toml(full_session()), after, line)
    message = _load_text(tmp_path, text)
    assert f"line {at}: " in message and f"field {key!r}" in message, message
    assert (f"{where}, field" in message) if where else (f"line {at}: field {key!r}" in message)
    assert "would be lost at the next save" in message
    assert (f"did you mean {near!r}?" in message) if near else ("did you mean" not in message)


def test_an_unknown_field_in_an_inline_match_table_is_refused(tmp_path: Path) -> None:
    text = session_io.to_toml(full_session())
    assert 'decision = "review"' in text
    text = text.replace('decision = "review"', 'decision = "review", reviewer = "Ana"', 1)
    message = _load_text(tmp_path, text)
    assert "account 2, match, field 'reviewer'" in message, message


def test_every_field_acctmap_writes_is_one_it_reads(tmp_path: Path) -> None:
    """The known-field lists and the writer agree: a session with every field set, saved, loads
    and saves to the same bytes."""
    path = session_io.save(full_session(), tmp_path / "all.toml")
    first = path.read_bytes()
    session_io.save(session_io.load(path), path)
    assert path.read_bytes().replace(b"\r", b"").split(b"\nsaved")[0] == first.split(b"\nsaved")[0]


# --- peek: the start screen and the load form's picker read every session's head ----------------


def test_peek_reads_a_big_sessions_head_from_its_first_bytes(tmp_path: Path) -> None:
    path = session_io.save(full_session(), tmp_path / "big.toml")
    with path.open("a", encoding="utf-8") as fh:  # accounts past the first PEEK_BYTES
        fh.write("# a long tail of accounts\n" * 40_000)
    assert path.stat().st_size > 2 * session_io.PEEK_BYTES
    head = session_io.peek(path)
    assert head is not None and head["ours"] == full_session().ours


def test_peek_reads_a_big_session_in_part_and_refuses_a_fifo(tmp_path: Path, monkeypatch) -> None:
    path = session_io.save(full_session(), tmp_path / "big.toml")
    with path.open("a", encoding="utf-8") as fh:
        fh.write("# accounts\n" * (3 * session_io.PEEK_BYTES // 10))
    reads = _reads(monkeypatch)
    assert session_io.peek(path)["ours"] == full_session().ours
    assert reads == [session_io.PEEK_BYTES + 1]  # its first bytes only, never the whole file
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    assert session_io.peek(fifo) is None  # refused at once, never waited on
    assert session_io.peek(tmp_path) is None  # a folder


def test_peek_of_a_file_cut_inside_a_character(tmp_path: Path) -> None:
    """The first PEEK_BYTES may end inside a character (of an accented comment among the
    tables): the head is read all the same."""
    path = session_io.save(full_session(), tmp_path / "s.toml")
    text = path.read_text(encoding="utf-8")
    after = text.index("\n", text.index("\n[") + 1) + 1  # the line after the first table's header
    before = len(text[:after].encode("utf-8")) + len("# ")
    letters = (session_io.PEEK_BYTES - before) // 2 + 10  # 2 bytes each, past the cut
    if (session_io.PEEK_BYTES - before) % 2 == 0:
        before += 3  # three bytes more in front: the cut falls in the middle of an "é"
        text = text[:after] + "#.\n" + text[after:]
        after += 3
    path.write_text(text[:after] + "# " + "é" * letters + "\n" + text[after:], encoding="utf-8")
    cut = path.read_bytes()[:session_io.PEEK_BYTES]
    with pytest.raises(UnicodeDecodeError):
        cut.decode("utf-8")  # the test's premise: the first PEEK_BYTES end inside a character
    head = session_io.peek(path)
    assert head is not None and head["ours"] == full_session().ours


def test_peek_of_a_big_session_whose_notes_hold_lines_that_start_with_a_bracket(tmp_path: Path) -> None:
    """ICP notes are a multi-line string at the top: "[x] confirmed" inside it looks like a table
    to a cut at the first "[" line. Read only in part, such a session over PEEK_BYTES was "not a
    session": the start screen said it could not be read, and its recovery file was not offered
    (then overwritten by the next autosave: work lost; audit 7)."""
    session = full_session()
    session.icp_notes = "Agreed:\n[x] confirmed with partner\n[EMEA] first\n  [ ] pricing\n"
    path = session_io.save(session, tmp_path / "big-notes.toml")
    recovery = session_io.write_recovery(session, path)
    for written in (path, recovery):
        with written.open("a", encoding="utf-8") as fh:  # as a few thousand accounts would
            fh.write("# accounts\n" * (session_io.PEEK_BYTES // 10))
        assert written.stat().st_size > session_io.PEEK_BYTES
        head = session_io.peek(written)
        assert head is not None and head["ours"] == session.ours
    now = path.stat().st_mtime + 60
    os.utime(recovery, (now, now))
    assert session_io.newer_recovery(path, session.session_id) == recovery


def test_a_fifo_or_a_device_given_as_a_session_is_refused_at_once(tmp_path: Path) -> None:
    """A FIFO given as the prior session hung the load form for ever (and `q` after it), and a
    link to /dev/zero was read until the memory ran out (audit 7)."""
    fifo = tmp_path / "prior.toml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.toml"
    zero.symlink_to("/dev/zero")
    for path, said in ((fifo, "not a plain file"), (zero, "not a plain file"),
                       (tmp_path, "a folder, not a session file")):
        with pytest.raises(SessionError, match=said):
            session_io.load(path)


def _reads(monkeypatch) -> list[int | None]:
    """The `first` of each read `peek` makes (None: the whole file)."""
    from acctmap_tui.core import atomic

    reads: list[int | None] = []
    real = atomic.read_plain_file
    monkeypatch.setattr(atomic, "read_plain_file",
                        lambda p, limit=None, first=None: reads.append(first) or real(p, limit, first=first))
    return reads


def test_peek_of_a_long_checklist_in_the_notes_reads_the_first_bytes_only(tmp_path: Path, monkeypatch) -> None:
    """Notes of 200 "[ ]" lines: each is inside the notes' string, not a table line to cut at
    (the cut used to be tried at every one of them, then the whole file read; audit 8)."""
    session = full_session()
    session.icp_notes = "".join(f"[ ] check {n}\n" for n in range(200))
    path = session_io.save(session, tmp_path / "checklist.toml")
    with path.open("a", encoding="utf-8") as fh:
        fh.write("# accounts\n" * (session_io.PEEK_BYTES // 10))
    reads = _reads(monkeypatch)
    assert session_io.peek(path)["ours"] == session.ours
    assert reads == [session_io.PEEK_BYTES + 1]


def test_peek_of_a_huge_file_of_junk_stops_at_peek_most(tmp_path: Path, monkeypatch) -> None:
    """One unterminated line of 300 MB was read whole (6 s, 600 MB) at every start (audit 8)."""
    monkeypatch.setattr(session_io, "PEEK_MOST", 1024 * 1024)  # the rule, at a test's size
    junk = tmp_path / "junk.toml"
    junk.write_text('title = "' + "y" * (3 * 1024 * 1024), encoding="utf-8")
    reads = _reads(monkeypatch)
    assert session_io.peek(junk) is None
    assert reads == [session_io.PEEK_BYTES + 1, session_io.PEEK_MOST + 1]


def test_a_record_with_neither_name_nor_domain_names_its_line(tmp_path: Path) -> None:
    """Audit 16 L1: a hand edit that removed `[accounts.ours]` and its fields but left
    `[accounts.ours.extra]` loaded as an empty record (the diff then said "our name: (none) ->
    Birchgate")."""
    edited = ('schema = 1\nours = "Acme"\npartner = "Globex"\ndate = 2026-11-23\n\n'
              '[[accounts]]\n[accounts.ours.extra]\nIndustry = "Ceramics"\n'
              '[accounts.theirs]\nname = "Birchgate Ceramics"\ndomain = "birchgate.com"\n')
    message = _load_text(tmp_path, edited)
    assert "hostile.toml" in message and "has neither a name nor a domain" in message
    assert re.search(r"line \d+", message)
