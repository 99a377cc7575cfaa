"""Session files: save/load round trip, hand-written files, errors a user can act on, autosave."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from acctmap_tui.core import toml_io
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acctmap_tui.core import session as session_io
from acctmap_tui.core.normalize import NAME_KEY_VERSION, domain_key_version
from acctmap_tui.core.model import (
    ACTION_STATUSES,
    CATEGORY_BY_KEY,
    CUSTOMER,
    DECISIONS,
    MAX_LEVELS,
    MAX_WEIGHT,
    METHODS,
    OPEN_DEAL,
    OURS,
    PARTNER,
    PHASE_LABELS,
    STATUSES,
    Account,
    Agenda,
    Factor,
    FieldInfo,
    MatchInfo,
    Record,
    Scoring,
    Session,
    SessionError,
    Source,
    Thresholds,
)

CREATED = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


def full_session() -> Session:
    """A session with every field set to something other than its default."""
    ours = Record("Acme, Inc.", "acme.com", CUSTOMER, "Customer - Direct", "Dana Reyes",
                  "https://www.acme.com/", "acme",
                  {"Annual Revenue": "0012,5", "Industry": "Soft\"ware"}, [2, 7])
    theirs = Record("ACME Corporation", "acme.com", OPEN_DEAL, "opportunity", "Priya Shah",
                    "acme.com", "acme", {"Country/Region": "Ünited Státes"}, [3])
    plain = Account(
        ours, theirs, MatchInfo("domain", 100.0, "accepted", ["names-differ"]),
        category="ours-customer-their-prospect", category_manual=True,
        scores={"relationship": 3, "icp_fit": 2}, priority=15, owner="Dana (Globex AE)",
        next_action='Intro to "VP Eng" at the Dec QBR', due=date(2026, 12, 7),
        notes="Line one\nline two with | pipe and \\ backslash\n", action_status="done",
        carried=True,
    )
    unknown = Account(
        Record("Fjord Systems", "", None, "Partner?", name_key="fjord systems"),
        Record("", "9f" * 32, None, "", hashed=True),
        MatchInfo("hash", 87.5, "review", []),
    )
    return Session(
        ours="Northwind", partner="Globex", title="Northwind x Globex — Q4 2026 mapping",
        created=CREATED, saved=CREATED + timedelta(hours=1), date=date(2026, 11, 23),
        agenda=Agenda([("icp", 7), ("review", 25)], current="review", elapsed_s={"icp": 412.5}),
        sources=[
            Source(OURS, "Northwind", "/data/exports/northwind.csv", "ab" * 32, 1843, 1790,
                   {"name": "Account Name", "domain": "Website"},
                   ["northwind.csv, row 9: no name"]),
            Source(PARTNER, "Globex", "/data/globex_hashed.csv", "", 900, 880, {}, [], hashed=True),
        ],
        fields=[FieldInfo(OURS, "name", "Account Name", True),
                FieldInfo(OURS, "Annual Revenue", "Annual Revenue", False),
                FieldInfo("session", "next_action", "", True)],
        scoring=Scoring([Factor("fit", "ICP fit", 4, ["Weak", "Strong"])], top_n=5),
        thresholds=Thresholds(90.0, 75.5, 2.0, 35.0),
        icp_notes="Mid-market SaaS,\n200-2000 employees",
        accounts=[plain, unknown],
    )


def test_save_then_load_gives_back_every_field(tmp_path):
    s = full_session()
    path = session_io.save(s, tmp_path / "q4.toml")
    assert session_io.load(path) == s


def test_a_second_save_writes_every_edit_made_since_the_first(tmp_path):
    """A save reuses the text it wrote last time for an account whose values are unchanged: an
    edit anywhere in an account, in place in its records' extra columns too, must be written."""
    s = full_session()
    path = session_io.save(s, tmp_path / "q4.toml")
    first, second = s.accounts
    first.notes = "Call Dana on Monday"
    second.ours.extra["Region"] = "EMEA, changed in place"
    second.scores["fit"] = 2
    first.match.flags.append("close-candidates")
    session_io.save(s, path)
    assert session_io.load(path) == s
    assert "changed in place" in path.read_text(encoding="utf-8")


def test_the_file_is_readable_toml_with_dates_and_no_nulls(tmp_path):
    s = full_session()
    path = session_io.save(s, tmp_path / "q4.toml")
    text = path.read_text(encoding="utf-8")
    doc = tomllib.loads(text)
    assert doc["schema"] == 1
    assert doc["created"] == CREATED  # a real TOML datetime, in UTC
    assert doc["accounts"][0]["due"] == date(2026, 12, 7)
    second = doc["accounts"][1]
    assert "due" not in second and "category" not in second  # None is left out
    assert "status" not in second["ours"]
    # short lists stay on one line; notes with line breaks stay multi-line
    assert 'flags = ["names-differ"]' in text
    assert "Line one\nline two" in text


def test_save_stamps_saved_time_and_creates_folders(tmp_path):
    s = full_session()
    s.saved = None
    target = tmp_path / "deep" / "sessions" / "x.toml"
    session_io.save(s, target)
    assert s.saved is not None and s.saved.tzinfo is not None
    assert session_io.load(target).saved == s.saved


def test_carriage_returns_survive(tmp_path):
    s = full_session()
    s.accounts[0].notes = "windows\r\nline\rand\nunix"
    s.icp_notes = "a\r\nb"
    path = session_io.save(s, tmp_path / "cr.toml")
    loaded = session_io.load(path)
    assert loaded.accounts[0].notes == "windows\r\nline\rand\nunix"
    assert loaded.icp_notes == "a\r\nb"


def test_fields_at_their_default_are_left_out_and_come_back(tmp_path):
    s = full_session()
    plain = Account(Record("Initech", "initech.com"), Record("Initech LLC", "initech.com"),
                    MatchInfo("domain", 100.0, "auto"))
    s.accounts.append(plain)
    path = session_io.save(s, tmp_path / "q4.toml")
    text = path.read_text(encoding="utf-8")
    block = text[text.rindex("[[accounts]]"):]
    assert block == (
        '[[accounts]]\nkey = "initech.com"\n'
        'match = { method = "domain", score = 100.0, decision = "auto" }\n\n'
        '[accounts.ours]\nname = "Initech"\ndomain = "initech.com"\n\n'
        '[accounts.theirs]\nname = "Initech LLC"\ndomain = "initech.com"\n')
    assert session_io.load(path) == s
    first = text[text.index("[[accounts]]"):text.index("[[accounts]]", text.index("[[accounts]]") + 1)]
    for written in ("category_manual = true", "priority = 15", "carried = true", 'action_status = "done"',
                    "due = 2026-12-07", "rows = [2, 7]", 'flags = ["names-differ"]'):
        assert written in first  # values other than the default are all written


def test_a_file_written_with_every_default_spelled_out_still_loads(tmp_path):
    """Files saved before defaults were left out (same schema) read back the same."""
    path = tmp_path / "old.toml"
    path.write_text(
        'schema = 1\nours = "Acme"\npartner = "Globex"\ncreated = 2026-11-23 10:00:00+00:00\n'
        'date = 2026-11-23\n\n[[accounts]]\nkey = "initech.com"\ncategory = "mutual-prospect"\n'
        'category_manual = false\npriority = 0\nowner = ""\nnext_action = ""\nnotes = ""\n'
        'action_status = "open"\ncarried = false\n'
        'match = { method = "domain", score = 100.0, decision = "auto", flags = [] }\n\n'
        '[accounts.ours]\nname = "Initech"\ndomain = "initech.com"\nstatus = "prospect"\n'
        'raw_status = ""\nowner = ""\nraw_domain = ""\nname_key = ""\nrows = []\nhashed = false\n\n'
        '[accounts.theirs]\nname = "Initech LLC"\ndomain = "initech.com"\nstatus = "prospect"\n'
        'raw_status = ""\nowner = ""\nraw_domain = ""\nname_key = ""\nrows = []\nhashed = false\n',
        encoding="utf-8")
    s = session_io.load(path)
    (acc,) = s.accounts
    # saved before name keys had a version: made again with this version's rules
    assert acc == Account(Record("Initech", "initech.com", "prospect", name_key="initech"),
                          Record("Initech LLC", "initech.com", "prospect", name_key="initech"),
                          MatchInfo("domain", 100.0, "auto"), category="mutual-prospect")
    again = session_io.save(s, tmp_path / "again.toml")
    assert session_io.load(again) == s
    assert "category_manual" not in again.read_text(encoding="utf-8")


def test_values_of_a_convertible_type_are_converted_on_every_account(tmp_path):
    """A whole-number score and a date with a time (hand edits) load as a number and a date."""
    text = session_io.to_toml(full_session())
    text = text.replace("score = 100.0", "score = 100").replace("due = 2026-12-07",
                                                                "due = 2026-12-07T09:30:00")
    assert "score = 100," in text and "due = 2026-12-07T09:30:00" in text
    loaded = session_io.from_toml(text, "q4.toml")
    assert loaded.accounts[0].match.score == 100.0 and isinstance(loaded.accounts[0].match.score, float)
    assert loaded.accounts[0].due == date(2026, 12, 7)
    assert loaded == full_session()


# --- property: any small session round-trips ----------------------------------------------------

# Text made of any characters plus the pieces most likely to break a TOML writer.
TRICKY = ['"', "'", "\\", "\n", "\r\n", "\r", '"""', "\t", "\x00", "\x7f", "é", "日本", "=",
          "[[accounts]]", "\u2028", "#", ""]
pieces = st.sampled_from(TRICKY) | st.characters(blacklist_categories=("Cs",))
texts = st.lists(pieces, max_size=8).map("".join)
short = st.lists(pieces, max_size=3).map("".join)
floats = st.floats(allow_nan=False, allow_infinity=False, width=64)  # inf/nan: refused on load
scores = st.floats(0.0, 100.0)  # a threshold outside: refused on load
ints = st.integers(-(2**40), 2**40)
levels = st.integers(0, MAX_LEVELS)  # an account's level on a factor: outside, refused on load
utc_times = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1),
                         timezones=st.just(timezone.utc))
days = st.dates(min_value=date(1971, 1, 1), max_value=date(2100, 1, 1))

records = st.builds(
    Record, name=texts, domain=texts, status=st.none() | st.sampled_from(STATUSES),
    raw_status=texts, owner=texts, raw_domain=texts, name_key=texts,
    extra=st.dictionaries(short, texts, max_size=3), rows=st.lists(ints, max_size=3),
    hashed=st.booleans(),
).filter(lambda r: r.name or r.domain)  # neither: refused on load (no account is told by it)
accounts = st.builds(
    Account, ours=records, theirs=records,
    match=st.builds(MatchInfo, method=st.sampled_from(METHODS), score=floats,
                    decision=st.sampled_from(DECISIONS), flags=st.lists(texts, max_size=2)),
    category=st.none() | st.sampled_from(list(CATEGORY_BY_KEY)), category_manual=st.booleans(),
    scores=st.dictionaries(short, levels, max_size=3), priority=ints, owner=texts, next_action=texts,
    due=st.none() | days, notes=texts, action_status=st.sampled_from(ACTION_STATUSES),
    carried=st.booleans(),
)
sessions = st.builds(
    Session, ours=texts, partner=texts, title=texts, created=utc_times,
    saved=st.none() | utc_times, date=days,
    # the call's phases, each once with 0 minutes or more, the current one of them
    agenda=st.lists(st.tuples(st.sampled_from(list(PHASE_LABELS)), st.integers(0, 2**40)),
                    min_size=1, max_size=4, unique_by=lambda p: p[0]).flatmap(
        lambda phases: st.builds(Agenda, phases=st.just(phases),
                                 current=st.sampled_from([key for key, _ in phases]),
                                 elapsed_s=st.dictionaries(short, floats, max_size=3))),
    sources=st.lists(st.builds(
        Source, side=st.sampled_from([OURS, PARTNER]), company=texts, path=texts, sha256=texts,
        rows=ints, accounts=ints, columns=st.dictionaries(short, texts, max_size=3),
        problems=st.lists(texts, max_size=2), hashed=st.booleans()), max_size=2),
    fields=st.lists(st.builds(FieldInfo, side=st.sampled_from([OURS, PARTNER, "session"]),
                              name=texts, column=texts, shareable=st.booleans()), max_size=3),
    scoring=st.builds(Scoring, top_n=ints, factors=st.lists(st.builds(
        Factor, key=short, label=texts, weight=st.integers(0, MAX_WEIGHT),
        levels=st.lists(texts, min_size=1, max_size=3)),
        max_size=3)),
    thresholds=st.builds(Thresholds, auto_accept=scores, review=scores, close_gap=scores,
                         names_differ=scores),
    icp_notes=texts, accounts=st.lists(accounts, max_size=3, unique_by=lambda a: a.pair_id),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions)
def test_any_session_round_trips(s):
    text = session_io.to_toml(s)
    loaded = session_io.from_toml(text)
    assert loaded == s
    assert session_io.to_toml(loaded) == text  # stable output: saving again changes nothing


# --- the direct account writer lays accounts out as toml_io.dumps does ---------------------------


def reference_account(acc: Account) -> dict:
    """An account as the document `toml_io.dumps` would write: the layout users read and diff."""
    def record(rec: Record) -> dict:
        out = {"name": rec.name, "domain": rec.domain}
        if rec.status is not None:
            out["status"] = rec.status
        for key in ("raw_status", "owner", "raw_domain", "name_key"):
            if getattr(rec, key):
                out[key] = getattr(rec, key)
        if rec.rows:
            out["rows"] = toml_io.inline(list(rec.rows))
        if rec.hashed:
            out["hashed"] = True
        if rec.extra:
            out["extra"] = toml_io.inline(dict(rec.extra))
        return out

    out = {"key": acc.key}
    for key, default in (("category", None), ("category_manual", False), ("scores", {}),
                         ("priority", 0), ("owner", ""), ("next_action", ""), ("due", None),
                         ("notes", ""), ("action_status", ACTION_STATUSES[0]), ("carried", False)):
        value = getattr(acc, key)
        if value != default:
            out[key] = toml_io.inline(dict(value)) if key == "scores" else value
    match = {"method": acc.match.method, "score": float(acc.match.score),
             "decision": acc.match.decision}
    if acc.match.flags:
        match["flags"] = list(acc.match.flags)
    out["match"] = toml_io.inline(match)
    out["ours"], out["theirs"] = record(acc.ours), record(acc.theirs)
    return out


def reference_toml(s: Session) -> str:
    doc = session_io.snapshot(s).doc
    if s.accounts:
        doc = {**doc, "accounts": [reference_account(a) for a in s.accounts]}
    return toml_io.dumps(doc)


# Texts needing no escape (the writer's fast path), long enough lists and tables that some
# inline values pass the 100-character line and are written as tables or multi-line arrays.
plain_texts = st.text(alphabet="abcXYZ 019-.&é日", max_size=24)
plain_records = st.builds(
    Record, name=plain_texts, domain=plain_texts, status=st.none() | st.sampled_from(STATUSES),
    raw_status=plain_texts, owner=plain_texts, raw_domain=plain_texts, name_key=plain_texts,
    extra=st.dictionaries(plain_texts, plain_texts, max_size=6),
    rows=st.lists(ints, max_size=12), hashed=st.booleans(),
).filter(lambda r: r.name or r.domain)  # neither: refused on load
plain_accounts = st.builds(
    Account, ours=plain_records, theirs=plain_records,
    match=st.builds(MatchInfo, method=st.sampled_from(METHODS), score=floats,
                    decision=st.sampled_from(DECISIONS), flags=st.lists(plain_texts, max_size=6)),
    category=st.none() | st.sampled_from(list(CATEGORY_BY_KEY)), category_manual=st.booleans(),
    scores=st.dictionaries(plain_texts, levels, max_size=8), priority=ints, owner=plain_texts,
    next_action=plain_texts, due=st.none() | days, notes=plain_texts,
    action_status=st.sampled_from(ACTION_STATUSES), carried=st.booleans(),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(plain_accounts | accounts, min_size=1, max_size=6, unique_by=lambda a: a.pair_id))
def test_accounts_are_written_in_the_layout_of_the_general_writer(accs):
    s = full_session()
    s.accounts = accs
    text = session_io.to_toml(s)
    assert text == reference_toml(s)
    assert session_io.from_toml(text) == s


def test_a_wide_exports_columns_are_written_as_the_general_writer_writes_them():
    """A CRM export's 30 extra columns (a table, not one line) and headers that need quoting,
    braces and backslashes among them: the columns' compiled writer gives the general writer's
    text, and the session reads back equal."""
    s = full_session()
    headers = [f"Field {i}" for i in range(26)] + ["{Region}", "a}b{", "back\\slash", "\\N{DASH}", 'say "x"']
    for n, acc in enumerate(s.accounts):
        acc.ours.extra = {h: f"value {n} {i}" for i, h in enumerate(headers)}
        acc.theirs.extra = {h: "v" for h in headers[-5:]} if n % 2 else {"{Region}": "EU"}
    text = session_io.to_toml(s)
    assert text == reference_toml(s)
    assert "[accounts.ours.extra]" in text and '"{Region}" = "EU"' in text
    assert session_io.from_toml(text) == s


def test_a_snapshot_keeps_the_accounts_as_they_were_when_taken():
    s = full_session()
    snap = session_io.snapshot(s)
    before = session_io.to_toml(s)
    acc = s.accounts[0]
    acc.ours.rows.append(99)
    acc.ours.extra["Industry"] = "changed"
    acc.match.flags.append("changed")
    acc.scores["fit"] = 1
    acc.notes = "changed"
    assert snap.to_bytes().decode("utf-8") == before


# --- hand-written and broken files ------------------------------------------------------------


def test_a_hand_written_minimal_session_loads_with_defaults(tmp_path):
    path = tmp_path / "hand.toml"
    path.write_text(
        'schema = 1\nours = "Acme"\npartner = "Globex"\ndate = 2026-11-23\n\n'
        '[[accounts]]\nowner = "Dana"\nnotes = """\nwatch out\n"""\n'
        '[accounts.ours]\nname = "Initech"\ndomain = "initech.com"\nstatus = "customer"\n'
        '[accounts.theirs]\nname = "Initech LLC"\nstatus = "prospect"\n',
        encoding="utf-8",
    )
    s = session_io.load(path)
    assert (s.ours, s.partner, s.date) == ("Acme", "Globex", date(2026, 11, 23))
    assert s.scoring == Scoring() and s.thresholds == Thresholds() and s.agenda == Agenda()
    (acc,) = s.accounts
    assert acc.ours.name == "Initech" and acc.ours.domain == "initech.com"
    assert acc.theirs.domain == "" and acc.theirs.status == "prospect"
    assert acc.owner == "Dana" and acc.notes == "watch out\n" and acc.due is None
    assert acc.in_overlap  # a pair written by hand counts as paired by a person
    assert acc.match.method == "manual"


def test_corrupt_toml_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('schema = 1\nours = "Acme"\npartner = "Globex\n', encoding="utf-8")
    with pytest.raises(SessionError) as err:
        session_io.load(path)
    message = str(err.value)
    assert str(path) in message and "line 3" in message


def test_a_newer_schema_says_so(tmp_path):
    path = tmp_path / "future.toml"
    path.write_text('schema = 2\nours = "A"\npartner = "B"\n', encoding="utf-8")
    with pytest.raises(SessionError, match="written by a newer acctmap"):
        session_io.load(path)


@pytest.mark.parametrize("head", ['ours = "A"\n', 'schema = "one"\nours = "A"\n', "schema = 0\n"])
def test_missing_or_bad_schema_is_refused(tmp_path, head):
    path = tmp_path / "s.toml"
    path.write_text(head, encoding="utf-8")
    with pytest.raises(SessionError, match="schema"):
        session_io.load(path)


def test_a_wrong_type_names_the_field_and_the_account(tmp_path):
    s = full_session()
    text = session_io.to_toml(s).replace("rows = [3]", 'rows = ["three"]')
    assert 'rows = ["three"]' in text
    with pytest.raises(SessionError) as err:
        session_io.from_toml(text, "q4.toml")
    message = str(err.value)
    assert "q4.toml" in message and "account 1" in message and "theirs" in message
    assert "'rows'" in message


def test_an_unknown_status_word_is_an_error_naming_it(tmp_path):
    text = session_io.to_toml(full_session()).replace('status = "open deal"', 'status = "maybe"')
    with pytest.raises(SessionError, match="'maybe'"):
        session_io.from_toml(text, "q4.toml")


def test_missing_file_and_non_utf8_file_are_session_errors(tmp_path):
    with pytest.raises(SessionError, match="no such session file"):
        session_io.load(tmp_path / "nope.toml")
    bad = tmp_path / "latin.toml"
    bad.write_bytes('schema = 1\nours = "Café"\n'.encode("latin-1"))
    with pytest.raises(SessionError, match="line 2"):
        session_io.load(bad)


# --- atomic save and recovery -----------------------------------------------------------------


def test_a_failed_save_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "q4.toml"
    s = full_session()
    session_io.save(s, path)
    before_text, before_saved = path.read_bytes(), s.saved

    def broken(*args, **kwargs):
        raise ValueError("disk on fire")

    monkeypatch.setattr(toml_io, "dumps", broken)
    s.accounts[0].owner = "someone else"
    with pytest.raises(SessionError, match="disk on fire"):
        session_io.save(s, path)
    assert path.read_bytes() == before_text
    assert s.saved == before_saved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q4.toml"]  # no temp file left behind


def test_recovery_file_sits_hidden_next_to_the_session(tmp_path):
    assert session_io.recovery_path(tmp_path / "sessions" / "x.toml") == \
        tmp_path / "sessions" / ".x.recovery.toml"


def test_newer_recovery_is_found_only_when_newer(tmp_path):
    path = tmp_path / "q4.toml"
    s = full_session()
    session_io.save(s, path)
    assert session_io.newer_recovery(path) is None
    s.accounts[0].owner = "autosaved owner"
    rec = session_io.write_recovery(s, path)
    t = path.stat().st_mtime
    os.utime(rec, (t + 60, t + 60))
    assert session_io.newer_recovery(path) == rec
    assert session_io.load(rec).accounts[0].owner == "autosaved owner"
    os.utime(rec, (t - 60, t - 60))  # the session was saved after the autosave
    assert session_io.newer_recovery(path) is None


def test_a_recovery_set_aside_is_found_until_restored_or_discarded_whatever_its_age(tmp_path):
    """"Decide later" sets a crash's recovery file aside: the next edit's autosave writes the same
    name and used to overwrite it. Set aside, it is offered at each open, the newest first, even
    once the session was saved after it; another session's (another id, or a session whose name
    only starts the same) is not this one's."""
    path = tmp_path / "q4.toml"
    s = full_session()
    session_io.save(s, path)
    s.icp_notes = "typed before the crash"
    crash = session_io.write_recovery(s, path)
    aside = session_io.set_aside_recovery(crash)
    assert not crash.exists() and aside.parent == tmp_path
    assert aside.name.startswith(".q4.") and aside.name.endswith(".recovery.toml")
    session_io.save(s, path)  # saved since: it would no longer count as newer
    os.utime(aside, (path.stat().st_mtime - 60,) * 2)
    assert session_io.newer_recovery(path, s.session_id) == aside
    assert session_io.load(aside).icp_notes == "typed before the crash"
    assert session_io.newer_recovery(path, "another-session") is None
    other = full_session()
    session_io.write_recovery(other, tmp_path / "q4.x.toml")  # `.q4.x.recovery.toml`
    assert session_io.set_aside_recoveries(path) == [aside]
    s.icp_notes = "a second crash"
    newest = session_io.set_aside_recovery(session_io.write_recovery(s, path))
    assert session_io.set_aside_recoveries(path) == [newest, aside]
    s.icp_notes = "this run"
    current = session_io.write_recovery(s, path)
    os.utime(current, (path.stat().st_mtime + 60,) * 2)
    assert session_io.newer_recovery(path, s.session_id) == current  # the newest crash first
    current.unlink()
    newest.unlink()  # discarded
    assert session_io.newer_recovery(path, s.session_id) == aside


def test_recovery_without_a_saved_session_counts_as_newer(tmp_path):
    rec = session_io.write_recovery(full_session(), tmp_path / "never-saved.toml")
    assert session_io.newer_recovery(tmp_path / "never-saved.toml") == rec


# --- names and listing ------------------------------------------------------------------------


def test_suggested_filename_from_quarter_and_companies():
    s = Session(ours="Northwind Traders, Inc.", partner="Glöbex", date=date(2026, 11, 23))
    assert session_io.suggest_filename(s) == "2026-Q4-northwind-traders-inc-globex.toml"
    assert session_io.suggest_filename(Session(ours="", partner="!!", date=date(2027, 2, 1))) == \
        "2027-Q1-session.toml"


def test_list_sessions_newest_first_skipping_recovery_and_showing_corrupt(tmp_path):
    old, new = full_session(), full_session()
    old.date, new.date = date(2026, 8, 20), date(2026, 11, 23)
    new.partner = "Initech"
    session_io.save(old, tmp_path / "2026-Q3.toml")
    session_io.save(new, tmp_path / "2026-Q4.toml")
    session_io.write_recovery(new, tmp_path / "2026-Q4.toml")
    (tmp_path / "junk.toml").write_text("this is = = not toml", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a session", encoding="utf-8")
    infos = session_io.list_sessions(tmp_path)
    names = [i.path.name for i in infos]
    assert ".2026-Q4.recovery.toml" not in names and "notes.txt" not in names
    good = [i for i in infos if not i.error]
    assert [i.path.name for i in good] == ["2026-Q4.toml", "2026-Q3.toml"]
    assert good[0].partner == "Initech" and good[0].overlap == 1 and good[0].review == 1
    (junk,) = [i for i in infos if i.error]
    assert junk.path.name == "junk.toml" and "line 1" in junk.error
    assert session_io.list_sessions(tmp_path / "missing") == []


# --- a big session's text parsed on two cores ---------------------------------------------------


@pytest.fixture()
def split_always(monkeypatch):
    """Every session text counts as big and a core is free; the calls to the second process."""
    from acctmap_tui.core import bulk

    beside, calls = bulk.beside, []
    monkeypatch.setattr(session_io, "SPLIT_BYTES", 0)
    monkeypatch.setattr(bulk, "spare_core", lambda: True)
    monkeypatch.setattr(bulk, "beside", lambda *a: calls.append(a) or beside(*a))
    return calls


def _demo_text(tmp_path: Path) -> str:
    from acctmap_tui.core.start import demo_request, open_workbench

    return open_workbench(demo_request()).save(tmp_path / "demo.toml").read_text(encoding="utf-8")


def _parsed_here(monkeypatch) -> list[int]:
    """The length of each text tomli parses in this process (the second one is not watched)."""
    loads, lengths = toml_io.loads, []
    monkeypatch.setattr(toml_io, "loads", lambda text: lengths.append(len(text)) or loads(text))
    return lengths


def _read(path: Path):
    """The session a file gives, or the error it raises."""
    try:
        return session_io.load(path)
    except SessionError as err:
        return str(err)


def test_a_big_session_parsed_in_two_parts_is_the_session_parsed_whole(tmp_path, split_always,
                                                                       monkeypatch):
    text = _demo_text(tmp_path)
    path = tmp_path / "demo.toml"
    parsed = _parsed_here(monkeypatch)
    assert session_io._loads(text, "demo.toml", (path, path.stat().st_size)) == tomllib.loads(text)
    assert len(split_always) == 1  # the second part was parsed in a second process
    assert len(parsed) == 1 and len(text) * 0.4 < parsed[0] < len(text) * 0.7  # and joined
    split = _read(path)
    monkeypatch.setattr(session_io, "SPLIT_BYTES", path.stat().st_size)  # read whole
    assert split == _read(path) and len(split.accounts) > 50
    assert len(split_always) == 2


def test_a_file_changed_while_it_is_read_is_read_as_first_read(tmp_path, split_always,
                                                               monkeypatch):
    """The second process reads its part from the file: other bytes there are not joined."""
    text = _demo_text(tmp_path)
    other = tmp_path / "other.toml"
    other.write_text(text.replace('owner = "', 'owner = "X'), encoding="utf-8")
    parsed = _parsed_here(monkeypatch)
    assert session_io._loads(text, "demo.toml", (other, other.stat().st_size)) == tomllib.loads(text)
    assert split_always and parsed[-1] == len(text)  # parsed whole here after all


@pytest.mark.parametrize("edit", ["table after the accounts", "same table twice", "broken line",
                                  "byte order mark", "nested too deep"])
def test_a_hand_edited_big_session_reads_as_the_whole_text_says(tmp_path, split_always, monkeypatch,
                                                                edit):
    """Anything but accounts after the cut, or a part that does not parse alone, is read whole:
    the same session, or the same error at the same line."""
    text = _demo_text(tmp_path)
    head, accounts = text.split("\n[[accounts]]\n", 1)
    last = text.rindex("\n[[accounts]]\n")
    if edit == "table after the accounts":
        agenda = head[head.index("\n[agenda]"):head.index("\n[thresholds]")]
        text = head.replace(agenda, "") + "\n[[accounts]]\n" + accounts + agenda
    elif edit == "same table twice":
        text = text + "\n[agenda]\ncurrent = \"icp\"\n"
    elif edit == "broken line":
        text = text[:last] + "\n[[accounts]]\nkey = = 1\n" + text[last + 1:]
    elif edit == "nested too deep":
        text = text[:last] + "\n[[accounts]]\nx = " + "[" * 70 + "]" * 70 + "\n" + text[last + 1:]
    else:
        text = "\ufeff" + text
    path = tmp_path / "hand.toml"
    path.write_text(text, encoding="utf-8")
    split = _read(path)
    assert split_always  # a second process was asked
    monkeypatch.setattr(session_io, "SPLIT_BYTES", len(text) * 4)  # read whole
    whole = _read(path)
    assert split == whole
    if edit in ("table after the accounts", "byte order mark"):
        assert not isinstance(whole, str) and whole.agenda.current
    else:
        assert isinstance(whole, str) and "hand.toml" in whole and "line " in whole


def test_a_save_written_on_two_cores_is_the_text_of_one(tmp_path, monkeypatch):
    """`acctmap match` writes a big session's accounts half in a forked copy: the file is the same
    text, byte for byte, as one process writes, for accounts needing escapes too."""
    s = full_session()
    first = s.accounts[0]
    s.accounts = []
    for i in range(9):
        acc = dataclasses.replace(first, ours=dataclasses.replace(first.ours, domain=f"a{i}.com"),
                                  theirs=dataclasses.replace(first.theirs, domain=f"a{i}.com"))
        if i % 2:
            acc.owner, acc.notes = f'Zoë "Z{i}" \\ O\'Neil\u200b', "line\nbreak"
        s.accounts.append(acc)
    monkeypatch.setattr(session_io, "utcnow", lambda: CREATED)
    monkeypatch.setattr(session_io, "TWO_CORES_ACCOUNTS", 10**9)
    one = session_io.save(s, tmp_path / "one.toml").read_bytes()
    monkeypatch.setattr(session_io, "TWO_CORES_ACCOUNTS", 2)
    monkeypatch.setattr(session_io.bulk, "spare_core", lambda: True)
    two = session_io.save(s, tmp_path / "two.toml").read_bytes()
    assert two == one
    assert session_io.load(tmp_path / "two.toml").accounts[7].owner == 'Zoë "Z7" \\ O\'Neil\u200b'


def _many_accounts(n: int) -> Session:
    s = full_session()
    first = s.accounts[0]
    s.accounts = [dataclasses.replace(first, ours=dataclasses.replace(first.ours, domain=f"a{i}.com"),
                                      theirs=dataclasses.replace(first.theirs, domain=f"a{i}.com"))
                  for i in range(n)]
    return s


def test_texts_made_ahead_leave_a_first_save_one_account_to_write(monkeypatch):
    """Made ahead a step at a time (the app runs a step between its events once a big session is
    open), the texts serve the first save; an account edited between two steps is written anew."""
    monkeypatch.setattr(session_io, "_LAST_WRITTEN", {})
    s = _many_accounts(6)
    steps = session_io.texts_ahead(s.accounts, chunk=4)
    assert next(steps) == 4
    s.accounts[1].owner = "Edited Between Steps"  # its text was made with the old owner
    assert list(steps) == [6]
    assert len(session_io._LAST_WRITTEN) == 6
    assert list(session_io.texts_ahead(s.accounts)) == []  # made already: not again
    made: list[tuple] = []
    account_text = session_io._account_text
    monkeypatch.setattr(session_io, "_account_text", lambda v: made.append(v) or account_text(v))
    text = session_io.to_toml(s)
    assert [v[0][4] for v in made] == ["Edited Between Steps"]
    monkeypatch.setattr(session_io, "_LAST_WRITTEN", {})
    assert session_io.to_toml(s) == text  # the same file as with no text made ahead


def test_texts_ahead_stop_at_a_value_that_cannot_be_written(monkeypatch):
    monkeypatch.setattr(session_io, "_LAST_WRITTEN", {})
    s = _many_accounts(3)
    s.accounts[1].owner = 42  # type: ignore[assignment]  # not a text
    assert list(session_io.texts_ahead(s.accounts)) == []  # nothing raised between the app's events
    with pytest.raises((TypeError, ValueError)):
        session_io.to_toml(s)


def test_a_save_between_two_steps_reuses_the_texts_made_and_ends_the_steps(monkeypatch):
    monkeypatch.setattr(session_io, "_LAST_WRITTEN", {})
    s = _many_accounts(6)
    steps = session_io.texts_ahead(s.accounts, chunk=2)
    assert next(steps) == 2
    made: list[tuple] = []
    account_text = session_io._account_text
    monkeypatch.setattr(session_io, "_account_text", lambda v: made.append(v) or account_text(v))
    session_io.to_toml(s)
    assert len(made) == 4  # the two made ahead were reused
    assert list(steps) == []  # the save made the rest: no more steps


def test_texts_kept_from_another_session_do_not_stop_the_steps(monkeypatch):
    monkeypatch.setattr(session_io, "_LAST_WRITTEN", {})
    other = _many_accounts(3)
    session_io.to_toml(other)  # saved: its texts are kept
    s = _many_accounts(4)
    for a in s.accounts:
        a.ours.domain = a.theirs.domain = "new-" + a.ours.domain
    assert list(session_io.texts_ahead(s.accounts)) == [4]
    assert sorted(session_io._LAST_WRITTEN) == sorted(a.key for a in s.accounts)


# --- name keys made by other rules ------------------------------------------------------------------


def _name_pair(ours: str, theirs: str, ours_key: str, theirs_key: str, domain: str = "") -> Account:
    return Account(Record(ours, "", CUSTOMER, name_key=ours_key),
                   Record(theirs, domain, CUSTOMER, name_key=theirs_key),
                   MatchInfo("name", 100.0, "accepted", ["no-domain"]), owner="Dana")


def _as_saved_by(text: str, version: str | None) -> str:
    """A session text as another version of acctmap wrote it: its name-key version line changed
    or, for a file from before versions, gone."""
    line = f"name_key_version = {NAME_KEY_VERSION}\n"
    assert text.count(line) == 1
    return text.replace(line, "" if version is None else f"name_key_version = {version}\n")


@pytest.mark.parametrize("version", [None, "0", str(NAME_KEY_VERSION + 1), '"1"'])
def test_a_file_saved_with_other_name_key_rules_gets_this_versions_keys(tmp_path, version):
    s = Session(ours="Acme", partner="Globex", created=CREATED, date=date(2026, 11, 23), accounts=[
        _name_pair("株式会社サンプル商事", "サンプル商事 株式会社", "株式会社サンフル商事", "サンフル商事 株式会社"),
        _name_pair("Initech", "Initech LLC", "initech", "initech llc", "initech.com")])
    path = tmp_path / "q3.toml"
    path.write_text(_as_saved_by(session_io.to_toml(s), version), encoding="utf-8")

    loaded = session_io.load(path)
    keys = [(a.ours.name_key, a.theirs.name_key) for a in loaded.accounts]
    assert keys == [("サンフル商事", "サンフル商事"), ("initech", "initech")]
    assert loaded.accounts[0].key == "name:サンフル商事"
    again = session_io.save(loaded, tmp_path / "q3 again.toml").read_text(encoding="utf-8")
    assert f"\nname_key_version = {NAME_KEY_VERSION}\n" in again
    assert 'name_key = "サンフル商事"' in again and "株式会社サンフル商事" not in again


def test_a_file_saved_with_this_versions_rules_keeps_its_keys_as_written(tmp_path):
    s = Session(ours="Acme", partner="Globex", created=CREATED, date=date(2026, 11, 23), accounts=[
        _name_pair("Initech", "Initech LLC", "initech (by hand)", "initech")])
    path = session_io.save(s, tmp_path / "q4.toml")
    (account,) = session_io.load(path).accounts
    assert account.ours.name_key == "initech (by hand)"  # not made again: no cost on each open


def test_accounts_that_new_keys_would_make_one_pair_keep_their_saved_keys(tmp_path):
    """Two accounts that the new rules would make the same pair of records (one name with the
    legal form, one without, against one partner record): the file still opens, both kept."""
    s = Session(ours="Acme", partner="Globex", created=CREATED, date=date(2026, 11, 23), accounts=[
        _name_pair("株式会社トヨタ", "Toyota Motor", "株式会社トヨタ", "toyota motor", "toyota.co.jp"),
        _name_pair("トヨタ", "Toyota Motor", "トヨタ", "toyota motor", "toyota.co.jp"),
        _name_pair("有限会社山田", "山田 有限会社", "有限会社山田", "山田 有限会社")])
    path = tmp_path / "q3.toml"
    path.write_text(_as_saved_by(session_io.to_toml(s), None), encoding="utf-8")

    loaded = session_io.load(path)
    assert [a.ours.name_key for a in loaded.accounts] == ["株式会社トヨタ", "トヨタ", "山田"]
    assert len({a.pair_id for a in loaded.accounts}) == 3


# --- domains cut by another suffix list -------------------------------------------------------------


def _domain_pair(name: str, cell: str, saved: str, theirs_domain: str | None = None) -> Account:
    """A domain pair as an acctmap whose suffix list lacked `vercel.app` saved it: the website
    cell `acme.vercel.app` cut to `vercel.app`."""
    return Account(Record(name, saved, CUSTOMER, raw_domain=cell, name_key=name.lower()),
                   Record(name, saved if theirs_domain is None else theirs_domain, CUSTOMER,
                          raw_domain=cell, name_key=name.lower()),
                   MatchInfo("domain", 100.0, "auto"), owner="Dana")


def _with_domain_rules(text: str, version: str | None) -> str:
    line = f'domain_key_version = "{domain_key_version()}"\n'
    assert text.count(line) == 1
    return text.replace(line, "" if version is None else f'domain_key_version = "{version}"\n')


@pytest.mark.parametrize("version", [None, "1/psl-000000000000", "0/psl-" + domain_key_version()[6:]])
def test_a_file_saved_with_another_suffix_list_gets_its_domains_cut_again(tmp_path, version):
    s = Session(ours="Acme", partner="Globex", created=CREATED, date=date(2026, 11, 23), accounts=[
        _domain_pair("Acme", "https://acme.vercel.app/pricing", "vercel.app"),
        _domain_pair("Initech", "initech.com", "initech.com"),
        _domain_pair("Hooli", "jo@gmail.com", "gmail.com")])  # free mail: the name is its key
    path = tmp_path / "q3.toml"
    path.write_text(_with_domain_rules(session_io.to_toml(s), version), encoding="utf-8")

    loaded = session_io.load(path)
    assert [(a.ours.domain, a.theirs.domain) for a in loaded.accounts] == [
        ("acme.vercel.app", "acme.vercel.app"), ("initech.com", "initech.com"), ("", "")]
    assert [a.key for a in loaded.accounts] == ["acme.vercel.app", "initech.com", "name:hooli"]
    again = session_io.save(loaded, tmp_path / "q3 again.toml").read_text(encoding="utf-8")
    assert f'\ndomain_key_version = "{domain_key_version()}"\n' in again
    assert session_io.load(tmp_path / "q3 again.toml").accounts[0].key == "acme.vercel.app"


def test_a_file_saved_with_this_suffix_list_keeps_its_domains_as_written(tmp_path):
    s = Session(ours="Acme", partner="Globex", created=CREATED, date=date(2026, 11, 23), accounts=[
        _domain_pair("Acme", "https://acme.vercel.app/pricing", "vercel.app")])
    (account,) = session_io.load(session_io.save(s, tmp_path / "q4.toml")).accounts
    assert account.key == "vercel.app"  # not cut again: no cost on each open


def test_accounts_that_new_domains_would_make_one_pair_keep_their_saved_domains(tmp_path):
    """Two accounts of the old file pair records that the new list cuts to one domain on each
    side; a record with no name keeps its domain rather than be known by nothing."""
    s = Session(ours="Acme", partner="Globex", created=CREATED, date=date(2026, 11, 23), accounts=[
        _domain_pair("Acme", "www.acme.com", "www.acme.com"),
        _domain_pair("Acme", "acme.com", "acme.com"),
        Account(Record("", "gmail.com", CUSTOMER, raw_domain="gmail.com"),
                Record("Gmail", "gmail.com", CUSTOMER, raw_domain="gmail.com", name_key="gmail"),
                MatchInfo("domain", 100.0, "auto"))])
    path = tmp_path / "q3.toml"
    path.write_text(_with_domain_rules(session_io.to_toml(s), None), encoding="utf-8")

    loaded = session_io.load(path)
    assert [a.key for a in loaded.accounts] == ["www.acme.com", "acme.com", "gmail.com"]
    assert len({a.pair_id for a in loaded.accounts}) == 3


def test_a_snapshot_in_steps_is_the_snapshot_in_one_go() -> None:
    from acctmap_tui.core.session import snapshot, snapshot_in_steps
    from tests.ui.factory import small_workbench

    session = small_workbench().session
    steps = list(snapshot_in_steps(session, "/tmp/x/s.toml", step=3))
    assert steps[:-1] == [None] * ((len(session.accounts) - 1) // 3)
    assert steps[-1].to_bytes() == snapshot(session, "/tmp/x/s.toml").to_bytes()
